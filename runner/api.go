package runner

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
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
	reach map[*openapi3.Schema]schemaReach
}

// schemaReach is what a schema and the schemas under it hold that a drift check reports on.
type schemaReach struct {
	// openObject: a schema with named properties that allows others (drift-property).
	openObject bool
	// extensibleEnum: a schema with x-extensible-enum values (drift-enum).
	extensibleEnum bool
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
	// errorStatus is true when the body schema has errors[].status (the Confluent Failure shape).
	errorStatus bool

	// What the checks would otherwise work out on every exchange:
	// declared is the declared media types, sorted; declaredWant joins them with " or ".
	declared     []string
	declaredWant string
	// contentRef is specRef + "/content"; schemaRefs holds, per declared media type, the
	// pointer of its schema.
	contentRef string
	schemaRefs map[string]string
	// headerFacts describe headers, in the same order.
	headerFacts []headerFacts
	// documented holds the canonical names of headers; driftExpected is what drift-header says
	// the response should carry.
	documented    map[string]bool
	driftExpected string
	// knownCodes is the response's x-known-codes (Apinizer error codes); knownCodesWant lists them
	// for messages.
	knownCodes     []string
	knownCodesWant string
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

// NewAPI prepares doc (already loaded and validated, see package specs) for checking.
func NewAPI(name string, doc *openapi3.T) (*API, error) {
	if doc == nil || doc.Paths == nil {
		return nil, fmt.Errorf("spec %s: no paths", name)
	}
	registerUniqueItemsChecker.Do(func() { openapi3.RegisterArrayUniqueItemsChecker(uniqueJSONItems) })
	a := &API{Name: name, Doc: doc, ops: map[string]*Operation{}, headers: map[string]bool{}}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, fmt.Errorf("spec %s: %s %s has no operationId; scenarios name operations by ID", name, method, path)
			}
			if _, dup := a.ops[op.OperationID]; dup {
				return nil, fmt.Errorf("spec %s: operationId %q is used twice", name, op.OperationID)
			}
			o := &Operation{
				ID:      op.OperationID,
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
	a.reach = schemaReaches(a.sorted)
	router, err := legacy.NewRouter(serverless(doc))
	if err != nil {
		return nil, fmt.Errorf("spec %s: cannot build a router: %w", name, err)
	}
	a.router = router
	return a, nil
}

// schemaReaches computes schemaReach for every schema under a response body of ops.
func schemaReaches(ops []*Operation) map[*openapi3.Schema]schemaReach {
	reach := map[*openapi3.Schema]schemaReach{}
	var all []*openapi3.Schema
	var collect func(*openapi3.Schema)
	collect = func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		if _, seen := reach[s]; seen {
			return
		}
		reach[s] = schemaReach{
			openObject:     len(s.Properties) > 0 && !(s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has),
			extensibleEnum: len(stringList(s.Extensions["x-extensible-enum"])) > 0,
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
			reach[s] = r
		}
	}
	return reach
}

// schemaChildren are the schemas walkSchema descends into from s.
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

// reachesOpenObject reports whether drift-property can find anything under s.
func (a *API) reachesOpenObject(s *openapi3.Schema) bool {
	r, ok := a.reach[s]
	return !ok || r.openObject
}

// reachesExtensibleEnum reports whether drift-enum's walk can find anything under s.
func (a *API) reachesExtensibleEnum(s *openapi3.Schema) bool {
	r, ok := a.reach[s]
	return !ok || r.extensibleEnum
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
	op := a.ops[route.Operation.OperationID]
	if op == nil {
		return nil, nil, fmt.Errorf("%s %s routes to an operation without an ID", method, path)
	}
	return op, params, nil
}

// serverless returns a shallow copy of doc whose document, path and operation `servers` are
// removed, so that routing matches any host. doc itself is not changed.
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
		f.errorStatus = hasErrorStatus(ref.Value)
		f.precompute()
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
func (f *responseFacts) precompute() {
	f.declared = make([]string, 0, len(f.resp.Content))
	for mt := range f.resp.Content {
		f.declared = append(f.declared, mt)
	}
	sort.Strings(f.declared)
	f.declaredWant = strings.Join(f.declared, " or ")
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
	f.knownCodes = stringList(f.resp.Extensions["x-known-codes"])
	f.knownCodesWant = "one of " + strings.Join(f.knownCodes, ", ")
	f.driftExpected = "no documented headers"
	if len(f.headers) > 0 {
		f.driftExpected = "only the documented headers " + strings.Join(f.headers, ", ")
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

func hasErrorStatus(resp *openapi3.Response) bool {
	for _, mt := range resp.Content {
		if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		errs := mt.Schema.Value.Properties["errors"]
		if errs == nil || errs.Value == nil || errs.Value.Items == nil || errs.Value.Items.Value == nil {
			continue
		}
		if errs.Value.Items.Value.Properties["status"] != nil {
			return true
		}
	}
	return false
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return pointerEscaper.Replace(token)
}

// pointer joins tokens into a JSON pointer ("" for the whole document).
func pointer(tokens ...string) string {
	if len(tokens) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

// newValidationOptions returns the kin-openapi options every body validation uses: all errors
// collected, and no schema or value dumps in error text.
func newValidationOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	o.WithCustomSchemaErrorFunc(schemaErrorReason)
	return o
}

// schemaErrorReason renders a schema error as its reason alone: no schema, no value.
func schemaErrorReason(err *openapi3.SchemaError) string { return err.Reason }
