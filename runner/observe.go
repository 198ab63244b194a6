package runner

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Observation is an exchange apiconform did not send itself, as it was seen: proxied traffic,
// or an entry of a recording (a HAR file). Nothing in it is redacted yet: Record does that.
type Observation struct {
	Method        string
	URL           *url.URL
	RequestHeader http.Header
	RequestBody   []byte
	// Status is 0 when no response was seen; NoResponse then says why.
	Status         int
	Proto          string
	ResponseHeader http.Header
	ResponseBody   []byte
	// Truncated says the response body was longer than Cap, and ResponseBody holds its start.
	Truncated bool
	Cap       int64
	// ReadErr says the response body could not be read to its end.
	ReadErr    string
	NoResponse string
	Started    time.Time
	Duration   time.Duration
}

// Record turns an observation into an Exchange the checks take, redacted as the client redacts
// its own: the credentials the request carries (the Authorization header's basic user name,
// password and token, API-key headers, cookies) and the secrets r knows are replaced wherever
// they appear, in the request and in the response, as they are or escaped, and the
// credential-bearing headers are redacted whatever their value.
func Record(o Observation, r *Redactor) *Exchange {
	redactor := r.With(RequestSecrets(o.RequestHeader)...)
	ex := &Exchange{Started: o.Started, Duration: o.Duration}
	if o.URL != nil {
		ex.Request = RecordedRequest{
			Method: o.Method,
			URL:    redactor.URL(o.URL),
			Path:   redactor.String(o.URL.EscapedPath()),
			Header: redactor.Header(o.RequestHeader),
			Body:   redactor.Bytes(o.RequestBody),
		}
	} else {
		ex.Request = RecordedRequest{Method: o.Method, Header: redactor.Header(o.RequestHeader), Body: redactor.Bytes(o.RequestBody)}
	}
	if o.Status == 0 {
		why := o.NoResponse
		if why == "" {
			why = "no response was recorded"
		}
		ex.Err = &TransportError{Kind: TransportOther, Message: redactor.String(why)}
		return ex
	}
	echoes := echoForms(redactor)
	resp := &RecordedResponse{
		Status: o.Status, Proto: o.Proto, Header: echoes.Header(o.ResponseHeader),
		Body: redactBody(append([]byte(nil), o.ResponseBody...), echoes, o.Truncated),
	}
	if o.Truncated {
		resp.Truncated, resp.Cap = true, o.Cap
	}
	if o.ReadErr != "" {
		resp.ReadErr = redactor.String(o.ReadErr)
	}
	ex.Response = resp
	return ex
}

// RequestSecrets returns the credential values a request carries in its headers: the user name,
// password and encoded pair of basic authentication, a bearer (or other scheme's) token, the
// values of API-key headers and of cookies. Values shorter than 4 characters are left out by the
// Redactor.
func RequestSecrets(h http.Header) []string {
	var out []string
	for _, name := range []string{"Authorization", "Proxy-Authorization"} {
		for _, v := range h.Values(name) {
			scheme, cred, ok := strings.Cut(strings.TrimSpace(v), " ")
			if !ok {
				out = append(out, scheme)
				continue
			}
			cred = strings.TrimSpace(cred)
			out = append(out, cred)
			if strings.EqualFold(scheme, "Basic") {
				if raw, err := base64.StdEncoding.DecodeString(cred); err == nil {
					user, pass, _ := strings.Cut(string(raw), ":")
					out = append(out, user, pass)
				}
			}
		}
	}
	for _, v := range h.Values("X-Api-Key") {
		out = append(out, v)
	}
	for _, c := range (&http.Request{Header: h}).Cookies() {
		out = append(out, c.Value)
	}
	return out
}
