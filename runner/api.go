package runner

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// API is a loaded spec prepared for checking: its operations indexed by operation ID, a router
// that ignores the spec's `servers` hosts, and the per-response facts checks need, all computed
// once by NewAPI. An API is safe for concurrent use.
type API struct {
	Name string
	Doc  *openapi3.T

	ops    map[string]*Operation
	sorted []*Operation
	router routers.Router
	// headers holds the canonical names of every header documented on any response.
	headers map[string]bool
	// reach says, for every schema of a response body, what the schemas the drift checks walk
	// from it (itself, allOf, properties, items, transitively) hold; see walkSchema.
	reach map[*openapi3.Schema]*schemaReach
	// profile is the API's profile (an empty one when it has none), and names the canonical
	// header names the checks look up from it.
	profile *Profile
	names   profileNames
}

// profileNames are the header names of a profile ("" where the profile names none), and the
// header prefixes that count as contract.
type profileNames struct {
	requestID, limit, remaining, reset, retryAfter headerName
	// resetEpoch: the reset header is UTC epoch seconds, not relative seconds.
	resetEpoch bool
	// contractPrefixes are standard HTTP headers that carry API semantics wherever they appear,
	// the profile's prefixes and its rate-limit headers, as net/http keys them.
	contractPrefixes []string
}

// headerName is a header the profile names: key as net/http keys it (for look-ups), shown as
// the profile writes it (for messages). Both are "" when the profile names none.
type headerName struct{ key, shown string }

// nameOf returns the headerName of a header the profile writes as s.
func nameOf(s string) headerName {
	if s == "" {
		return headerName{}
	}
	return headerName{key: http.CanonicalHeaderKey(s), shown: s}
}

// standardContractHeaders are HTTP headers that carry API semantics wherever they appear, for
// any API (RFC 9110 authentication challenges and Retry-After, RFC 8594 Sunset, the IETF
// Deprecation and RateLimit fields).
var standardContractHeaders = []string{"Www-Authenticate", "Retry-After", "Deprecation", "Sunset", "Ratelimit"}

// namesOf works out the header names the checks read from p.
func namesOf(p *Profile) profileNames {
	n := profileNames{requestID: nameOf(p.RequestIDHeader)}
	if rl := p.RateLimit; rl != nil {
		n.limit, n.remaining, n.reset, n.retryAfter = nameOf(rl.LimitHeader), nameOf(rl.RemainingHeader), nameOf(rl.ResetHeader), nameOf(rl.RetryAfterHeader)
		n.resetEpoch = rl.Reset == ResetEpochSeconds
	}
	n.contractPrefixes = append(n.contractPrefixes, standardContractHeaders...)
	n.contractPrefixes = append(n.contractPrefixes, p.ContractHeaderPrefixes...)
	for _, h := range []headerName{n.limit, n.remaining, n.reset, n.retryAfter} {
		if h.key != "" && !slices.Contains(n.contractPrefixes, h.key) {
			n.contractPrefixes = append(n.contractPrefixes, h.key)
		}
	}
	return n
}

// schemaReach is what a schema and the schemas under it hold that a drift check reports on, and
// where each drift walk goes from it.
type schemaReach struct {
	// openObject: a schema with named properties that allows others (drift-property).
	openObject bool
	// extensibleEnum: a schema with values in the profile's extensible-enum extension
	// (drift-enum).
	extensibleEnum bool
	// openWalk and enumWalk are where drift-property's and drift-enum's walks go from the schema,
	// nil where they cannot find anything.
	openWalk, enumWalk *walkNode
}

// walkNode is a schema a drift walk visits, with what the walk descends into from it: the allOf
// members, properties (by name) and items under which its check can find something, and nothing
// else (walkSchema).
type walkNode struct {
	schema     *openapi3.Schema
	allOf      []*walkNode
	properties []walkProperty
	items      *walkNode
}

// walkProperty is a property a drift walk descends into.
type walkProperty struct {
	name string
	node *walkNode
}

// Operation is one operation of an API.
type Operation struct {
	ID     string
	Method string
	// Path is the path template as the spec writes it, e.g. /org/v2/environments/{id}.
	Path string
	Op   *openapi3.Operation
	// SpecRef is the JSON pointer of the operation in the spec.
	SpecRef string

	api *API
	// bodyRoute is a copy of the operation whose responses keep only their content, so that
	// kin-openapi validates the body without stopping at a header error (header checks are ours).
	bodyRoute *routers.Route
	// route is the whole operation, for validating observed requests.
	route *routers.Route
	// probe is the request kin-openapi's ValidateResponse reads (only its method).
	probe *http.Request
	// bodyVisitOptions are the schema options ValidateResponse would use on a response body.
	bodyVisitOptions []openapi3.SchemaValidationOption
	responses        map[string]*responseFacts
	// byStatus is response(status) for every status from 100 to 599, resolved once.
	byStatus [600]*responseFacts
}

// responseFacts are computed once per documented response.
type responseFacts struct {
	key     string // "204", "4XX" or "default"
	specRef string
	resp    *openapi3.Response
	// headers are the documented headers other than Content-Type, sorted by name.
	headers []string
	// errorStatus is true when the body schema has the profile's error status field
	// (error-status-match).
	errorStatus bool

	// What the checks would otherwise work out on every exchange:
	// declared is the declared media types, sorted.
	declared []string
	// contentRef is specRef + "/content"; schemaRefs holds, per declared media type, the
	// pointer of its schema.
	contentRef string
	schemaRefs map[string]string
	// headerFacts describe headers, in the same order.
	headerFacts []headerFacts
	// documented holds the canonical names of headers.
	documented map[string]bool
	// knownCodes lists the error codes the vendor is known to send with this response (the
	// response extension the profile's error-code names).
	knownCodes []string
}

// headerFacts are the facts of one documented response header, computed once.
type headerFacts struct {
	name      string // as the spec writes it
	canonical string // as net/http keys it
	required  bool
	schema    *openapi3.Schema // nil when the header declares none
	ref       string           // the header's JSON pointer in the spec
	schemaRef string           // the pointer of its schema
}

// NewAPI prepares doc (already loaded and validated, see package specs) for checking, with the
// profile in its x-apiconform extension (none: the checks that need one stay silent).
func NewAPI(name string, doc *openapi3.T) (*API, error) {
	return NewAPIWithProfile(name, doc, nil)
}

// NewAPIWithProfile is NewAPI with profile (a profile file, see ReadProfile) in place of the
// spec's own; nil means the spec's own.
func NewAPIWithProfile(name string, doc *openapi3.T, profile *Profile) (*API, error) {
	if doc == nil || doc.Paths == nil {
		return nil, fmt.Errorf("spec %s: no paths", name)
	}
	if profile == nil {
		p, err := SpecProfile(name, doc)
		if err != nil {
			return nil, err
		}
		profile = p
	}
	if profile == nil {
		profile = &Profile{}
	}
	profile, err := profile.normalized() // a profile built in Go is held to what a file is
	if err != nil {
		return nil, fmt.Errorf("spec %s: profile: %w", name, err)
	}
	registerUniqueItemsChecker.Do(func() { openapi3.RegisterArrayUniqueItemsChecker(uniqueJSONItems) })
	a := &API{Name: name, Doc: doc, ops: map[string]*Operation{}, headers: map[string]bool{}, profile: profile, names: namesOf(profile)}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			id := operationID(method, path, op)
			if _, dup := a.ops[id]; dup {
				return nil, fmt.Errorf("spec %s: operationId %q is used twice", name, id)
			}
			o := &Operation{
				ID:      id,
				Method:  method,
				Path:    path,
				Op:      op,
				SpecRef: "#/paths/" + escapePointer(path) + "/" + strings.ToLower(method),
				api:     a,
				probe:   &http.Request{Method: method},
			}
			o.prepare(doc, item)
			for _, f := range o.responses {
				for _, h := range f.headers {
					a.headers[http.CanonicalHeaderKey(h)] = true
				}
			}
			a.ops[o.ID] = o
			a.sorted = append(a.sorted, o)
		}
	}
	sort.Slice(a.sorted, func(i, j int) bool { return a.sorted[i].ID < a.sorted[j].ID })
	a.reach = schemaReaches(a.sorted, profile.ExtensibleEnumExtension)
	router, err := legacy.NewRouter(serverless(doc))
	if err != nil {
		return nil, fmt.Errorf("spec %s: cannot build a router: %w", name, err)
	}
	a.router = router
	return a, nil
}

// schemaReaches computes schemaReach for every schema under a response body of ops; enumExt is
// the profile's extensible-enum extension ("" when it has none).
func schemaReaches(ops []*Operation, enumExt string) map[*openapi3.Schema]*schemaReach {
	reach := map[*openapi3.Schema]*schemaReach{}
	var all []*openapi3.Schema
	var collect func(*openapi3.Schema)
	collect = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		if _, seen := reach[s]; seen {
			return
		}
		reach[s] = &schemaReach{
			openObject:     len(s.Properties) > 0 && !(s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has),
			extensibleEnum: enumExt != "" && len(stringList(s.Extensions[enumExt])) > 0,
		}
		all = append(all, s)
		for _, c := range schemaChildren(s) {
			collect(c)
		}
	}
	for _, o := range ops {
		for _, f := range o.responses {
			for _, mt := range f.resp.Content {
				if mt != nil && mt.Schema != nil {
					collect(mt.Schema.Value)
				}
			}
		}
	}
	// What a schema reaches, it holds too: propagate up until nothing changes (schemas may be
	// recursive).
	for changed := true; changed; {
		changed = false
		for _, s := range all {
			r := reach[s]
			for _, c := range schemaChildren(s) {
				cr := reach[c]
				if (cr.openObject && !r.openObject) || (cr.extensibleEnum && !r.extensibleEnum) {
					r.openObject = r.openObject || cr.openObject
					r.extensibleEnum = r.extensibleEnum || cr.extensibleEnum
					changed = true
				}
			}
		}
	}
	planWalks(all, reach, func(r *schemaReach) **walkNode { return &r.openWalk }, func(r *schemaReach) bool { return r.openObject })
	planWalks(all, reach, func(r *schemaReach) **walkNode { return &r.enumWalk }, func(r *schemaReach) bool { return r.extensibleEnum })
	return reach
}

// planWalks builds one drift walk's nodes (at, in each schemaReach): a node for every schema
// under which the walk's check can find something (holds), linked to the nodes of its allOf
// members, properties and items that have one.
func planWalks(all []*openapi3.Schema, reach map[*openapi3.Schema]*schemaReach, at func(*schemaReach) **walkNode, holds func(*schemaReach) bool) {
	for _, s := range all {
		if r := reach[s]; holds(r) {
			*at(r) = &walkNode{schema: s}
		}
	}
	nodeOf := func(ref *openapi3.SchemaRef) *walkNode {
		if ref == nil || ref.Value == nil {
			return nil
		}
		return *at(reach[ref.Value])
	}
	for _, s := range all {
		n := *at(reach[s])
		if n == nil {
			continue
		}
		for _, sub := range s.AllOf {
			if c := nodeOf(sub); c != nil {
				n.allOf = append(n.allOf, c)
			}
		}
		for name, prop := range s.Properties {
			if c := nodeOf(prop); c != nil {
				n.properties = append(n.properties, walkProperty{name, c})
			}
		}
		sort.Slice(n.properties, func(i, j int) bool { return n.properties[i].name < n.properties[j].name })
		n.items = nodeOf(s.Items)
	}
}

// schemaChildren are the schemas a drift walk can descend into from s.
func schemaChildren(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	for _, sub := range s.AllOf {
		if sub != nil && sub.Value != nil {
			out = append(out, sub.Value)
		}
	}
	for _, p := range s.Properties {
		if p != nil && p.Value != nil {
			out = append(out, p.Value)
		}
	}
	if s.Items != nil && s.Items.Value != nil {
		out = append(out, s.Items.Value)
	}
	return out
}

// openObjectWalk returns where drift-property's walk goes from s (nil: nowhere, it cannot find
// anything there); known is false for a schema the API has no plan for.
func (a *API) openObjectWalk(s *openapi3.Schema) (node *walkNode, known bool) {
	r, ok := a.reach[s]
	if !ok {
		return nil, false
	}
	return r.openWalk, true
}

// extensibleEnumWalk returns where drift-enum's walk goes from s (nil: nowhere, it cannot find
// anything there); known is false for a schema the API has no plan for.
func (a *API) extensibleEnumWalk(s *openapi3.Schema) (node *walkNode, known bool) {
	r, ok := a.reach[s]
	if !ok {
		return nil, false
	}
	return r.enumWalk, true
}

// Operation returns the operation with the given ID, or nil.
func (a *API) Operation(id string) *Operation { return a.ops[id] }

// Operations returns every operation, sorted by ID.
func (a *API) Operations() []*Operation { return a.sorted }

// documentsHeader reports whether any response of the API documents the header.
func (a *API) documentsHeader(name string) bool { return a.headers[http.CanonicalHeaderKey(name)] }

// FindOperation routes a request path (the target's base path already removed) to an operation.
// The spec's `servers` are ignored, so a request to a loopback mock routes like one to the vendor.
func (a *API) FindOperation(method, path string) (*Operation, map[string]string, error) {
	req := &http.Request{Method: method, URL: &url.URL{Path: path}}
	route, params, err := a.router.FindRoute(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s matches no operation of %s: %w", method, path, a.Name, err)
	}
	op := a.ops[route.Operation.OperationID] // serverless gave every operation its ID
	if op == nil {
		return nil, nil, fmt.Errorf("%s %s routes to an operation without an ID", method, path)
	}
	return op, params, nil
}

// operationID is the ID of an operation: its operationId, or, for an operation the spec gives
// none, its method and path as the spec writes them ("GET /widgets/{id}"), which scenarios and
// --operation then name it by.
func operationID(method, path string, op *openapi3.Operation) string {
	if op.OperationID != "" {
		return op.OperationID
	}
	return strings.ToUpper(method) + " " + path
}

// serverless returns a shallow copy of doc whose document, path and operation `servers` are
// removed, so that routing matches any host, and each operation carries its ID (operationID).
// doc itself is not changed.
func serverless(doc *openapi3.T) *openapi3.T {
	cp := *doc
	cp.Servers = nil
	paths := openapi3.NewPaths()
	for path, item := range doc.Paths.Map() {
		it := *item
		it.Servers = nil
		for method, op := range item.Operations() {
			o := *op
			o.Servers = nil
			o.OperationID = operationID(method, path, op)
			it.SetOperation(method, &o)
		}
		paths.Set(path, &it)
	}
	cp.Paths = paths
	return &cp
}

func (o *Operation) prepare(doc *openapi3.T, item *openapi3.PathItem) {
	o.responses = map[string]*responseFacts{}
	bodyOp := *o.Op
	bodyOp.Responses = openapi3.NewResponses()
	bodyOp.Responses.Delete("default")
	for key, ref := range o.Op.Responses.Map() {
		if ref == nil || ref.Value == nil {
			continue
		}
		f := &responseFacts{key: key, specRef: o.SpecRef + "/responses/" + key, resp: ref.Value}
		for name := range ref.Value.Headers {
			if !strings.EqualFold(name, "Content-Type") {
				f.headers = append(f.headers, name)
			}
		}
		sort.Strings(f.headers)
		f.errorStatus = hasErrorStatus(ref.Value, o.api.profile.ErrorStatus)
		f.precompute(o.api.profile)
		o.responses[key] = f
		bodyOnly := *ref.Value
		bodyOnly.Headers = nil
		bodyOp.Responses.Set(key, &openapi3.ResponseRef{Value: &bodyOnly})
	}
	o.bodyRoute = &routers.Route{Spec: doc, Path: o.Path, PathItem: item, Method: o.Method, Operation: &bodyOp}
	o.route = &routers.Route{Spec: doc, Path: o.Path, PathItem: item, Method: o.Method, Operation: o.Op}
	// In the order openapi3filter.ValidateResponse builds them from validationOptions.
	o.bodyVisitOptions = []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.SetSchemaErrorMessageCustomizer(schemaErrorReason)}
	if doc.IsOpenAPI31OrLater() {
		o.bodyVisitOptions = append(o.bodyVisitOptions, openapi3.EnableJSONSchema2020())
	}
	o.bodyVisitOptions = append(o.bodyVisitOptions, openapi3.VisitAsResponse())
	o.resolveStatuses()
}

// resolveStatuses fills byStatus as lookupResponse answers, from the response keys: an exact
// key ("404", as strconv.Itoa writes it), else the range key ("4XX"), else "default".
func (o *Operation) resolveStatuses() {
	var ranges [6]*responseFacts
	for key, f := range o.responses {
		if n, err := strconv.Atoi(key); err == nil && strconv.Itoa(n) == key && n >= 100 && n < len(o.byStatus) {
			o.byStatus[n] = f
		} else if len(key) == 3 && key[1:] == "XX" && key[0] >= '1' && key[0] <= '5' {
			ranges[key[0]-'0'] = f
		}
	}
	def := o.responses["default"]
	for status := 100; status < len(o.byStatus); status++ {
		if o.byStatus[status] == nil {
			o.byStatus[status] = ranges[status/100]
		}
		if o.byStatus[status] == nil {
			o.byStatus[status] = def
		}
	}
}

// precompute fills in what the checks need of the response on every exchange.
func (f *responseFacts) precompute(p *Profile) {
	f.declared = make([]string, 0, len(f.resp.Content))
	for mt := range f.resp.Content {
		f.declared = append(f.declared, mt)
	}
	sort.Strings(f.declared)
	f.contentRef = f.specRef + "/content"
	f.schemaRefs = make(map[string]string, len(f.declared))
	for _, mt := range f.declared {
		f.schemaRefs[mt] = f.contentRef + "/" + escapePointer(mt) + "/schema"
	}
	f.documented = make(map[string]bool, len(f.headers))
	for _, name := range f.headers {
		hf := headerFacts{name: name, canonical: http.CanonicalHeaderKey(name), ref: f.specRef + "/headers/" + escapePointer(name)}
		hf.schemaRef = hf.ref + "/schema"
		if h := f.resp.Headers[name]; h != nil && h.Value != nil {
			hf.required = h.Value.Required
			if h.Value.Schema != nil {
				hf.schema = h.Value.Schema.Value
			}
		}
		f.headerFacts = append(f.headerFacts, hf)
		f.documented[hf.canonical] = true
	}
	if p.ErrorCode != nil {
		f.knownCodes = stringList(f.resp.Extensions[p.ErrorCode.KnownCodesExtension])
	}
}

// schemaRef returns the JSON pointer of the schema of media type mt (declared or not).
func (f *responseFacts) schemaRef(mt string) string {
	if ref, ok := f.schemaRefs[mt]; ok {
		return ref
	}
	return f.contentRef + "/" + escapePointer(mt) + "/schema"
}

// response returns the documented response for status (exact, then range such as 4XX, then
// default), or nil.
func (o *Operation) response(status int) *responseFacts {
	if status >= 100 && status < len(o.byStatus) {
		return o.byStatus[status]
	}
	return o.lookupResponse(status)
}

func (o *Operation) lookupResponse(status int) *responseFacts {
	st := strconv.Itoa(status)
	if f := o.responses[st]; f != nil {
		return f
	}
	if status > 99 && status < 600 {
		if f := o.responses[st[:1]+"XX"]; f != nil {
			return f
		}
	}
	return o.responses["default"]
}

// DocumentedStatuses returns the response keys the spec documents for the operation, sorted
// ("204", "4XX", "default").
func (o *Operation) DocumentedStatuses() []string {
	keys := make([]string, 0, len(o.responses))
	for k := range o.responses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// DocumentedHeaders returns the headers documented for a response key, sorted.
func (o *Operation) DocumentedHeaders(key string) []string {
	if f := o.responses[key]; f != nil {
		return f.headers
	}
	return nil
}

// SecuritySchemes returns the names of the security schemes the operation accepts (its own
// requirement, else the document's), in the spec's order, without duplicates.
func (o *Operation) SecuritySchemes() []string {
	reqs := o.Op.Security
	if reqs == nil {
		reqs = &o.api.Doc.Security
	}
	var names []string
	seen := map[string]bool{}
	for _, req := range *reqs {
		keys := make([]string, 0, len(req))
		for k := range req {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	return names
}

// API returns the API the operation belongs to.
func (o *Operation) API() *API { return o.api }

// hasErrorStatus reports whether a body schema of resp has the property where the profile says
// an error body carries its status (es.Field; with es.Items set, a property of es.Items, the
// error object or each item of an array of them), reading an object described by allOf as one
// object.
func hasErrorStatus(resp *openapi3.Response, es *ErrorStatusProfile) bool {
	if es == nil {
		return false
	}
	for _, mt := range resp.Content {
		if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		holders := []*openapi3.Schema{mt.Schema.Value}
		if es.Items != "" {
			holders = nil
			for _, items := range propertiesNamed(mt.Schema.Value, es.Items) {
				if items.Items != nil && items.Items.Value != nil {
					holders = append(holders, items.Items.Value) // an array of error objects
				} else {
					holders = append(holders, items) // the one error object
				}
			}
		}
		for _, h := range holders {
			if len(propertiesNamed(h, es.Field)) > 0 {
				return true
			}
		}
	}
	return false
}

// propertiesNamed returns the schemas of property name in s and the members of its allOf,
// transitively.
func propertiesNamed(s *openapi3.Schema, name string) []*openapi3.Schema {
	var out []*openapi3.Schema
	inAllOf(s, func(m *openapi3.Schema) bool {
		if p := m.Properties[name]; p != nil && p.Value != nil {
			out = append(out, p.Value)
		}
		return false
	})
	return out
}

// maxAllOfDepth bounds how deep inAllOf follows allOf (a spec may be recursive).
const maxAllOfDepth = 16

// inAllOf reports whether holds is true of s or of a member of its allOf, transitively: an
// object described by allOf is one object.
func inAllOf(s *openapi3.Schema, holds func(*openapi3.Schema) bool) bool {
	return inAllOfAt(s, holds, 0)
}

func inAllOfAt(s *openapi3.Schema, holds func(*openapi3.Schema) bool, depth int) bool {
	if holds(s) {
		return true
	}
	if depth < maxAllOfDepth {
		for _, sub := range s.AllOf {
			if sub != nil && sub.Value != nil && inAllOfAt(sub.Value, holds, depth+1) {
				return true
			}
		}
	}
	return false
}

// requestID returns the response header the profile names as the request ID, or "".
func (a *API) requestID(resp *RecordedResponse) string {
	if resp == nil || a.names.requestID.key == "" {
		return ""
	}
	if vs := resp.Header[a.names.requestID.key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// ProfileNotes says which parts of the API's profile match nothing in its spec, so that the
// check that reads them can never find anything: a profile written for another spec, or a
// typing mistake. Empty when every part applies somewhere.
func (a *API) ProfileNotes() []string {
	p := a.profile
	var errStatus, knownCodes, enums bool
	for _, o := range a.sorted {
		for _, f := range o.responses {
			errStatus = errStatus || f.errorStatus
			knownCodes = knownCodes || len(f.knownCodes) > 0
		}
	}
	for _, r := range a.reach {
		enums = enums || r.extensibleEnum
	}
	var notes []string
	if es := p.ErrorStatus; es != nil && !errStatus {
		where := es.Field
		if es.Items != "" {
			where = es.Items + "[]." + es.Field + " or " + es.Items + "." + es.Field
		}
		notes = append(notes, fmt.Sprintf("profile error-status: no response schema of %s has %s: error-status-match will find nothing", a.Name, where))
	}
	if ec := p.ErrorCode; ec != nil && !knownCodes {
		notes = append(notes, fmt.Sprintf("profile error-code: no response of %s lists codes in %s: drift-enum will check no error code", a.Name, ec.KnownCodesExtension))
	}
	if ext := p.ExtensibleEnumExtension; ext != "" && !enums {
		notes = append(notes, fmt.Sprintf("profile extensible-enum-extension: no response schema of %s has %s: drift-enum will check no such value", a.Name, ext))
	}
	return notes
}

// Profile returns the API's profile (an empty one when it has none). It must not be changed.
func (a *API) Profile() *Profile { return a.profile }

// stringList returns the strings of an extension's list value (a list of known codes or
// values); anything else in it is skipped.
func stringList(v any) []string {
	list, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
