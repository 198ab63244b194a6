package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// validationOptions are shared by every body validation (read-only once built).
var validationOptions = newValidationOptions()

// newValidationOptions returns the kin-openapi options every body validation uses: all errors
// collected, and no schema or value dumps in error text.
func newValidationOptions() *openapi3filter.Options {
	o := &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	o.WithCustomSchemaErrorFunc(schemaErrorReason)
	return o
}

// checkBodySchema reports every way the body breaks the declared schema, each with its JSON
// pointer, as kin-openapi's openapi3filter.ValidateResponse finds them.
func checkBodySchema(in *Input) []Violation {
	doc, resp := in.Documented, in.Response
	if doc == nil || len(doc.resp.Content) == 0 || len(resp.Body) == 0 || resp.Truncated || resp.ReadErr != "" {
		return nil // content-type, body-within-cap and response-received report these
	}
	mt, err := in.mediaType()
	if err != nil {
		return nil
	}
	media := in.documentedMedia()
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
// body-only route. Where ValidateResponse would decode the body as JSON, the body decoded once
// for the exchange (Input.jsonBody, decoded as kin-openapi's JSON body decoder decodes it; the
// drift checks read the same value) is visited with the options ValidateResponse would use. A
// body that is not JSON, of a media type that is not, or an error that holds no schema error, goes
// through ValidateResponse itself, so that its words are kin-openapi's.
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

// fastBodyValidation turns the JSON path of validateBody on; tests turn it off to compare.
var fastBodyValidation = true

// decodesAsJSON reports whether ValidateResponse would validate this exchange's body against
// media's schema after decoding it as JSON: a method other than HEAD, a status it validates, a
// JSON media type (isJSONMediaType), no binary schema and no encoding that restricts the content
// type. mt is a parsed media type (lower case, no parameters), as ValidateResponse derives it.
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
	return isJSONMediaType(mt)
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
