package runner

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Credential is what a request authenticates with, for one of the spec's security schemes.
// Scheme names the security scheme (e.g. "cloud-api-key"); which fields are used depends on the
// scheme's type: Username and Password for HTTP basic, Token for HTTP bearer and API keys.
type Credential struct {
	Scheme   string
	Username string
	Password string
	Token    string
}

// Secrets returns the credential's secret values (for redaction). The basic-auth username (an
// API key ID) counts as one: it is half of the credential.
func (c *Credential) Secrets() []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, s := range []string{c.Username, c.Password, c.Token} {
		if s != "" {
			out = append(out, s)
		}
	}
	if c.Username != "" || c.Password != "" {
		out = append(out, base64.StdEncoding.EncodeToString([]byte(c.Username+":"+c.Password)))
	}
	return out
}

// apply attaches the credential to req as its security scheme says.
func (c *Credential) apply(doc *openapi3.T, req *http.Request) error {
	if c == nil {
		return nil
	}
	var ref *openapi3.SecuritySchemeRef
	if doc.Components != nil {
		ref = doc.Components.SecuritySchemes[c.Scheme]
	}
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("credential names security scheme %q, which the spec does not define", c.Scheme)
	}
	s := ref.Value
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		req.SetBasicAuth(c.Username, c.Password)
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"), s.Type == "oauth2", s.Type == "openIdConnect":
		req.Header.Set("Authorization", "Bearer "+c.Token)
	case s.Type == "apiKey":
		switch s.In {
		case "header":
			req.Header.Set(s.Name, c.Token)
		case "query":
			q := req.URL.Query()
			q.Set(s.Name, c.Token)
			req.URL.RawQuery = q.Encode()
		case "cookie":
			req.AddCookie(&http.Cookie{Name: s.Name, Value: c.Token})
		default:
			return fmt.Errorf("security scheme %q: apiKey in %q is not supported", c.Scheme, s.In)
		}
	default:
		return fmt.Errorf("security scheme %q: type %q scheme %q is not supported", c.Scheme, s.Type, s.Scheme)
	}
	return nil
}

// Redactor replaces secret values, and the values of credential-bearing headers, with
// "[REDACTED]" (an Authorization header keeps its scheme word: "Basic [REDACTED]"). The zero value redacts only the well-known headers. A Redactor is read-only once
// built and safe for concurrent use.
type Redactor struct {
	secrets []string
}

// Redacted is what a redacted value is replaced with.
const Redacted = "[REDACTED]"

// sensitiveHeaders are always redacted, whatever their value.
var sensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"}

// NewRedactor returns a Redactor for the given secret values; values shorter than 4 characters
// are ignored (they would redact ordinary text).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= 4 {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// With returns a Redactor that also redacts the given secrets.
func (r *Redactor) With(secrets ...string) *Redactor {
	if r == nil {
		return NewRedactor(secrets...)
	}
	n := NewRedactor(secrets...)
	n.secrets = append(append([]string(nil), r.secrets...), n.secrets...)
	return n
}

// String redacts s.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	for _, secret := range r.secrets {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	return s
}

// Bytes redacts b, returning b itself when it holds no secret.
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil || len(r.secrets) == 0 {
		return b
	}
	s := string(b)
	if red := r.String(s); red != s {
		return []byte(red)
	}
	return b
}

// Header returns a redacted copy of h.
func (r *Redactor) Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = r.String(v)
		}
		out[k] = cp
	}
	for _, k := range sensitiveHeaders {
		vs, ok := h[k]
		if !ok {
			continue
		}
		red := make([]string, len(vs))
		for i, v := range vs {
			red[i] = Redacted
			if k == "Authorization" || k == "Proxy-Authorization" {
				red[i] = authScheme(v) + Redacted
			}
		}
		out[k] = red
	}
	return out
}

// authScheme returns the scheme word of an Authorization value and a space ("Basic "), or "" when
// the value has none: the scheme is no secret, and request-security needs it.
func authScheme(v string) string {
	scheme, _, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || len(scheme) == 0 || len(scheme) > 20 {
		return ""
	}
	for _, c := range scheme {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
			return ""
		}
	}
	return scheme + " "
}

// URL returns u as a string with secrets and user info redacted.
func (r *Redactor) URL(u *url.URL) string {
	cp := *u
	if cp.User != nil {
		cp.User = url.User(Redacted)
	}
	return r.String(cp.String())
}

// Violation redacts every text field of v.
func (r *Redactor) Violation(v Violation) Violation {
	v.Path = r.String(v.Path)
	v.Expected = r.String(v.Expected)
	v.Actual = r.String(v.Actual)
	v.Message = r.String(v.Message)
	v.Pointer = r.String(v.Pointer)
	v.RequestID = r.String(v.RequestID) // the server's request ID may echo a secret
	return v
}
