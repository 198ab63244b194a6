package probe

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"pgregory.net/rapid"
)

// Prefix starts every name and ID the probe makes up (a path parameter, a display_name, a
// description), wherever the schema leaves room for it, so that no generated value names a
// real resource.
const Prefix = "apiconform-probe-"

// Bounds of what the generator draws.
const (
	// maxDepth bounds how deep objects and arrays nest.
	maxDepth = 6
	// maxSuffix is the longest made-up suffix after Prefix in a plain string.
	maxSuffix = 24
	// maxItems caps arrays the schema leaves unbounded.
	maxItems = 4
	// LongValue is the longest path parameter the edge family draws (the shortest long one is
	// 65 characters, one past the 64 that many servers take as their limit).
	LongValue = 4096
)

// node is a schema compiled once for drawing: its kind, its properties in a fixed order, its
// variants. Nodes are built per operation and only read afterwards.
type node struct {
	schema   *openapi3.Schema
	kind     string // object, array, string, integer, number, boolean or any
	nullable bool
	enum     []any
	openEnum bool // enum holds an x-extensible-enum: other values are valid too
	example  any
	// object
	props    []property
	closed   bool // additionalProperties: false
	required map[string]bool
	// array
	items *node
	// oneOf / anyOf: one of these is drawn
	variants []*node
	// string
	minLen, maxLen int // maxLen < 0: unbounded
	pattern        *regexp.Regexp
	matching       *rapid.Generator[string] // draws strings matching pattern; nil when rapid cannot
	format         string
	// number
	min, max       *float64
	exMin, exMax   bool
	multipleOf     float64
	minItems, maxI int
	unique         bool
}

// property is one property of an object node.
type property struct {
	name     string
	node     *node
	required bool
}

// compiler turns schemas into nodes, each schema once (schemas may be recursive).
type compiler struct {
	seen map[*openapi3.Schema]*node
}

func newCompiler() *compiler { return &compiler{seen: map[*openapi3.Schema]*node{}} }

// compile returns the node of s; a nil schema accepts anything.
func (c *compiler) compile(s *openapi3.Schema) *node {
	if s == nil {
		return &node{kind: "any", maxLen: -1}
	}
	if n, ok := c.seen[s]; ok {
		return n
	}
	n := &node{schema: s, maxLen: -1, maxI: -1}
	c.seen[s] = n
	if len(s.AllOf) > 0 {
		s = mergeAllOf(s)
		n.schema = s
	}
	n.nullable = s.Nullable || s.Type.IncludesNull()
	n.enum = s.Enum
	if len(n.enum) == 0 {
		// An extensible enum takes other values too, but the listed ones are the ones a server
		// knows: a made-up one would only come back as drift.
		if xs, ok := s.Extensions["x-extensible-enum"].([]any); ok && len(xs) > 0 {
			n.enum = xs
			n.openEnum = true
		}
	}
	n.example = s.Example
	if n.example == nil && len(s.Examples) > 0 {
		n.example = s.Examples[0]
	}
	for _, v := range append(append(openapi3.SchemaRefs(nil), s.OneOf...), s.AnyOf...) {
		if v != nil && v.Value != nil {
			n.variants = append(n.variants, c.compile(v.Value))
		}
	}
	n.kind = schemaKind(s)
	switch n.kind {
	case "object":
		n.required = map[string]bool{}
		for _, r := range s.Required {
			n.required[r] = true
		}
		names := make([]string, 0, len(s.Properties))
		for name := range s.Properties {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ref := s.Properties[name]
			if ref == nil || ref.Value == nil || ref.Value.ReadOnly {
				continue
			}
			n.props = append(n.props, property{name: name, node: c.compile(ref.Value), required: n.required[name]})
		}
		n.closed = s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
	case "array":
		var items *openapi3.Schema
		if s.Items != nil {
			items = s.Items.Value
		}
		n.items = c.compile(items)
		n.minItems = int(s.MinItems)
		if s.MaxItems != nil {
			n.maxI = int(*s.MaxItems)
		}
		n.unique = s.UniqueItems
	case "string":
		n.minLen = int(s.MinLength)
		if s.MaxLength != nil {
			n.maxLen = int(*s.MaxLength)
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil {
				n.pattern = re
				n.matching = matchingGen(s.Pattern)
			}
		}
		n.format = s.Format
	case "integer", "number":
		n.min, n.max = s.Min, s.Max
		n.exMin = s.ExclusiveMin.IsTrue()
		n.exMax = s.ExclusiveMax.IsTrue()
		if s.ExclusiveMin.Value != nil {
			n.min, n.exMin = s.ExclusiveMin.Value, true
		}
		if s.ExclusiveMax.Value != nil {
			n.max, n.exMax = s.ExclusiveMax.Value, true
		}
		if s.MultipleOf != nil && *s.MultipleOf > 0 {
			n.multipleOf = *s.MultipleOf
		}
	}
	return n
}

// schemaKind names the JSON type a schema asks for: its type (the first non-null one), else
// object when it has properties, else any.
func schemaKind(s *openapi3.Schema) string {
	for _, t := range s.Type.Slice() {
		if t != openapi3.TypeNull {
			return t
		}
	}
	if len(s.Properties) > 0 || len(s.Required) > 0 {
		return "object"
	}
	if s.Items != nil {
		return "array"
	}
	return "any"
}

// mergeAllOf returns a copy of s with its allOf schemas folded in: properties and required
// united, the first type, the tightest string bounds. Nested allOf are folded too.
func mergeAllOf(s *openapi3.Schema) *openapi3.Schema {
	out := *s
	out.AllOf = nil
	out.Properties = openapi3.Schemas{}
	for k, v := range s.Properties {
		out.Properties[k] = v
	}
	out.Required = append([]string(nil), s.Required...)
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			continue
		}
		sub := ref.Value
		if len(sub.AllOf) > 0 {
			sub = mergeAllOf(sub)
		}
		if out.Type.IsEmpty() && !sub.Type.IsEmpty() {
			out.Type = sub.Type
		}
		for k, v := range sub.Properties {
			if _, ok := out.Properties[k]; !ok {
				out.Properties[k] = v
			}
		}
		out.Required = append(out.Required, sub.Required...)
		if sub.AdditionalProperties.Has != nil && !*sub.AdditionalProperties.Has {
			out.AdditionalProperties = sub.AdditionalProperties
		}
		if sub.MaxLength != nil && (out.MaxLength == nil || *sub.MaxLength < *out.MaxLength) {
			out.MaxLength = sub.MaxLength
		}
		if sub.MinLength > out.MinLength {
			out.MinLength = sub.MinLength
		}
		if out.Pattern == "" {
			out.Pattern = sub.Pattern
		}
		if out.Format == "" {
			out.Format = sub.Format
		}
		if len(out.Enum) == 0 {
			out.Enum = sub.Enum
		}
	}
	return &out
}

// Rune alphabets. The first rune of each is what a shrunk value holds.
var (
	plainRunes = rapid.RuneFrom([]rune("abcdefghijklmnopqrstuvwxyz0123456789-_"))
	oddRunes   = rapid.RuneFrom([]rune("aZ9-_. ~éüß€日本語😀\u202e\u0301"))
	// indexFor is the one generator of small choices: rapid shrinks it towards 0.
)

// choose draws an index below n; shrinking takes it towards 0, so list the plainest option
// first.
func choose(t *rapid.T, n int, label string) int {
	if n <= 1 {
		return 0
	}
	return rapid.IntRange(0, n-1).Draw(t, label)
}

// chooseFirst draws an index below n that is 0 half the time: for choices whose first option
// is the likeliest to matter (the scenario file's first value, a string where a boolean
// belongs). It shrinks towards 0 too.
func chooseFirst(t *rapid.T, n int, label string) int {
	if n <= 1 {
		return 0
	}
	x := rapid.IntRange(0, 2*n-3).Draw(t, label)
	if x < n-1 {
		return 0
	}
	return x - n + 2
}

// drawValid draws a value that n accepts. Examples come first: the schema's example or enum
// value is what shrinking leads to.
func drawValid(t *rapid.T, n *node, label string, depth int) any {
	if n.nullable && choose(t, 10, label+"/null") == 9 {
		return nil
	}
	if len(n.enum) > 0 {
		return n.enum[choose(t, len(n.enum), label+"/enum")]
	}
	if n.example != nil && choose(t, 4, label+"/example?") == 0 {
		return n.example
	}
	if len(n.variants) > 0 {
		return drawValid(t, n.variants[choose(t, len(n.variants), label+"/variant")], label, depth)
	}
	switch n.kind {
	case "object":
		return drawObject(t, n, label, depth)
	case "array":
		return drawArray(t, n, label, depth)
	case "string", "any":
		return drawString(t, n, label)
	case "integer":
		return drawInteger(t, n, label)
	case "number":
		return drawNumber(t, n, label)
	case "boolean":
		return rapid.Bool().Draw(t, label)
	}
	return drawString(t, n, label)
}

// drawObject draws every required property and, each on a drawn coin, the optional ones
// (shrinking drops them). It adds no property the schema does not name.
func drawObject(t *rapid.T, n *node, label string, depth int) map[string]any {
	obj := make(map[string]any, len(n.props))
	for _, p := range n.props {
		if !p.required && (depth >= maxDepth || !rapid.Bool().Draw(t, label+"."+p.name+"?")) {
			continue
		}
		obj[p.name] = drawValid(t, p.node, label+"."+p.name, depth+1)
	}
	return obj
}

// drawArray draws between minItems and a few more items (maxItems permitting), distinct when
// the schema asks for unique items.
func drawArray(t *rapid.T, n *node, label string, depth int) []any {
	lo, hi := n.minItems, n.minItems+maxItems
	if n.maxI >= 0 && n.maxI < hi {
		hi = n.maxI
	}
	if depth >= maxDepth {
		hi = lo
	}
	count := lo
	if hi > lo {
		count = rapid.IntRange(lo, hi).Draw(t, label+"#")
	}
	out := make([]any, 0, count)
	seen := map[string]bool{}
	for i := 0; i < count; i++ {
		v := drawValid(t, n.items, fmt.Sprintf("%s[%d]", label, i), depth+1)
		if n.unique {
			k := fmt.Sprintf("%#v", v)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, v)
	}
	return out
}

// drawString draws a string n accepts: by its format, its pattern, or else Prefix and a
// suffix within minLength and maxLength (counted in characters, as JSON Schema counts them).
func drawString(t *rapid.T, n *node, label string) string {
	switch n.format {
	case "date-time":
		sec := rapid.IntRange(0, 10*365*24*3600).Draw(t, label)
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(sec) * time.Second).Format(time.RFC3339)
	case "date":
		d := rapid.IntRange(0, 3650).Draw(t, label)
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format("2006-01-02")
	case "uri", "url", "uri-reference", "iri":
		return "https://example.com/" + Prefix + suffix(t, plainRunes, 0, 12, label)
	case "email":
		return Prefix + suffix(t, plainRunes, 1, 12, label) + "@example.com"
	case "uuid":
		b := make([]byte, 16)
		for i := range b {
			b[i] = byte(rapid.IntRange(0, 255).Draw(t, label))
		}
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	case "byte":
		return base64.StdEncoding.EncodeToString([]byte(Prefix + suffix(t, plainRunes, 0, 12, label)))
	}
	if n.pattern != nil {
		if s, ok := drawMatching(t, n, label); ok {
			return s
		}
	}
	room := n.maxLen
	prefix := Prefix
	if room >= 0 && room < utf8.RuneCountInString(Prefix) {
		prefix = ""
	}
	lo := n.minLen - utf8.RuneCountInString(prefix)
	if lo < 0 {
		lo = 0
	}
	hi := lo + maxSuffix
	if room >= 0 && room-utf8.RuneCountInString(prefix) < hi {
		hi = room - utf8.RuneCountInString(prefix)
	}
	if hi < lo {
		hi = lo
	}
	runes := plainRunes
	if choose(t, 4, label+"/odd?") == 3 {
		runes = oddRunes // valid but odd: the server must not fail on it
	}
	return prefix + suffix(t, runes, lo, hi, label)
}

// matchingGen returns rapid's generator of strings matching pattern, or nil when rapid cannot
// parse the pattern (StringMatching panics then).
func matchingGen(pattern string) (g *rapid.Generator[string]) {
	defer func() {
		if recover() != nil {
			g = nil
		}
	}()
	return rapid.StringMatching(pattern)
}

// drawMatching draws a string matching n's pattern within its length bounds, Prefix first
// when the pattern allows it.
func drawMatching(t *rapid.T, n *node, label string) (string, bool) {
	if n.matching == nil {
		return "", false
	}
	fits := func(s string) bool {
		l := utf8.RuneCountInString(s)
		return l >= n.minLen && (n.maxLen < 0 || l <= n.maxLen) && n.pattern.MatchString(s)
	}
	v := n.matching.Draw(t, label)
	if p := Prefix + v; fits(p) {
		return p, true
	}
	if fits(v) {
		return v, true
	}
	return "", false
}

// suffix draws a string of lo to hi runes.
func suffix(t *rapid.T, runes *rapid.Generator[rune], lo, hi int, label string) string {
	if hi <= 0 {
		return ""
	}
	return rapid.StringOfN(runes, lo, hi, -1).Draw(t, label)
}

// drawInteger draws an integer within the schema's bounds (a multiple of multipleOf).
func drawInteger(t *rapid.T, n *node, label string) any {
	lo, hi := int64(-1000), int64(1000)
	if n.min != nil {
		lo = int64(math.Ceil(*n.min))
		if n.exMin && float64(lo) == *n.min {
			lo++
		}
		if hi < lo {
			hi = lo + 1000
		}
	}
	if n.max != nil {
		hi = int64(math.Floor(*n.max))
		if n.exMax && float64(hi) == *n.max {
			hi--
		}
		if lo > hi {
			lo = hi - 1000
		}
	}
	if n.multipleOf >= 1 && n.multipleOf == math.Trunc(n.multipleOf) {
		m := int64(n.multipleOf)
		klo, khi := ceilDiv(lo, m), floorDiv(hi, m)
		if klo <= khi {
			return rapid.Int64Range(klo, khi).Draw(t, label) * m
		}
	}
	if lo > hi {
		return lo
	}
	return rapid.Int64Range(lo, hi).Draw(t, label)
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// drawNumber draws a number within the schema's bounds.
func drawNumber(t *rapid.T, n *node, label string) any {
	if n.multipleOf > 0 {
		return drawInteger(t, n, label)
	}
	lo, hi := -1e6, 1e6
	if n.min != nil {
		lo = *n.min
		if hi < lo {
			hi = lo + 1e6
		}
	}
	if n.max != nil {
		hi = *n.max
		if lo > hi {
			lo = hi - 1e6
		}
	}
	v := rapid.Float64Range(lo, hi).Draw(t, label)
	if (n.exMin && v == lo) || (n.exMax && v == hi) {
		v = lo + (hi-lo)/2
	}
	return v
}

// Invalid values.

// jsonTypes name the JSON types of wrong values, for Intent.Invalid. null is not among them:
// a null where the schema does not allow one is a kind of its own (many servers take a null as
// an absent property), so that it does not hide the other wrong types.
var jsonTypes = []string{"a string", "a number", "a boolean", "an array", "an object"}

// ownType is the JSON type name of a node's kind.
func ownType(n *node) string {
	switch n.kind {
	case "string":
		return "a string"
	case "integer", "number":
		return "a number"
	case "boolean":
		return "a boolean"
	case "array":
		return "an array"
	case "object":
		return "an object"
	}
	return ""
}

// wrongTypes lists the JSON types n rejects, the likeliest to slip through a lenient server
// first: a string where a boolean or number belongs ("yes", "1") is what shrinking leads to.
func wrongTypes(n *node) []string {
	if n.kind == "any" || len(n.variants) > 0 {
		return nil
	}
	own := ownType(n)
	var out []string
	for _, jt := range jsonTypes {
		if jt == own {
			continue
		}
		out = append(out, jt)
	}
	return out
}

// rejectsNull says whether n rejects a null.
func rejectsNull(n *node) bool {
	return !n.nullable && n.kind != "any" && len(n.variants) == 0
}

// drawOfType draws a value of the named JSON type.
func drawOfType(t *rapid.T, jt, label string) any {
	switch jt {
	case "a string":
		return []string{"yes", "true", "1", "", Prefix}[choose(t, 5, label)]
	case "a number":
		return []any{1, 0, -1, 1.5, 1e300}[choose(t, 5, label)]
	case "a boolean":
		return choose(t, 2, label) == 0
	case "an array":
		return []any{}
	case "an object":
		return map[string]any{}
	}
	return nil
}

// violation is a way to break a value: where (a path of property names), and the broken value
// with the words for Intent.Invalid.
type violation struct {
	path  []string
	value any
	why   string
	// remove deletes the property at path instead of setting it.
	remove bool
}

// target is a place in a body where a value can be broken: a property path and its node.
type target struct {
	path []string
	node *node
}

// targets lists the properties of an object node reachable through required or optional
// properties, depth first, each once.
func targets(n *node) []target {
	var out []target
	var walk func(n *node, path []string, depth int)
	walk = func(n *node, path []string, depth int) {
		if n.kind != "object" || depth > 3 {
			return
		}
		for _, p := range n.props {
			pp := append(append([]string(nil), path...), p.name)
			out = append(out, target{path: pp, node: p.node})
			walk(p.node, pp, depth+1)
		}
	}
	walk(n, nil, 0)
	return out
}

// pathText renders a property path for a message: display_name, or a.b.
func pathText(path []string) string { return strings.Join(path, ".") }

// setAt sets (or removes) the value at path in obj, creating the objects on the way.
func setAt(obj map[string]any, path []string, v any, remove bool) {
	for i, k := range path {
		if i == len(path)-1 {
			if remove {
				delete(obj, k)
			} else {
				obj[k] = v
			}
			return
		}
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
}

// oversized returns a string of n characters: Prefix and then "x"s.
func oversized(n int) string {
	if n <= len(Prefix) {
		return Prefix[:n]
	}
	return Prefix + strings.Repeat("x", n-len(Prefix))
}
