package runner

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// headerVisitOptions are the options of every header value validation.
var headerVisitOptions = []openapi3.SchemaValidationOption{openapi3.MultiErrors()}

// checkHeaderSchema reports documented response headers whose value does not have the declared
// type or breaks the schema's constraints. Every header is checked; one error hides no other.
func checkHeaderSchema(in *Input) []Violation {
	doc := in.Documented
	if doc == nil {
		return nil
	}
	var out []Violation
	for _, h := range doc.headerFacts {
		values := in.Response.Header[h.canonical]
		if len(values) == 0 || h.schema == nil {
			continue
		}
		name, raw, schema, ref := h.name, values[0], h.schema, h.schemaRef
		value, err := decodeHeader(raw, schema)
		if err != nil {
			out = append(out, Violation{
				Message:  fmt.Sprintf("header %s is not %s: %v", name, article(typeOf(schema)), err),
				Expected: typeOf(schema),
				Actual:   quoteHeader(raw),
				Header:   name,
				SpecRef:  ref,
			})
			continue
		}
		if err := schema.VisitJSON(value, headerVisitOptions...); err != nil {
			for _, se := range schemaErrors(err) {
				out = append(out, Violation{
					Message:  fmt.Sprintf("header %s breaks its schema: %s", name, se.Reason),
					Expected: describeConstraint(se),
					Actual:   quoteHeader(raw),
					Header:   name,
					SpecRef:  ref,
				})
			}
		}
	}
	return out
}

func typeOf(s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		return "any"
	}
	return strings.Join(s.Type.Slice(), "|")
}

func article(t string) string {
	if t == "integer" || t == "array" || t == "object" {
		return "an " + t
	}
	return "a " + t
}

// decodeHeader turns a header value into the JSON value its schema type says it is (simple
// style, as OpenAPI 3.0 headers are).
func decodeHeader(raw string, s *openapi3.Schema) (any, error) {
	v := strings.TrimSpace(raw)
	switch {
	case s.Type.Is("integer"):
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, errors.New("not a whole number")
		}
		return float64(n), nil
	case s.Type.Is("number"):
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, errors.New("not a number")
		}
		return f, nil
	case s.Type.Is("boolean"):
		b, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			return nil, errors.New("not true or false")
		}
		return b, nil
	case s.Type.Is("array"):
		parts := strings.Split(v, ",")
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = strings.TrimSpace(p)
		}
		return out, nil
	}
	return raw, nil
}
