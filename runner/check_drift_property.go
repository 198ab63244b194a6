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
		if !ok || member || !namesProperties(s, 0) || closesProperties(s, 0) {
			return
		}
		var extra []string
		for k := range obj {
			if !namesProperty(s, k, 0) {
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

// maxAllOfDepth bounds how deep the allOf helpers below follow allOf (a spec may be recursive).
const maxAllOfDepth = 16

// namesProperties reports whether s or a member of its allOf (transitively) names properties.
func namesProperties(s *openapi3.Schema, depth int) bool {
	if len(s.Properties) > 0 {
		return true
	}
	if depth < maxAllOfDepth {
		for _, sub := range s.AllOf {
			if sub != nil && sub.Value != nil && namesProperties(sub.Value, depth+1) {
				return true
			}
		}
	}
	return false
}

// closesProperties reports whether s or a member of its allOf (transitively) forbids properties
// it does not name (additionalProperties: false).
func closesProperties(s *openapi3.Schema, depth int) bool {
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
		return true
	}
	if depth < maxAllOfDepth {
		for _, sub := range s.AllOf {
			if sub != nil && sub.Value != nil && closesProperties(sub.Value, depth+1) {
				return true
			}
		}
	}
	return false
}

// namesProperty reports whether s or a member of its allOf (transitively) names property k.
func namesProperty(s *openapi3.Schema, k string, depth int) bool {
	if _, ok := s.Properties[k]; ok {
		return true
	}
	if depth < maxAllOfDepth {
		for _, sub := range s.AllOf {
			if sub != nil && sub.Value != nil && namesProperty(sub.Value, k, depth+1) {
				return true
			}
		}
	}
	return false
}
