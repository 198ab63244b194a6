package runner

import (
	"encoding/json"
	"mime"
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
	walkSchema(schema, value, nil, func(s *openapi3.Schema, v any, path []string) {
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

// decodedBody returns the documented schema and the decoded JSON body, or nil when the body is
// not a JSON body of a documented JSON media type.
func decodedBody(in *Input) (*openapi3.Schema, any, string) {
	doc, resp := in.Documented, in.Response
	if doc == nil || len(resp.Body) == 0 || resp.Truncated {
		return nil, nil, ""
	}
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		return nil, nil, ""
	}
	media := doc.resp.Content.Get(mt)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, nil, ""
	}
	var v any
	if json.Unmarshal(resp.Body, &v) != nil {
		return nil, nil, ""
	}
	return media.Schema.Value, v, doc.specRef + "/content/" + escapePointer(mt) + "/schema"
}

// walkSchema visits each value of v with the schema that describes it (properties, items,
// allOf members), depth first.
func walkSchema(s *openapi3.Schema, v any, path []string, visit func(*openapi3.Schema, any, []string)) {
	if s == nil || len(path) > 32 {
		return
	}
	visit(s, v, path)
	for _, sub := range s.AllOf {
		if sub != nil {
			walkSchema(sub.Value, v, path, visit)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, p := range s.Properties {
			if child, ok := x[k]; ok && p != nil {
				walkSchema(p.Value, child, append(append([]string(nil), path...), k), visit)
			}
		}
	case []any:
		if s.Items != nil {
			for i, item := range x {
				walkSchema(s.Items.Value, item, append(append([]string(nil), path...), strconv.Itoa(i)), visit)
			}
		}
	}
}
