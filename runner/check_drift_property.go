package runner

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDriftFindings bounds the findings of one drift check on one body.
const maxDriftFindings = 20

// checkDriftProperty records body properties the schema does not name, where the schema allows
// extra properties (where it does not, body-schema reports them as violations).
func checkDriftProperty(in *Input) []Violation {
	schema, value, ref := decodedBody(in)
	if schema == nil {
		return nil
	}
	var out []Violation
	walkSchema(schema, value, make([]string, 0, 8), in.Op.api.reachesOpenObject, func(s *openapi3.Schema, v any, path []string) {
		obj, ok := v.(map[string]any)
		if !ok || len(s.Properties) == 0 || s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			return
		}
		var extra []string
		for k := range obj {
			if _, named := s.Properties[k]; !named {
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		for _, k := range extra {
			if len(out) >= maxDriftFindings {
				return
			}
			out = append(out, Violation{
				Message:  "the body has property " + strconv.Quote(k) + ", which the pinned schema does not name",
				Expected: "only named properties",
				Actual:   "property " + strconv.Quote(k),
				Pointer:  pointer(append(append([]string(nil), path...), k)...),
				SpecRef:  ref,
			})
		}
	})
	return out
}

// decodedBodyMemo holds what decodedBody found, once per exchange.
type decodedBodyMemo struct {
	done   bool
	schema *openapi3.Schema
	value  any
	ref    string
}

// decodedBody returns the documented schema and the decoded JSON body, or nil when the body is
// not a JSON body of a documented JSON media type. The body is decoded once per exchange, for
// every check that asks; they only read the value.
func decodedBody(in *Input) (*openapi3.Schema, any, string) {
	m := &in.decoded
	if !m.done {
		m.done = true
		m.schema, m.value, m.ref = decodeBody(in)
	}
	return m.schema, m.value, m.ref
}

func decodeBody(in *Input) (*openapi3.Schema, any, string) {
	doc, resp := in.Documented, in.Response
	if doc == nil || len(resp.Body) == 0 || resp.Truncated {
		return nil, nil, ""
	}
	mt, err := in.mediaType()
	if err != nil {
		return nil, nil, ""
	}
	media := doc.resp.Content.Get(mt)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, nil, ""
	}
	v, ok := in.sharedJSONBody()
	if !ok && json.Unmarshal(resp.Body, &v) != nil {
		return nil, nil, ""
	}
	return media.Schema.Value, v, doc.schemaRef(mt)
}

// sharedJSONBody returns the body body-schema already decoded (Input.jsonBody), when
// json.Unmarshal would accept the body too: the only difference left is that numbers are
// json.Number, which no drift check looks at. It never decodes the body itself.
func (in *Input) sharedJSONBody() (any, bool) {
	m := &in.json
	if !m.done || m.err != nil || !onlyJSONAfter(in.Response.Body, m.end) || !numbersFitFloat64(m.value) {
		return nil, false
	}
	return m.value, true
}

// onlyJSONAfter reports whether body holds nothing but whitespace after its first JSON value,
// which ends at end (-1: unknown, then the whole body is validated), as json.Unmarshal requires.
func onlyJSONAfter(body []byte, end int64) bool {
	if end < 0 || end > int64(len(body)) {
		return json.Valid(body)
	}
	for _, c := range body[end:] {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// numbersFitFloat64 reports whether every number in v converts to a float64, as json.Unmarshal
// into an interface requires.
func numbersFitFloat64(v any) bool {
	switch x := v.(type) {
	case json.Number:
		_, err := strconv.ParseFloat(string(x), 64)
		return err == nil
	case map[string]any:
		for _, e := range x {
			if !numbersFitFloat64(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !numbersFitFloat64(e) {
				return false
			}
		}
	}
	return true
}

// walkSchema visits each value of v with the schema that describes it (properties, items,
// allOf members), depth first. It skips a schema, and all under it, for which reaches is false:
// nothing there could be reported (API.reach). The path given to visit is only valid during the
// call: siblings share its backing array.
func walkSchema(s *openapi3.Schema, v any, path []string, reaches func(*openapi3.Schema) bool, visit func(*openapi3.Schema, any, []string)) {
	if s == nil || len(path) > 32 || !reaches(s) {
		return
	}
	visit(s, v, path)
	for _, sub := range s.AllOf {
		if sub != nil {
			walkSchema(sub.Value, v, path, reaches, visit)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, p := range s.Properties {
			if child, ok := x[k]; ok && p != nil {
				walkSchema(p.Value, child, append(path, k), reaches, visit)
			}
		}
	case []any:
		if s.Items != nil {
			for i, item := range x {
				walkSchema(s.Items.Value, item, append(path, strconv.Itoa(i)), reaches, visit)
			}
		}
	}
}
