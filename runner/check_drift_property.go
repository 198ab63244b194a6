package runner

import (
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// checkDriftProperty records body properties the schema does not name, where the schema allows
// extra properties (where it does not, body-schema reports them as violations). An object
// described by allOf is one object: a property any member names is named, and a member that
// forbids others leaves them to body-schema.
func checkDriftProperty(in *Input) []Violation {
	schema, value, ref := in.documentedJSON()
	if schema == nil {
		return nil
	}
	var out []Violation
	walkSchema(schema, value, make([]string, 0, 8), in.Op.api.openObjectWalk, func(s *openapi3.Schema, v any, path []string, member bool) {
		obj, ok := v.(map[string]any)
		if !ok || member || !inAllOf(s, namesProperties) || inAllOf(s, closesProperties) {
			return
		}
		var extra []string
		for k := range obj {
			if !inAllOf(s, func(m *openapi3.Schema) bool { _, named := m.Properties[k]; return named }) {
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
	return in.onJSONDocument(out)
}

// namesProperties: the schema names properties.
func namesProperties(s *openapi3.Schema) bool { return len(s.Properties) > 0 }

// closesProperties: the schema forbids properties it does not name (additionalProperties: false).
func closesProperties(s *openapi3.Schema) bool {
	return s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
}
