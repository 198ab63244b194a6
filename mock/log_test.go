package mock

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var logLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (\S+) (\S+) (\d{3}|-) \d+\.\d{3}ms req=(\S+)$`)

// TestLog: one line per request with method, path, status, duration and the request ID sent;
// never a credential, a body or a query.
func TestLog(t *testing.T) {
	var buf syncBuffer
	_, base := start(t, nil, Options{Log: &buf})
	reqs := []req{
		{method: "DELETE", path: envPath + "env-demo1", auth: demoKey},
		{method: "DELETE", path: envPath + "env-demo1?token=secret-in-query", auth: stsToken},
		{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `{"description":"body-text"}`},
		{method: "GET", path: "/nowhere"},
	}
	var sent []string
	for _, r := range reqs {
		sent = append(sent, send(t, base, r).header.Get("X-Request-Id"))
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(reqs) {
		t.Fatalf("%d log lines for %d requests:\n%s", len(lines), len(reqs), out)
	}
	want := [][3]string{
		{"DELETE", envPath + "env-demo1", "204"},
		{"DELETE", envPath + "env-demo1", "404"},
		{"DELETE", proxyPath("petstore-api", "production"), "200"},
		{"GET", "/nowhere", "404"},
	}
	for i, line := range lines {
		m := logLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %q has not the documented shape", line)
			continue
		}
		if m[1] != want[i][0] || m[2] != want[i][1] || m[3] != want[i][2] || m[4] != sent[i] {
			t.Errorf("line %q, want %v and request ID %s", line, want[i], sent[i])
		}
	}
	for _, secret := range []string{"demo-secret", "ZGVtby1rZXk6ZGVtby1zZWNyZXQ", "demo-sts-token", "demo-token", "secret-in-query", "body-text"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
}
