package runner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// checkDriftEnum records values the pinned spec does not list where it lists known values
// without closing the set, as the API's profile says: a schema's extensible-enum extension, and
// a response's known-codes extension for the error code field. A value outside a closed `enum`
// is body-schema's.
func checkDriftEnum(in *Input) []Violation {
	schema, value, ref := in.documentedJSON()
	if schema == nil {
		return nil
	}
	p := in.Op.api.profile
	var out []Violation
	walkSchema(schema, value, make([]string, 0, 8), in.Op.api.extensibleEnumWalk, func(s *openapi3.Schema, v any, path []string, _ bool) {
		str, ok := v.(string)
		if !ok || len(out) >= maxDriftFindings {
			return
		}
		known := stringList(s.Extensions[p.ExtensibleEnumExtension])
		if len(known) == 0 || slices.Contains(known, str) {
			return
		}
		out = append(out, Violation{
			Message:  fmt.Sprintf("the body has value %s, which the pinned spec's %s does not list", strconv.Quote(str), p.ExtensibleEnumExtension),
			Expected: "one of " + strings.Join(known, ", "),
			Actual:   strconv.Quote(str),
			Pointer:  pointer(path...),
			SpecRef:  ref,
		})
	})
	if codes := in.Documented.knownCodes; len(codes) > 0 {
		if obj, ok := value.(map[string]any); ok {
			if code, ok := obj[p.ErrorCode.Field].(string); ok && !slices.Contains(codes, code) {
				out = append(out, Violation{
					Message:  fmt.Sprintf("the error code %s is not one the pinned spec lists for %s", strconv.Quote(code), in.Documented.key),
					Expected: "one of " + strings.Join(codes, ", "),
					Actual:   strconv.Quote(code),
					Pointer:  pointer(p.ErrorCode.Field),
					SpecRef:  in.Documented.specRef + "/" + escapePointer(p.ErrorCode.KnownCodesExtension),
				})
			}
		}
	}
	return in.onJSONDocument(out)
}
