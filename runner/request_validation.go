package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// validateRequest validates the exchange's observed request against its operation with
// kin-openapi's openapi3filter.ValidateRequest and sorts what it finds into f (Input.requestErrors,
// facts.go, calls it once per exchange).
func validateRequest(in *Input, f *requestFindings) {
	req, err := rebuildRequest(&in.Exchange.Request)
	if err != nil {
		f.other = err
		return
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: in.PathParams,
		Route:      in.Op.route,
		Options:    requestValidationOptions,
	}
	walkRequestErrors(openapi3filter.ValidateRequest(context.Background(), input), f)
}

// walkRequestErrors sorts a (multi-)error of ValidateRequest into f.
func walkRequestErrors(err error, f *requestFindings) {
	switch e := err.(type) {
	case nil:
	case openapi3.MultiError:
		for _, inner := range e {
			walkRequestErrors(inner, f)
		}
	case *openapi3filter.SecurityRequirementsError:
		f.security = append(f.security, e)
	case *openapi3filter.RequestError:
		// A RequestError wraps its schema errors: it is sorted as a whole, by what it is about.
		if e.Parameter != nil {
			f.parameters = append(f.parameters, e)
		} else {
			f.body = append(f.body, e)
		}
	default:
		if f.other == nil {
			f.other = err
		}
	}
}

// rebuildRequest makes an *http.Request of a recorded one, for kin-openapi.
func rebuildRequest(r *RecordedRequest) (*http.Request, error) {
	u, err := url.Parse(r.URL)
	if err != nil || r.URL == "" {
		u = &url.URL{Path: r.Path}
	}
	req := &http.Request{Method: r.Method, URL: u, Header: r.Header, Host: u.Host}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if len(r.Body) > 0 {
		req.Body = io.NopCloser(bytes.NewReader(r.Body))
		req.ContentLength = int64(len(r.Body))
	} else {
		req.Body = http.NoBody
	}
	return req, nil
}

// requestValidationOptions: every error collected, no values in the text, and credentials
// checked for presence and scheme only (a recorded request's credentials are redacted).
var requestValidationOptions = func() *openapi3filter.Options {
	o := &openapi3filter.Options{MultiError: true, AuthenticationFunc: credentialPresent}
	o.WithCustomSchemaErrorFunc(schemaErrorReason)
	return o
}()

// credentialPresent says whether the request carries a credential of the scheme's kind: an
// Authorization header of the scheme's word for HTTP schemes (bearer for OAuth2 and OpenID
// Connect), the named header, query parameter or cookie for API keys. It never judges the value.
func credentialPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	req := in.RequestValidationInput.Request
	want := ""
	switch {
	case s.Type == "http":
		want = s.Scheme
	case s.Type == "oauth2", s.Type == "openIdConnect":
		want = "bearer"
	case s.Type == "apiKey":
		var ok bool
		switch s.In {
		case "header":
			ok = req.Header.Get(s.Name) != ""
		case "query":
			ok = req.URL.Query().Has(s.Name)
		case "cookie":
			_, err := req.Cookie(s.Name)
			ok = err == nil
		}
		if !ok {
			return fmt.Errorf("no %s %s for the API key of scheme %s", s.In, s.Name, in.SecuritySchemeName)
		}
		return nil
	default:
		return fmt.Errorf("scheme %s of type %s is not checked", in.SecuritySchemeName, s.Type)
	}
	got := req.Header.Get("Authorization")
	scheme, _, _ := strings.Cut(strings.TrimSpace(got), " ")
	switch {
	case got == "":
		return fmt.Errorf("no Authorization header for scheme %s (%s)", in.SecuritySchemeName, want)
	case !strings.EqualFold(scheme, want):
		return fmt.Errorf("the Authorization header is of scheme %q, not %s, for scheme %s", scheme, want, in.SecuritySchemeName)
	}
	return nil
}
