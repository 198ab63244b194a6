package probe

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"pgregory.net/rapid"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
)

// Family names a kind of generated request. Each family of each operation is its own rapid
// property: it finds, and shrinks, its own failures.
type Family string

// The request families.
const (
	// FamilyValid: valid parameters, a valid body, a valid credential of a configured scheme.
	FamilyValid Family = "valid"
	// FamilyInvalidBody: a body the spec forbids (a wrong type, a missing required property, a
	// property additionalProperties: false forbids, an oversized string, a body that is not
	// JSON, a wrong Content-Type, no body where one is required).
	FamilyInvalidBody Family = "invalid-body"
	// FamilyPathParams: path parameters at the edges (very long, holding "/" or "..",
	// reserved or non-ASCII characters, empty); invalid only where the spec forbids the value.
	FamilyPathParams Family = "path-params"
	// FamilyCredentials: no credentials, a malformed Authorization header, a scheme the
	// operation does not accept, an unknown credential of an accepted scheme, and a valid one of
	// each configured scheme.
	FamilyCredentials Family = "credentials"
	// FamilyMethods: for each path, the methods among GET, PUT, POST, DELETE, PATCH, HEAD and
	// OPTIONS that no operation of the path has (HEAD counts as documented where GET is).
	FamilyMethods Family = "unsupported-method"
)

// Families lists every family, in the order the probe runs them.
var Families = []Family{FamilyValid, FamilyInvalidBody, FamilyPathParams, FamilyCredentials, FamilyMethods}

// probedMethods are the methods the unsupported-method family may send.
var probedMethods = []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodPatch, http.MethodHead, http.MethodOptions}

// Sources of a path parameter's value.
const (
	sourceKnown     = "known"     // a value the scenario file names (a real resource)
	sourceCreated   = "created"   // a resource the probe created for this request
	sourceGenerated = "generated" // Prefix and a made-up suffix
)

// opPlan is what the probe knows of one operation, worked out once: its parameters and body
// compiled for drawing, the credentials that apply, and the resources it may use.
type opPlan struct {
	target   *run.ProbeTarget
	op       *runner.Operation
	params   []*paramPlan // path parameters, in template order
	query    []*paramPlan // required query parameters
	headers  []*paramPlan // required header parameters
	body     *bodyPlan
	schemes  []string // the security schemes the operation accepts
	valid    []string // those with a configured credential, in the operation's order
	mutating bool
	// creator makes a fresh resource for the last path parameter (nil: none can be made).
	creator *creator
	// cleanup removes what this operation creates when it succeeds (nil: it creates nothing
	// the probe knows how to remove).
	cleanup *creator
	// restore is the path's POST, sent before a refused request names resources of the
	// scenario file, to put them in place (nil: known values are not used for mutating
	// requests).
	restore    *runner.Operation
	restorable bool
	// constrained says a path parameter has a constraint an edge value can break.
	constrained bool
}

// paramPlan is one parameter.
type paramPlan struct {
	name  string
	node  *node
	known []string
}

// bodyPlan is an operation's JSON request body.
type bodyPlan struct {
	mediaType string
	node      *node
	required  bool
	targets   []target
	// kinds are the ways to break this body, in shrinking order.
	kinds []string
}

// creator is how to make a fresh resource: a POST on the parent path whose answer names the
// new resource's ID, and the DELETE that removes it afterwards.
type creator struct {
	create *opPlan
	remove *runner.Operation
	idProp string
}

// pathPlan is one path of an API, for the unsupported-method family.
type pathPlan struct {
	target  *run.ProbeTarget
	path    string
	base    *opPlan  // an operation of the path whose parameters the requests fill
	allowed []string // the methods the path documents
	methods []string // the methods it does not
}

// planner builds the plans of one API.
type planner struct {
	target *run.ProbeTarget
	known  map[string][]string
	comp   *compiler
	plans  map[string]*opPlan
}

// planOperation returns the plan of op, built once.
func (p *planner) planOperation(op *runner.Operation) *opPlan {
	if pl := p.plans[op.ID]; pl != nil {
		return pl
	}
	pl := &opPlan{target: p.target, op: op, mutating: runner.IsMutating(op.Method), schemes: op.SecuritySchemes()}
	p.plans[op.ID] = pl
	for _, s := range pl.schemes {
		if p.target.Credentials[s] != nil {
			pl.valid = append(pl.valid, s)
		}
	}
	byName := map[string]*openapi3.Parameter{}
	for _, params := range []openapi3.Parameters{pathItemParams(op), op.Op.Parameters} {
		for _, ref := range params {
			if ref != nil && ref.Value != nil {
				byName[ref.Value.In+":"+ref.Value.Name] = ref.Value
			}
		}
	}
	for _, name := range templateParams(op.Path) {
		prm := byName["path:"+name]
		var schema *openapi3.Schema
		if prm != nil && prm.Schema != nil {
			schema = prm.Schema.Value
		}
		n := p.comp.compile(schema)
		if prm != nil && prm.Example != nil && n.example == nil {
			cp := *n
			cp.example = prm.Example
			n = &cp
		}
		if n.minLen > 0 || n.maxLen >= 0 || n.pattern != nil || len(n.enum) > 0 || (n.kind != "string" && n.kind != "any") {
			pl.constrained = true
		}
		pl.params = append(pl.params, &paramPlan{name: name, node: n, known: p.known[name]})
	}
	keys := make([]string, 0, len(byName))
	for k := range byName {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		prm := byName[k]
		if !prm.Required || prm.In == "path" {
			continue
		}
		var schema *openapi3.Schema
		if prm.Schema != nil {
			schema = prm.Schema.Value
		}
		pp := &paramPlan{name: prm.Name, node: p.comp.compile(schema), known: p.known[prm.Name]}
		switch prm.In {
		case "query":
			pl.query = append(pl.query, pp)
		case "header":
			pl.headers = append(pl.headers, pp)
		}
	}
	if rb := op.Op.RequestBody; rb != nil && rb.Value != nil {
		for _, mt := range sortedKeys(rb.Value.Content) {
			media := rb.Value.Content[mt]
			if !isJSON(mt) || media == nil {
				continue
			}
			var schema *openapi3.Schema
			if media.Schema != nil {
				schema = media.Schema.Value
			}
			n := p.comp.compile(schema)
			if media.Example != nil && n.example == nil {
				cp := *n
				cp.example = media.Example
				n = &cp
			}
			pl.body = &bodyPlan{mediaType: mt, node: n, required: rb.Value.Required, targets: targets(n)}
			pl.body.kinds = bodyKinds(pl.body)
			break
		}
	}
	api := op.API()
	for _, o := range api.Operations() {
		if o.Path == op.Path && o.Method == http.MethodPost {
			pl.restorable = true
			if o != op {
				pl.restore = o
			}
		}
	}
	pl.creator = p.findCreator(op)
	if op.Method == http.MethodPost {
		for _, o := range api.Operations() {
			if o.Method != http.MethodDelete || !strings.HasPrefix(o.Path, op.Path+"/{") || !strings.HasSuffix(o.Path, "}") ||
				strings.Contains(o.Path[len(op.Path)+1:], "/") {
				continue
			}
			name := o.Path[len(op.Path)+2 : len(o.Path)-1]
			if prop := createdIDProperty(op, name); prop != "" {
				pl.cleanup = &creator{create: pl, remove: o, idProp: prop}
			}
		}
	}
	return pl
}

// findCreator finds how to make a fresh resource for op's last path parameter: a POST on the
// parent path that answers with the new resource's ID, and a DELETE on op's path to remove it.
func (p *planner) findCreator(op *runner.Operation) *creator {
	i := strings.LastIndex(op.Path, "/")
	if i < 0 || !strings.HasPrefix(op.Path[i+1:], "{") || !strings.HasSuffix(op.Path, "}") {
		return nil
	}
	name, parent := op.Path[i+2:len(op.Path)-1], op.Path[:i]
	var create, remove *runner.Operation
	for _, o := range op.API().Operations() {
		switch {
		case o.Method == http.MethodPost && o.Path == parent:
			create = o
		case o.Method == http.MethodDelete && o.Path == op.Path:
			remove = o
		}
	}
	if create == nil || remove == nil || create == op {
		return nil
	}
	prop := createdIDProperty(create, name)
	if prop == "" {
		return nil
	}
	return &creator{create: p.planOperation(create), remove: remove, idProp: prop}
}

// createdIDProperty names the property of create's 201 (or 200) JSON answer that holds the new
// resource's ID: the parameter's own name, else "id".
func createdIDProperty(create *runner.Operation, param string) string {
	for _, status := range []string{"201", "200"} {
		ref := create.Op.Responses.Value(status)
		if ref == nil || ref.Value == nil {
			continue
		}
		for mt, media := range ref.Value.Content {
			if !isJSON(mt) || media == nil || media.Schema == nil || media.Schema.Value == nil {
				continue
			}
			s := media.Schema.Value
			if len(s.AllOf) > 0 {
				s = mergeAllOf(s)
			}
			for _, name := range []string{param, "id"} {
				if s.Properties[name] != nil {
					return name
				}
			}
		}
	}
	return ""
}

// pathItemParams returns the parameters the operation's path item declares for all its
// operations.
func pathItemParams(op *runner.Operation) openapi3.Parameters {
	doc := op.API().Doc
	if doc == nil || doc.Paths == nil {
		return nil
	}
	if item := doc.Paths.Value(op.Path); item != nil {
		return item.Parameters
	}
	return nil
}

// templateParams returns the names of a path template's parameters, in order.
func templateParams(path string) []string {
	var out []string
	for {
		i := strings.IndexByte(path, '{')
		j := strings.IndexByte(path, '}')
		if i < 0 || j < i {
			return out
		}
		out = append(out, path[i+1:j])
		path = path[j+1:]
	}
}

func isJSON(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Ways to break a body, in the order shrinking prefers them.
const (
	badWrongType   = "wrong-type"
	badNull        = "null"
	badMissing     = "missing-required"
	badExtra       = "forbidden-property"
	badTooLong     = "too-long"
	badConstraint  = "constraint"
	badRootType    = "body-type"
	badNotJSON     = "not-json"
	badContentType = "content-type"
	badNoBody      = "no-body"
)

// bodyKinds lists the ways b can be broken.
func bodyKinds(b *bodyPlan) []string {
	var kinds []string
	has := func(f func(target) bool) bool {
		for _, t := range b.targets {
			if f(t) {
				return true
			}
		}
		return false
	}
	if has(func(t target) bool { return len(wrongTypes(t.node)) > 0 }) {
		kinds = append(kinds, badWrongType)
	}
	if rejectsNull(b.node) || has(func(t target) bool { return rejectsNull(t.node) }) {
		kinds = append(kinds, badNull)
	}
	if len(requiredTargets(b)) > 0 {
		kinds = append(kinds, badMissing)
	}
	if len(closedObjects(b)) > 0 {
		kinds = append(kinds, badExtra)
	}
	if has(func(t target) bool { return t.node.kind == "string" && t.node.maxLen >= 0 && len(t.node.enum) == 0 }) {
		kinds = append(kinds, badTooLong)
	}
	if has(func(t target) bool { return len(constraintBreaks(t.node)) > 0 }) {
		kinds = append(kinds, badConstraint)
	}
	if len(wrongTypes(b.node)) > 0 {
		kinds = append(kinds, badRootType)
	}
	kinds = append(kinds, badNotJSON, badContentType)
	if b.required {
		kinds = append(kinds, badNoBody)
	}
	return kinds
}

// requiredTargets are the required properties whose parents the body always has: top-level
// required properties, and required properties of required objects.
func requiredTargets(b *bodyPlan) []target {
	var out []target
	var walk func(n *node, path []string)
	walk = func(n *node, path []string) {
		for _, p := range n.props {
			if !p.required {
				continue
			}
			pp := append(append([]string(nil), path...), p.name)
			out = append(out, target{path: pp, node: p.node})
			if p.node.kind == "object" && len(pp) < 4 {
				walk(p.node, pp)
			}
		}
	}
	if b.node.kind == "object" {
		walk(b.node, nil)
	}
	return out
}

// closedObjects are the objects of the body (the body itself first) that forbid properties
// they do not name.
func closedObjects(b *bodyPlan) []target {
	var out []target
	if b.node.kind == "object" && b.node.closed {
		out = append(out, target{node: b.node})
	}
	for _, t := range b.targets {
		if t.node.kind == "object" && t.node.closed {
			out = append(out, t)
		}
	}
	return out
}

// constraintBreak is a value of the right type that breaks a constraint, and why.
type constraintBreak struct {
	value any
	why   string
}

// constraintBreaks lists the values of n's own type that n rejects: outside its enum, shorter
// than minLength, not matching its pattern, past its bounds.
func constraintBreaks(n *node) []constraintBreak {
	var out []constraintBreak
	switch n.kind {
	case "string":
		if len(n.enum) > 0 && !n.openEnum {
			out = append(out, constraintBreak{Prefix + "not-in-enum", "is not one of its enum values"})
		}
		if n.minLen > 0 {
			out = append(out, constraintBreak{"", fmt.Sprintf("is shorter than minLength %d", n.minLen)})
		}
		if n.pattern != nil {
			for _, v := range []string{"", " ", Prefix + "\u00e9 !"} {
				if !n.pattern.MatchString(v) {
					out = append(out, constraintBreak{v, fmt.Sprintf("does not match the pattern %s", n.pattern)})
					break
				}
			}
		}
	case "integer", "number":
		if n.max != nil {
			out = append(out, constraintBreak{*n.max + 1, fmt.Sprintf("is above its maximum %v", *n.max)})
		}
		if n.min != nil {
			out = append(out, constraintBreak{*n.min - 1, fmt.Sprintf("is below its minimum %v", *n.min)})
		}
		if n.kind == "integer" {
			out = append(out, constraintBreak{1.5, "is not an integer"})
		}
	case "array":
		if n.maxI >= 0 {
			items := make([]any, n.maxI+1)
			for i := range items {
				items[i] = Prefix
			}
			out = append(out, constraintBreak{items, fmt.Sprintf("has more than maxItems %d items", n.maxI)})
		}
		if n.minItems > 0 {
			out = append(out, constraintBreak{[]any{}, fmt.Sprintf("has fewer than minItems %d items", n.minItems)})
		}
	}
	return out
}

// drawnBody is a request body as drawn: its bytes, its Content-Type, and, when it breaks the
// spec, how.
type drawnBody struct {
	raw         []byte
	contentType string
	send        bool
	invalid     string
	// kind is the way it breaks the spec (badWrongType, ...).
	kind string
}

// drawValidBody draws a valid body; a body that is not required is left out when shrinking
// can (no body is the plainest request).
func drawValidBody(t *rapid.T, b *bodyPlan) drawnBody {
	if b == nil {
		return drawnBody{}
	}
	if !b.required && choose(t, 2, "body?") == 0 {
		return drawnBody{}
	}
	return drawnBody{raw: encodeJSON(drawValid(t, b.node, "body", 0)), contentType: b.mediaType, send: true}
}

// drawInvalidBody draws a body that breaks the spec in one of b's ways.
func drawInvalidBody(t *rapid.T, b *bodyPlan) drawnBody {
	kind := b.kinds[choose(t, len(b.kinds), "invalid-body")]
	base := func() map[string]any {
		if b.node.kind != "object" {
			return map[string]any{}
		}
		return drawObject(t, b.node, "body", 0)
	}
	pick := func(ts []target, label string) target { return ts[choose(t, len(ts), label)] }
	// pickProperty picks one of the body's properties that keep holds for.
	pickProperty := func(keep func(*node) bool) target {
		var ts []target
		for _, tg := range b.targets {
			if keep(tg.node) {
				ts = append(ts, tg)
			}
		}
		return pick(ts, "property")
	}
	out := drawnBody{contentType: b.mediaType, send: true, kind: kind}
	switch kind {
	case badWrongType:
		tg := pickProperty(func(n *node) bool { return len(wrongTypes(n)) > 0 })
		wts := wrongTypes(tg.node)
		jt := wts[chooseFirst(t, len(wts), "wrong-type")]
		obj := base()
		setAt(obj, tg.path, drawOfType(t, jt, "wrong-value"), false)
		out.raw = encodeJSON(obj)
		out.invalid = fmt.Sprintf("the body's %s is %s, not %s", pathText(tg.path), jt, ownType(tg.node))
	case badNull:
		var ts []target
		if rejectsNull(b.node) {
			ts = append(ts, target{node: b.node})
		}
		for _, tg := range b.targets {
			if rejectsNull(tg.node) {
				ts = append(ts, tg)
			}
		}
		tg := pick(ts, "property")
		if len(tg.path) == 0 {
			out.raw = []byte("null")
			out.invalid = fmt.Sprintf("the body is null, not %s", ownType(b.node))
			break
		}
		obj := base()
		setAt(obj, tg.path, nil, false)
		out.raw = encodeJSON(obj)
		out.invalid = fmt.Sprintf("the body's %s is null, which the schema does not allow", pathText(tg.path))
	case badMissing:
		tg := pick(requiredTargets(b), "property")
		obj := base()
		for i := 1; i < len(tg.path); i++ { // the parents are there, the property is not
			if _, ok := lookup(obj, tg.path[:i]); !ok {
				setAt(obj, tg.path[:i], map[string]any{}, false)
			}
		}
		setAt(obj, tg.path, nil, true)
		out.raw = encodeJSON(obj)
		out.invalid = fmt.Sprintf("the body lacks the required %s", pathText(tg.path))
	case badExtra:
		tg := pick(closedObjects(b), "object")
		obj := base()
		extra := append(append([]string(nil), tg.path...), "apiconform_probe_extra")
		setAt(obj, extra, 1, false)
		out.raw = encodeJSON(obj)
		where := "the body"
		if len(tg.path) > 0 {
			where = "the body's " + pathText(tg.path)
		}
		out.invalid = where + " has a property apiconform_probe_extra, which additionalProperties: false forbids"
	case badTooLong:
		tg := pickProperty(func(n *node) bool { return n.kind == "string" && n.maxLen >= 0 && len(n.enum) == 0 })
		n := tg.node.maxLen + 1 + rapid.IntRange(0, 4096).Draw(t, "excess")
		obj := base()
		setAt(obj, tg.path, oversized(n), false)
		out.raw = encodeJSON(obj)
		out.invalid = fmt.Sprintf("the body's %s has %d characters, past its maxLength %d", pathText(tg.path), n, tg.node.maxLen)
	case badConstraint:
		tg := pickProperty(func(n *node) bool { return len(constraintBreaks(n)) > 0 })
		cbs := constraintBreaks(tg.node)
		cb := cbs[choose(t, len(cbs), "constraint")]
		obj := base()
		setAt(obj, tg.path, cb.value, false)
		out.raw = encodeJSON(obj)
		out.invalid = fmt.Sprintf("the body's %s %s", pathText(tg.path), cb.why)
	case badRootType:
		wts := wrongTypes(b.node)
		jt := wts[choose(t, len(wts), "body-type")]
		out.raw = encodeJSON(drawOfType(t, jt, "body"))
		out.invalid = fmt.Sprintf("the body is %s, not %s", jt, ownType(b.node))
	case badNotJSON:
		texts := []string{"{", "not json", `{"a":}`, `{"a":1}}`, "\u00ff\u00fe", "{'a': 1}"}
		out.raw = []byte(texts[choose(t, len(texts), "text")])
		out.invalid = "the body is not JSON"
	case badContentType:
		types := []string{"text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=" + Prefix}
		ct := types[choose(t, len(types), "content-type")]
		var v any = map[string]any{}
		if b.node.kind == "object" {
			v = drawObject(t, b.node, "body", 0)
		}
		out.raw, out.contentType = encodeJSON(v), ct
		out.invalid = fmt.Sprintf("the Content-Type %s is not one the operation accepts (%s)", ct, b.mediaType)
	case badNoBody:
		out.send, out.contentType = false, ""
		out.invalid = "the required request body is missing"
	}
	return out
}

// lookup returns the value at path in obj.
func lookup(obj map[string]any, path []string) (any, bool) {
	var cur any = obj
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// encodeJSON encodes v compactly, without HTML escaping, keys sorted (stable across runs).
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte(fmt.Sprint(v))
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// Edge values of a path parameter, in the order shrinking prefers them: a long value shrinks
// to 65 characters, one past the common limit of 64.
const (
	edgeLong     = "long"
	edgeSlash    = "slash"
	edgeDotDot   = "dot-dot"
	edgeReserved = "reserved"
	edgeNonASCII = "non-ascii"
	edgeEmpty    = "empty"
)

var (
	edgeKinds     = []string{edgeLong, edgeSlash, edgeDotDot, edgeReserved, edgeNonASCII, edgeEmpty}
	dotDots       = []string{"..", "/..", "../..", "..%2F", "%2e%2e"}
	reservedRunes = rapid.RuneFrom([]rune("?#[]@!$&'()*+,;=:% \"<>\\^`{|}\t"))
	nonASCIIRunes = rapid.RuneFrom([]rune("éüß€日本語😀\u202e\u0301\u00a0\ufeff"))
)

// drawEdge draws an edge value for a path parameter.
func drawEdge(t *rapid.T, label string) (string, string) {
	kind := edgeKinds[choose(t, len(edgeKinds), label+"/edge")]
	switch kind {
	case edgeLong:
		return oversized(rapid.IntRange(65, LongValue).Draw(t, label+"/length")), kind
	case edgeSlash:
		return Prefix + "/" + suffix(t, plainRunes, 0, 8, label), kind
	case edgeDotDot:
		return Prefix + dotDots[choose(t, len(dotDots), label+"/dots")], kind
	case edgeReserved:
		return Prefix + rapid.StringOfN(reservedRunes, 1, 4, -1).Draw(t, label), kind
	case edgeNonASCII:
		return Prefix + rapid.StringOfN(nonASCIIRunes, 1, 6, -1).Draw(t, label), kind
	}
	return "", edgeEmpty
}

// forbids says why the spec forbids a parameter value, or "".
func forbids(n *node, v string) string {
	switch n.kind {
	case "integer", "number", "boolean":
		var x any
		if json.Unmarshal([]byte(v), &x) != nil {
			return "is not " + ownType(n)
		}
		return ""
	}
	l := utf8.RuneCountInString(v)
	switch {
	case l < n.minLen:
		return fmt.Sprintf("is shorter than minLength %d", n.minLen)
	case n.maxLen >= 0 && l > n.maxLen:
		return fmt.Sprintf("is longer than maxLength %d", n.maxLen)
	case n.pattern != nil && !n.pattern.MatchString(v):
		return fmt.Sprintf("does not match the pattern %s", n.pattern)
	case len(n.enum) > 0 && !n.openEnum && !inEnum(n.enum, v):
		return "is not one of its enum values"
	}
	return ""
}

func inEnum(enum []any, v string) bool {
	for _, e := range enum {
		if fmt.Sprint(e) == v {
			return true
		}
	}
	return false
}

// paramString renders a drawn parameter value as it goes into a URL or header.
func paramString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case map[string]any, []any:
		return string(encodeJSON(x))
	}
	return fmt.Sprint(v)
}

// credKind is what a request authenticates with.
type credKind struct {
	// intent is the runner.Credentials* kind.
	intent string
	// scheme names the security scheme of a valid or unknown credential.
	scheme string
	// header is a literal Authorization value (malformed, wrong scheme).
	header string
	// unknown is the made-up credential of an accepted scheme.
	unknown *runner.Credential
}

// credentialKinds lists what the credentials family may send, plainest first.
func (pl *opPlan) credentialKinds() []credKind {
	out := []credKind{{intent: runner.CredentialsNone}}
	for _, h := range []string{"Basic", "Bearer", "Basic !!!", "Basic " + base64.StdEncoding.EncodeToString([]byte(Prefix+"no-colon")), Prefix + "no-scheme"} {
		out = append(out, credKind{intent: runner.CredentialsMalformed, header: h})
	}
	for _, h := range pl.wrongSchemes() {
		out = append(out, credKind{intent: runner.CredentialsWrongScheme, header: h})
	}
	doc := pl.op.API().Doc
	for _, s := range pl.schemes {
		if supportedScheme(doc, s) {
			out = append(out, credKind{intent: runner.CredentialsUnknown, scheme: s, unknown: &runner.Credential{
				Scheme: s, Username: Prefix + "key", Password: Prefix + "secret", Token: Prefix + "token"}})
		}
	}
	for _, s := range pl.valid {
		out = append(out, credKind{intent: runner.CredentialsValid, scheme: s})
	}
	return out
}

// wrongSchemes are Authorization values of schemes the operation does not accept.
func (pl *opPlan) wrongSchemes() []string {
	doc := pl.op.API().Doc
	accepts := map[string]bool{}
	for _, s := range pl.schemes {
		if ss := schemeOf(doc, s); ss != nil {
			switch {
			case ss.Type == "http":
				accepts[strings.ToLower(ss.Scheme)] = true
			case ss.Type == "oauth2" || ss.Type == "openIdConnect":
				accepts["bearer"] = true
			}
		}
	}
	var out []string
	if !accepts["basic"] {
		out = append(out, "Basic "+base64.StdEncoding.EncodeToString([]byte(Prefix+"key:"+Prefix+"secret")))
	}
	if !accepts["bearer"] {
		out = append(out, "Bearer "+Prefix+"token")
	}
	out = append(out, `Digest username="`+Prefix+`key", realm="api", nonce="0", uri="/", response="0"`,
		"Negotiate "+base64.StdEncoding.EncodeToString([]byte(Prefix+"token")))
	return out
}

func schemeOf(doc *openapi3.T, name string) *openapi3.SecurityScheme {
	if doc == nil || doc.Components == nil {
		return nil
	}
	if ref := doc.Components.SecuritySchemes[name]; ref != nil {
		return ref.Value
	}
	return nil
}

// supportedScheme says whether the client can send a credential of the scheme.
func supportedScheme(doc *openapi3.T, name string) bool {
	s := schemeOf(doc, name)
	if s == nil {
		return false
	}
	switch s.Type {
	case "http":
		return strings.EqualFold(s.Scheme, "basic") || strings.EqualFold(s.Scheme, "bearer")
	case "oauth2", "openIdConnect":
		return true
	case "apiKey":
		return s.In == "header" || s.In == "query" || s.In == "cookie"
	}
	return false
}

// attempt is one generated request, as drawn, before it is sent.
type attempt struct {
	family Family
	plan   *opPlan
	op     *runner.Operation // plan.op, or a copy with another method (unsupported methods)
	params map[string]string
	// sources says where each path parameter's value came from.
	sources map[string]string
	query   map[string]string
	header  map[string]string
	body    drawnBody
	cred    credKind
	intent  runner.Intent
	// kind classifies the request within its family (how its body breaks the spec, which edge
	// value, which credentials, which method): a failure of a check is reported once per kind.
	kind string
	// routed is false when a path parameter is empty: the URL then names another resource, and
	// the request is held to the probe and transport checks only.
	routed bool
	// setupBody is the body of the creating or restoring request.
	setupBody drawnBody
}

// drawParams draws every path parameter. One draw decides where the values come from: the
// scenario file's values (known: real resources, when allowed), a resource the probe creates
// for the last parameter, or made-up values.
func (pl *opPlan) drawParams(t *rapid.T, a *attempt, allowKnown bool) {
	a.params, a.sources = map[string]string{}, map[string]string{}
	if len(pl.params) == 0 {
		a.query, a.header = map[string]string{}, map[string]string{}
		return
	}
	var modes []string
	if allowKnown {
		known := true
		for _, p := range pl.params {
			known = known && len(p.known) > 0
		}
		if known {
			modes = append(modes, sourceKnown)
		}
	}
	if pl.creator != nil {
		modes = append(modes, sourceCreated)
	}
	modes = append(modes, sourceGenerated)
	mode := modes[choose(t, len(modes), "source")]
	for i, p := range pl.params {
		src := mode
		if src == sourceCreated && i < len(pl.params)-1 {
			src = sourceGenerated
		}
		a.sources[p.name] = src
		if src == sourceKnown {
			a.params[p.name] = p.known[chooseFirst(t, len(p.known), p.name)]
			continue
		}
		// Drawn for created too: the value used should the creation fail.
		a.params[p.name] = paramString(drawValid(t, p.node, p.name, 0))
	}
	a.query, a.header = map[string]string{}, map[string]string{}
	for _, p := range pl.query {
		a.query[p.name] = paramString(drawValid(t, p.node, "query."+p.name, 0))
	}
	for _, p := range pl.headers {
		a.header[p.name] = paramString(drawValid(t, p.node, "header."+p.name, 0))
	}
}

// drawValidCred draws a valid credential of a configured scheme.
func (pl *opPlan) drawValidCred(t *rapid.T) credKind {
	if len(pl.schemes) == 0 {
		return credKind{intent: runner.CredentialsNone}
	}
	return credKind{intent: runner.CredentialsValid, scheme: pl.valid[choose(t, len(pl.valid), "scheme")]}
}

// drawSetupBody draws the body the creating request sends, when a parameter is to be created.
func (pl *opPlan) drawSetupBody(t *rapid.T, a *attempt) {
	for _, src := range a.sources {
		if src == sourceCreated && pl.creator.create.body != nil {
			a.setupBody = drawnBody{raw: encodeJSON(drawValid(t, pl.creator.create.body.node, "create.body", 0)),
				contentType: pl.creator.create.body.mediaType, send: true}
		}
	}
}

// allKnown says whether every path parameter names a resource of the scenario file.
func (a *attempt) allKnown() bool {
	if len(a.sources) == 0 {
		return false
	}
	for _, src := range a.sources {
		if src != sourceKnown {
			return false
		}
	}
	return true
}

// drawValidAttempt draws a valid request. A mutating request never names a resource of the
// scenario file: only the probe's own resources and made-up names.
func (pl *opPlan) drawValidAttempt(t *rapid.T) *attempt {
	a := &attempt{family: FamilyValid, plan: pl, op: pl.op, routed: true}
	pl.drawParams(t, a, !pl.mutating)
	a.cred = pl.drawValidCred(t)
	a.body = drawValidBody(t, pl.body)
	pl.drawSetupBody(t, a)
	a.intent = runner.Intent{Credentials: a.cred.intent}
	return a
}

// drawInvalidBodyAttempt draws a request whose body breaks the spec, with a valid credential.
// It may name resources of the scenario file: the server must refuse it whatever it names.
func (pl *opPlan) drawInvalidBodyAttempt(t *rapid.T) *attempt {
	a := &attempt{family: FamilyInvalidBody, plan: pl, op: pl.op, routed: true}
	pl.drawParams(t, a, !pl.mutating || pl.restorable)
	a.cred = pl.drawValidCred(t)
	a.body = drawInvalidBody(t, pl.body)
	pl.drawSetupBody(t, a)
	a.intent = runner.Intent{Credentials: a.cred.intent, Invalid: a.body.invalid}
	a.kind = a.body.kind
	return a
}

// drawPathAttempt draws a request with one path parameter at an edge, the others made up.
func (pl *opPlan) drawPathAttempt(t *rapid.T) *attempt {
	a := &attempt{family: FamilyPathParams, plan: pl, op: pl.op, routed: true,
		params: map[string]string{}, sources: map[string]string{}, query: map[string]string{}, header: map[string]string{}}
	edged := choose(t, len(pl.params), "parameter")
	var invalid string
	for i, p := range pl.params {
		a.sources[p.name] = sourceGenerated
		if i != edged {
			a.params[p.name] = paramString(drawValid(t, p.node, p.name, 0))
			continue
		}
		v, kind := drawEdge(t, p.name)
		a.params[p.name] = v
		a.kind = kind
		if v == "" {
			a.routed = false
		}
		if why := forbids(p.node, v); why != "" {
			invalid = fmt.Sprintf("the path parameter %s %s", p.name, why)
		}
	}
	for _, p := range pl.query {
		a.query[p.name] = paramString(drawValid(t, p.node, "query."+p.name, 0))
	}
	for _, p := range pl.headers {
		a.header[p.name] = paramString(drawValid(t, p.node, "header."+p.name, 0))
	}
	a.cred = pl.drawValidCred(t)
	a.body = drawValidBody(t, pl.body)
	a.intent = runner.Intent{Credentials: a.cred.intent, Invalid: invalid}
	return a
}

// drawCredentialsAttempt draws a request with one of the credentials matrix. A request
// without a valid credential may name resources of the scenario file (the server must refuse
// it); one with a valid credential follows the rule of the valid family.
func (pl *opPlan) drawCredentialsAttempt(t *rapid.T, kinds []credKind) *attempt {
	a := &attempt{family: FamilyCredentials, plan: pl, op: pl.op, routed: true}
	a.cred = kinds[choose(t, len(kinds), "credentials")]
	refused := a.cred.intent != runner.CredentialsValid
	pl.drawParams(t, a, !pl.mutating || (refused && pl.restorable))
	a.body = drawValidBody(t, pl.body)
	pl.drawSetupBody(t, a)
	a.intent = runner.Intent{Credentials: a.cred.intent}
	a.kind = a.cred.intent
	return a
}

// drawMethodAttempt draws a request with a method the path does not document, made-up path
// parameters and a valid credential when one is configured.
func (pp *pathPlan) drawMethodAttempt(t *rapid.T, methods []string) *attempt {
	pl := pp.base
	m := methods[choose(t, len(methods), "method")]
	cp := *pl.op
	cp.Method = m
	a := &attempt{family: FamilyMethods, plan: pl, op: &cp, routed: true}
	pl.drawParams(t, a, false)
	for k := range a.sources {
		a.sources[k] = sourceGenerated // never a resource the probe must create or clean up
	}
	if len(pl.valid) > 0 {
		a.cred = pl.drawValidCred(t)
	} else {
		a.cred = credKind{intent: runner.CredentialsNone}
	}
	a.intent = runner.Intent{Credentials: a.cred.intent, UnsupportedMethod: true, Allowed: pp.allowed}
	a.kind = m
	return a
}

// KnownValues collects, per parameter name, the values the steps of a scenario file give path
// and query parameters, ${variables} filled in from the file's variables (overrides wins over
// them). Values that still hold a ${variable} (saved from a response) are left out. These are
// the names of real resources: the probe sends to them only requests the server must refuse,
// and only safe or restorable ones (see the package documentation).
func KnownValues(f *scenario.File, overrides map[string]string) map[string][]string {
	out := map[string][]string{}
	if f == nil {
		return out
	}
	vars := map[string]string{}
	for k, v := range f.Variables {
		vars[k] = v
	}
	for k, v := range overrides {
		vars[k] = v
	}
	seen := map[string]bool{}
	for _, sc := range f.Scenarios {
		for _, st := range sc.Steps {
			for _, name := range sortedKeys(st.Params) {
				v := st.Params[name]
				for k, val := range vars {
					v = strings.ReplaceAll(v, "${"+k+"}", val)
				}
				if strings.Contains(v, "${") || v == "" || seen[name+"\x00"+v] {
					continue
				}
				seen[name+"\x00"+v] = true
				out[name] = append(out[name], v)
			}
		}
	}
	return out
}
