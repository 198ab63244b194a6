package runner

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRecordRedactsWhatTheRequestCarries: an observed exchange is recorded with the credentials
// its request carried replaced everywhere (request headers keep only the scheme word; the
// response may echo them, plainly or JSON-escaped), and with the secrets the Redactor knows.
func TestRecordRedactsWhatTheRequestCarries(t *testing.T) {
	const user, pass, token, cookie, known = "KEYID-31337", "P@ss\"w0rd-99", "tok-abcdef-123", "sess-77aa88", "KNOWN-5ecret"
	for _, tt := range []struct {
		name   string
		header http.Header
		want   string // the recorded Authorization
		leaks  []string
	}{
		{"basic", http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}},
			"Basic [REDACTED]", []string{user, pass, base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))}},
		{"bearer", http.Header{"Authorization": {"Bearer " + token}}, "Bearer [REDACTED]", []string{token}},
		{"cookie and api key", http.Header{"Cookie": {"s=" + cookie}, "X-Api-Key": {token}}, "", []string{cookie, token}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse("https://api.example.com/org/v2/environments/env-1?k=" + known)
			echoed, _ := json.Marshal(map[string]any{"auth": tt.header.Get("Authorization"), "secrets": tt.leaks, "known": known})
			ex := Record(Observation{
				Method: "DELETE", URL: u, RequestHeader: tt.header, RequestBody: []byte(`{"x":"` + known + `"}`),
				Status: 401, Proto: "HTTP/1.1", ResponseHeader: http.Header{"X-Echo": tt.leaks, "Content-Type": {"application/json"}},
				ResponseBody: echoed,
			}, NewRedactor(known))
			if got := ex.Request.Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization recorded as %q, want %q", got, tt.want)
			}
			all, _ := json.Marshal(ex)
			for _, s := range append(tt.leaks, known) {
				if strings.Contains(string(all), s) {
					t.Errorf("the record holds %q: %s", s, all)
				}
			}
			if ex.Response == nil || ex.Response.Status != 401 || ex.Request.Path != "/org/v2/environments/env-1" {
				t.Errorf("record: %s", all)
			}
		})
	}
	// No response: a transport error, not a response.
	ex := Record(Observation{Method: "GET", URL: &url.URL{Path: "/x"}, NoResponse: "aborted by the client"}, nil)
	if ex.Response != nil || ex.Err == nil || ex.Err.Message != "aborted by the client" {
		t.Errorf("no response: %+v", ex)
	}
}
