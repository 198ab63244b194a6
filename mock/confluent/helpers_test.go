package confluent

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/mock/internal/core"
)

// defaultState is the Confluent part of the embedded demo state.
func defaultState(t testing.TB) *State {
	t.Helper()
	data, file, err := fixtures.Read("mock-state.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Confluent State `yaml:"confluent"`
	}
	if err := yaml.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &s.Confluent
}

// serve serves a core with the Confluent API alone, of state, on a loopback port.
func serve(t testing.TB, state *State, opts Options) (*Mock, *core.Server, string) {
	t.Helper()
	v := &core.Validator{}
	Validate(v, "confluent", state)
	if len(v.Problems) > 0 {
		t.Fatalf("invalid state: %v", v.Problems)
	}
	srv := core.NewServer(nil, nil)
	m := New(srv, state, opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return m, srv, ts.URL
}

// createEnv creates an environment with demo-key and returns the decoded body.
func createEnv(t testing.TB, base string) map[string]any {
	t.Helper()
	r, err := http.NewRequest("POST", base+"/org/v2/environments", strings.NewReader(`{"display_name":"q"}`))
	if err != nil {
		t.Fatal(err)
	}
	r.SetBasicAuth("demo-key", "demo-secret")
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("create: %d: %v", resp.StatusCode, err)
	}
	return m
}

// snapshot returns the environments of a snapshot of m.
func snapshot(m *Mock, srv *core.Server) []Environment {
	f := core.Locked(srv.Store, func(now time.Time) Frozen { return m.Freeze(now, false) })
	return f.Environments.List(true)
}
