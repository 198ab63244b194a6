package runner

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file holds what checks share to write their findings: how a status, a header value, a
// long text and a JSON value are named in a Violation, JSON pointers, and how kin-openapi's schema
// errors become violations. What one check alone uses stays in its check_<id>.go file; the facts
// of an exchange that checks read are in facts.go.

// statusText names a status as "404 Not Found" (the number alone when net/http knows no text).
func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
}

// maxEchoedHeader bounds how much of a header value a violation repeats.
const maxEchoedHeader = 64

// quoteHeader quotes a header value for a violation, cut to maxEchoedHeader bytes.
func quoteHeader(raw string) string {
	if len(raw) > maxEchoedHeader {
		raw = raw[:maxEchoedHeader] + "..."
	}
	return strconv.Quote(raw)
}

// truncate cuts s to n bytes, marking the cut with "...".
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
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

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return pointerEscaper.Replace(token)
}

// pointer joins tokens into a JSON pointer ("" for the whole document).
func pointer(tokens ...string) string {
	if len(tokens) == 0 {
		return ""
	}
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapePointer(t))
	}
	return b.String()
}

// schemaErrorReason renders a schema error as its reason alone: no schema, no value. Every
// kin-openapi validation the checks run renders its errors with it.
func schemaErrorReason(err *openapi3.SchemaError) string { return err.Reason }

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

// describeConstraint says what the schema constraint a schema error broke expects.
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
