package runner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// checkDriftEnum records values the pinned spec does not list where it lists known values
// without closing the set: `x-extensible-enum` on a schema (Confluent), and `x-known-codes` on a
// response for its `error` code (Apinizer). A value outside a closed `enum` is body-schema's.
func checkDriftEnum(in *Input) []Violation {
	schema, value, ref := decodedBody(in)
	if schema == nil {
		return nil
	}
	var out []Violation
	walkSchema(schema, value, make([]string, 0, 8), in.Op.api.reachesExtensibleEnum, func(s *openapi3.Schema, v any, path []string) {
		str, ok := v.(string)
		if !ok || len(out) >= maxDriftFindings {
			return
		}
		known := stringList(s.Extensions["x-extensible-enum"])
		if len(known) == 0 || slices.Contains(known, str) {
			return
		}
		out = append(out, Violation{
			Message:  fmt.Sprintf("the body has value %s, which the pinned spec's x-extensible-enum does not list", strconv.Quote(str)),
			Expected: "one of " + strings.Join(known, ", "),
			Actual:   strconv.Quote(str),
			Pointer:  pointer(path...),
			SpecRef:  ref,
		})
	})
	if codes := in.Documented.knownCodes; len(codes) > 0 {
		if obj, ok := value.(map[string]any); ok {
			if code, ok := obj["error"].(string); ok && !slices.Contains(codes, code) {
				out = append(out, Violation{
					Message:  fmt.Sprintf("the error code %s is not one the pinned spec lists for %s", strconv.Quote(code), in.Documented.key),
					Expected: in.Documented.knownCodesWant,
					Actual:   strconv.Quote(code),
					Pointer:  "/error",
					SpecRef:  in.Documented.specRef + "/x-known-codes",
				})
			}
		}
	}
	return out
}

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
