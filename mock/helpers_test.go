package mock

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock/confluent"
	"github.com/apiconform/apiconform/mock/internal/core"
)

// What the tests use of the APIs' packages and the core.
var (
	validEnvID = confluent.ValidEnvID
	mustJSON   = core.MustJSON
)

const redacted = core.Redacted

// clock is a settable clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// start serves a mock of the default state (or state) with opts on a loopback port.
func start(t testing.TB, state *State, opts Options) (*Server, string) {
	t.Helper()
	s, err := New(state, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// req describes one request of a handler test.
type req struct {
	method, path string
	auth         string // the whole Authorization header
	body         string
	ctype        string
}

func basic(key, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key+":"+secret))
}

func bearer(token string) string { return "Bearer " + token }

// got is a response of a handler test.
type got struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body as a generic JSON value (nil when it is not JSON).
func (g got) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(g.body, &m)
	return m
}

// at walks a decoded JSON value along keys and indices ("errors", 0, "status").
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func send(t testing.TB, base string, r req) got {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, base+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.auth != "" {
		hr.Header.Set("Authorization", r.auth)
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	} else if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return got{status: resp.StatusCode, header: resp.Header, body: data}
}

// snapshot fetches GET /_mock/state.
func snapshot(t testing.TB, base string) map[string]any {
	t.Helper()
	g := send(t, base, req{method: "GET", path: "/_mock/state"})
	if g.status != http.StatusOK {
		t.Fatalf("GET /_mock/state: %d %s", g.status, g.body)
	}
	return g.json()
}

// ids returns the values of field in each object of a JSON array.
func ids(list any, field string) []string {
	var out []string
	items, _ := list.([]any)
	for _, it := range items {
		if s, ok := at(it, field).(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

const (
	envPath    = "/org/v2/environments/"
	deployPath = "/apiops/projects/DemoProject/apiProxies/"
)

// proxyPath is the deploy/undeploy path of a DemoProject proxy in an environment.
func proxyPath(proxy, env string) string {
	return deployPath + proxy + "/environments/" + env + "/"
}
