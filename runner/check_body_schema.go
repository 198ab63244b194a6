package runner

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// validationOptions are shared by every body validation (read-only once built).
var validationOptions = newValidationOptions()

// checkBodySchema reports every way the body breaks the declared schema, each with its JSON
// pointer, via kin-openapi's openapi3filter.ValidateResponse.
func checkBodySchema(in *Input) []Violation {
	doc, resp := in.Documented, in.Response
	if doc == nil || len(doc.resp.Content) == 0 || len(resp.Body) == 0 || resp.Truncated || resp.ReadErr != "" {
		return nil // content-type, body-within-cap and response-received report these
	}
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil {
		return nil
	}
	media := doc.resp.Content.Get(mt)
	if media == nil || media.Schema == nil {
		return nil
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: in.Op.probe, Route: in.Op.bodyRoute},
		Status:                 resp.Status,
		Header:                 http.Header{"Content-Type": {mt}},
		Options:                validationOptions,
	}
	input.SetBodyBytes(resp.Body)
	err = openapi3filter.ValidateResponse(context.Background(), input)
	if err == nil {
		return nil
	}
	ref := doc.specRef + "/content/" + escapePointer(mt) + "/schema"
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Err != nil && re.Reason == "failed to decode response body" {
		return []Violation{{
			Message:  fmt.Sprintf("the body is not valid %s: %s", mt, decodeProblem(re.Err)),
			Expected: "a body that parses as " + mt,
			Actual:   "unparseable body",
			SpecRef:  ref,
		}}
	}
	var out []Violation
	for _, se := range schemaErrors(err) {
		out = append(out, schemaViolation(se, ref))
	}
	if len(out) == 0 {
		out = append(out, Violation{Message: "the body does not match the schema: " + err.Error(), SpecRef: ref})
	}
	return out
}

// schemaErrors flattens the (multi-)error kin-openapi returns into its schema errors.
func schemaErrors(err error) []*openapi3.SchemaError {
	var out []*openapi3.SchemaError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			// A oneOf/anyOf error wraps the branch errors; report the most specific ones.
			var inner openapi3.MultiError
			if se.Origin != nil && errors.As(se.Origin, &inner) {
				before := len(out)
				walk(inner)
				if len(out) > before {
					return
				}
			}
			out = append(out, se)
		}
	}
	walk(err)
	return out
}

// schemaViolation turns a schema error into a violation without echoing the offending value:
// Actual says what kind of value was there, never the value itself.
func schemaViolation(se *openapi3.SchemaError, specRef string) Violation {
	v := Violation{
		Pointer:  pointer(se.JSONPointer()...),
		Message:  se.Reason,
		Expected: describeConstraint(se),
		Actual:   jsonKind(se.Value),
		SpecRef:  specRef,
	}
	if v.Pointer == "" {
		v.Pointer = "/"
	}
	switch se.SchemaField {
	case "required":
		v.Actual = "no such property"
	case "additionalProperties", "properties":
		if strings.HasSuffix(se.Reason, "is unsupported") {
			v.Actual = "an undeclared property"
		}
	}
	if v.Message == "" {
		v.Message = fmt.Sprintf("the value does not match the schema's %q", se.SchemaField)
	}
	return v
}

func describeConstraint(se *openapi3.SchemaError) string {
	s := se.Schema
	if s == nil {
		return se.SchemaField
	}
	switch se.SchemaField {
	case "type":
		if s.Type != nil {
			t := strings.Join(s.Type.Slice(), "|")
			if s.Nullable {
				t += " or null"
			}
			return "type " + t
		}
	case "required":
		return "required properties " + strings.Join(s.Required, ", ")
	case "additionalProperties", "properties":
		if !strings.HasSuffix(se.Reason, "is unsupported") {
			break
		}
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		slices.Sort(names)
		return "only the properties " + strings.Join(names, ", ")
	case "enum":
		vals := make([]string, 0, len(s.Enum))
		for _, e := range s.Enum {
			vals = append(vals, fmt.Sprint(e))
		}
		return "one of " + strings.Join(vals, ", ")
	case "maxLength":
		if s.MaxLength != nil {
			return fmt.Sprintf("at most %d characters", *s.MaxLength)
		}
	case "minLength":
		return fmt.Sprintf("at least %d characters", s.MinLength)
	case "uniqueItems":
		return "unique items"
	case "format":
		return "format " + s.Format
	case "pattern":
		return "pattern " + s.Pattern
	}
	return "schema field " + se.SchemaField
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, int, int64, int32:
		return "number"
	case string:
		return "string"
	case []any:
		return fmt.Sprintf("array of %d items", len(x))
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// decodeProblem shortens a decoder error to its cause.
func decodeProblem(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && len(msg)-i < 200 {
		return msg[i+2:]
	}
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}
