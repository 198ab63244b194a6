package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

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
	mt, err := in.mediaType()
	if err != nil {
		return nil
	}
	media := doc.resp.Content.Get(mt)
	if media == nil || media.Schema == nil {
		return nil
	}
	err = validateBody(in, mt, media)
	if err == nil {
		return nil
	}
	ref := doc.schemaRef(mt)
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

// validateBody validates the body as openapi3filter.ValidateResponse does on the operation's
// body-only route. Where that would decode the body with kin-openapi's JSON decoder, the body is
// decoded once per exchange (Input.jsonBody, which the drift checks reuse) and visited here with
// the options ValidateResponse would use; a body that does not decode, or an error that holds no
// schema error, goes through ValidateResponse itself so that its words are kin-openapi's.
func validateBody(in *Input, mt string, media *openapi3.MediaType) error {
	if fastBodyValidation && decodesAsJSON(in, mt, media) {
		if value, err := in.jsonBody(); err == nil {
			err := media.Schema.Value.VisitJSON(value, in.Op.bodyVisitOptions...)
			if err == nil || len(schemaErrors(err)) > 0 {
				return err
			}
		}
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: in.Op.probe, Route: in.Op.bodyRoute},
		Status:                 in.Response.Status,
		Header:                 http.Header{"Content-Type": {mt}},
		Options:                validationOptions,
	}
	input.SetBodyBytes(in.Response.Body)
	return openapi3filter.ValidateResponse(context.Background(), input)
}

// fastBodyValidation turns the JSON fast path of validateBody on; tests turn it off to compare.
var fastBodyValidation = true

// jsonDecoderPC identifies kin-openapi's JSON body decoder among the registered ones.
var jsonDecoderPC = reflect.ValueOf(openapi3filter.BodyDecoder(openapi3filter.JSONBodyDecoder)).Pointer()

// decodesAsJSON reports whether ValidateResponse would validate this exchange's body against
// media's schema after decoding it with openapi3filter.JSONBodyDecoder: a method other than
// HEAD, a status it validates, a JSON media type (by the registered decoders), no binary schema
// and no encoding that restricts the content type. mt is a parsed media type (lower case, no
// parameters), as decodeBody would derive it.
func decodesAsJSON(in *Input, mt string, media *openapi3.MediaType) bool {
	if in.Op.Method == http.MethodHead {
		return false
	}
	switch in.Response.Status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return false
	}
	if s := media.Schema.Value; s == nil || s.Type.Is("string") && s.Format == "binary" {
		return false
	}
	if enc := media.Encoding[""]; enc != nil && enc.ContentType != "" {
		return false
	}
	dec := openapi3filter.RegisteredBodyDecoder(mt)
	if dec == nil && strings.HasSuffix(mt, "+json") {
		dec = openapi3filter.RegisteredBodyDecoder("application/json")
	}
	return dec != nil && reflect.ValueOf(dec).Pointer() == jsonDecoderPC
}

// jsonBodyMemo holds the response body as openapi3filter.JSONBodyDecoder decodes it (numbers as
// json.Number), once per exchange.
type jsonBodyMemo struct {
	done  bool
	value any
	err   error
	// end is the offset just past the decoded value, or -1 when not known.
	end int64
}

// kinDecodesLikeV1 is true when openapi3filter.JSONBodyDecoder is kin-openapi's encoding/json
// v1 decoder (a json.Decoder with UseNumber, which keeps the last of duplicate names), as it is
// unless the build sets GOEXPERIMENT=jsonv2 (then it rejects duplicate names, and jsonBody calls
// it rather than do the same itself).
var kinDecodesLikeV1 = func() bool {
	_, err := openapi3filter.JSONBodyDecoder(strings.NewReader(`{"a":1,"a":2}`), nil, nil, nil)
	return err == nil
}()

// jsonBody returns the body as openapi3filter.JSONBodyDecoder decodes it, decoding it once per
// exchange. Checks only read the value.
func (in *Input) jsonBody() (any, error) {
	m := &in.json
	if m.done {
		return m.value, m.err
	}
	m.done, m.end = true, -1
	if !kinDecodesLikeV1 {
		m.value, m.err = openapi3filter.JSONBodyDecoder(bytes.NewReader(in.Response.Body), nil, nil, nil)
		return m.value, m.err
	}
	if v, end, err := decodePlainJSON(in.Response.Body); err == nil {
		m.value, m.end = v, end
		return m.value, nil
	}
	// What JSONBodyDecoder does (decodeJSON in kin-openapi's req_resp_decoder_jsonv1.go), keeping
	// the decoder to learn where the value ends.
	dec := json.NewDecoder(bytes.NewReader(in.Response.Body))
	dec.UseNumber()
	var v any
	if m.err = dec.Decode(&v); m.err == nil {
		m.value, m.end = v, dec.InputOffset()
	}
	return m.value, m.err
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

// registerUniqueItemsChecker installs uniqueJSONItems as kin-openapi's uniqueItems checker, once
// per process (NewAPI does it; the checker is package-global in kin-openapi).
var registerUniqueItemsChecker sync.Once

// uniqueJSONItems reports whether the items of a decoded JSON array are unique. It answers as
// kin-openapi's default checker does, which marshals every item to JSON and compares the texts,
// without marshalling: an array of one item (the usual Failure) costs nothing, and small arrays
// are compared pair by pair. Large arrays, and values that are not plain decoded JSON, are
// compared by their JSON text as the default does.
func uniqueJSONItems(items []any) bool {
	if len(items) < 2 {
		return true
	}
	if len(items) > maxPairwiseUnique {
		return uniqueByJSONText(items)
	}
	for i := range items {
		for j := i + 1; j < len(items); j++ {
			if sameJSON(items[i], items[j]) {
				return false
			}
		}
	}
	return true
}

// maxPairwiseUnique is the longest array uniqueJSONItems compares pair by pair.
const maxPairwiseUnique = 16

func uniqueByJSONText(items []any) bool {
	seen := make(map[string]struct{}, len(items))
	for _, x := range items {
		key, _ := json.Marshal(&x)
		seen[string(key)] = struct{}{}
	}
	return len(seen) == len(items)
}

// sameJSON reports whether a and b marshal to the same JSON text. Values of the types
// encoding/json decodes into are compared directly; anything whose text could coincide in ways a
// direct comparison misses (invalid UTF-8, which marshals as U+FFFD; NaN and infinities, which do
// not marshal; nil maps and slices, which marshal as null; other types) is compared by its text.
func sameJSON(a, b any) bool {
	ka, kb := jsonKindOf(a), jsonKindOf(b)
	if ka == kindOther || kb == kindOther {
		return sameJSONText(a, b)
	}
	if ka != kb {
		return false // null, true/false, "...", a number, {...} and [...] never share a text
	}
	switch x := a.(type) {
	case nil:
		return true
	case bool:
		return x == b.(bool)
	case string:
		return x == b.(string)
	case json.Number:
		if y, ok := b.(json.Number); ok && x == y {
			return true
		}
	case float64:
		if y, ok := b.(float64); ok {
			return x == y && math.Signbit(x) == math.Signbit(y) // 0 and -0 marshal differently
		}
	case map[string]any:
		y := b.(map[string]any)
		if len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, found := y[k]
			if !found || !sameJSON(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y := b.([]any)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return sameJSONText(a, b)
}

type jsonValueKind int

const (
	kindOther jsonValueKind = iota
	kindNull
	kindBool
	kindString
	kindNumber
	kindObject
	kindArray
)

// jsonKindOf classifies a value whose JSON text sameJSON can reason about, or kindOther.
func jsonKindOf(v any) jsonValueKind {
	switch x := v.(type) {
	case nil:
		return kindNull
	case bool:
		return kindBool
	case string:
		if utf8.ValidString(x) {
			return kindString
		}
	case json.Number:
		if x != "" {
			return kindNumber
		}
	case float64:
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			return kindNumber
		}
	case map[string]any:
		if x == nil {
			return kindOther
		}
		for k := range x {
			if !utf8.ValidString(k) {
				return kindOther
			}
		}
		return kindObject
	case []any:
		if x != nil {
			return kindArray
		}
	}
	return kindOther
}

func sameJSONText(a, b any) bool {
	x, _ := json.Marshal(&a)
	y, _ := json.Marshal(&b)
	return bytes.Equal(x, y)
}
