package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		target string
		want   bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.1.2.3", true},
		{"http://[::1]:8080", true},
		{"http://[0:0:0:0:0:0:0:1]", true},
		{"http://[::ffff:127.0.0.1]", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST.", true},
		{"https://api.confluent.cloud", false},
		{"https://demo.apinizer.com/manager", false},
		{"http://10.0.0.5", false},
		{"http://0.0.0.0:8080", false},
		{"http://[::]:8080", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false}, // resolves to loopback, but is not spelled so
		{"http://my-laptop", false},        // may resolve to 127.0.1.1 via /etc/hosts: still not trusted
		{"http://[fe80::1%25eth0]", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsLoopback(u); got != tt.want {
			t.Errorf("IsLoopback(%s) = %v, want %v", tt.target, got, tt.want)
		}
	}
	if IsLoopback(nil) {
		t.Error("nil is not loopback")
	}
}

func TestIsMutating(t *testing.T) {
	for method, want := range map[string]bool{
		"GET": false, "HEAD": false, "OPTIONS": false, "get": false,
		"DELETE": true, "POST": true, "PUT": true, "PATCH": true, "TRACE": true, "CONNECT": true, "PURGE": true,
	} {
		if got := IsMutating(method); got != want {
			t.Errorf("IsMutating(%s) = %v, want %v", method, got, want)
		}
	}
}

// recordingTransport records every request that reaches it and refuses it: nothing leaves.
type recordingTransport struct {
	mu   sync.Mutex
	seen []string
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.URL.Host)
	r.mu.Unlock()
	return nil, fmt.Errorf("recordingTransport: refused %s %s", req.Method, req.URL.Host)
}

// TestClientGuardKeysOnTheMethod: toward a host that is not loopback, no request with a method
// other than GET, HEAD or OPTIONS reaches the transport without AllowDestructive, whatever the
// operation; with it, every one does. Toward loopback every method passes. Nothing is sent
// anywhere: the transport records and refuses.
func TestClientGuardKeysOnTheMethod(t *testing.T) {
	api := testAPI(t, "confluent")
	methods := []string{"GET", "HEAD", "OPTIONS", "DELETE", "POST", "PUT", "PATCH"}
	for _, tt := range []struct {
		name       string
		target     string
		allow      bool
		wantPassed []string
	}{
		{"remote, no opt-in", "https://api.confluent.cloud", false, []string{"GET", "HEAD", "OPTIONS"}},
		{"remote, opt-in", "https://api.confluent.cloud", true, methods},
		{"remote IP, no opt-in", "http://10.200.0.1:8080", false, []string{"GET", "HEAD", "OPTIONS"}},
		{"loopback, no opt-in", "http://127.0.0.1:1", false, methods},
		{"localhost, no opt-in", "http://localhost:1", false, methods},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rt := &recordingTransport{}
			c, err := NewClient(ClientOptions{Transport: rt, AllowDestructive: tt.allow})
			if err != nil {
				t.Fatal(err)
			}
			base, _ := url.Parse(tt.target)
			op := *api.Operation("deleteOrgV2Environment")
			var passed []string
			for _, m := range methods {
				op.Method = m
				ex, err := c.Do(context.Background(), base, Request{Op: &op, PathParams: map[string]string{"id": "env-1"}})
				var refused *RefusedError
				switch {
				case errors.As(err, &refused):
					if refused.Method != m || refused.Host != base.Host {
						t.Errorf("%s: refusal names %s %s", m, refused.Method, refused.Host)
					}
					if !strings.Contains(err.Error(), "--allow-destructive") {
						t.Errorf("%s: the refusal does not name the flag: %v", m, err)
					}
					if planned := c.Refuses(m, base); planned == nil {
						t.Errorf("%s: Refuses says it may leave, Do refused it", m)
					}
				case err != nil:
					t.Fatalf("%s: %v", m, err)
				default:
					if ex.Err == nil {
						t.Fatalf("%s: the recording transport answered?", m)
					}
					passed = append(passed, m)
					if c.Refuses(m, base) != nil {
						t.Errorf("%s: Refuses refuses what Do sent", m)
					}
				}
			}
			if fmt.Sprint(passed) != fmt.Sprint(tt.wantPassed) {
				t.Errorf("passed the guard: %v, want %v", passed, tt.wantPassed)
			}
			var wantSeen []string
			for _, m := range tt.wantPassed {
				wantSeen = append(wantSeen, m+" "+base.Host)
			}
			if fmt.Sprint(rt.seen) != fmt.Sprint(wantSeen) {
				t.Errorf("reached the transport: %v, want %v", rt.seen, wantSeen)
			}
		})
	}
}

// TestGuardRoundTripClosesTheBody: a refused request's body is closed, as a RoundTripper must.
func TestGuardRoundTripClosesTheBody(t *testing.T) {
	body := &closeRecorder{Reader: strings.NewReader("{}")}
	req, _ := http.NewRequest(http.MethodPost, "https://api.confluent.cloud/org/v2/environments", body)
	_, err := (&Guard{Next: &recordingTransport{}}).RoundTrip(req)
	var refused *RefusedError
	if !errors.As(err, &refused) || !body.closed {
		t.Errorf("err %v, body closed %v", err, body.closed)
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }
