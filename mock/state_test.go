package mock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDefaultState: the embedded state has what the issue lists.
func TestDefaultState(t *testing.T) {
	s, err := DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	var keys, envs []string
	for _, k := range s.Confluent.APIKeys {
		keys = append(keys, k.Key+":"+k.Secret)
	}
	for _, e := range s.Confluent.Environments {
		envs = append(envs, e.ID)
	}
	for _, want := range []string{"demo-key:demo-secret", "viewer-key:viewer-secret", "ratelimited-key:ratelimited-secret"} {
		if !contains(keys, want) {
			t.Errorf("no API key %s", want)
		}
	}
	for _, want := range []string{"env-demo1", "env-demo2", "env-demo3"} {
		if !contains(envs, want) {
			t.Errorf("no environment %s", want)
		}
	}
	if len(s.Confluent.STSTokens) == 0 || s.Confluent.STSTokens[0].Token != "demo-sts-token" {
		t.Errorf("no demo-sts-token")
	}
	if got := s.Apinizer.Environments; strings.Join(got, ",") != "production,staging,test" {
		t.Errorf("Apinizer environments %v", got)
	}
}

// TestLoadStateErrors: every bad file is refused with file:line and the problem.
func TestLoadStateErrors(t *testing.T) {
	tests := []struct {
		file string
		want string // a line of the error
	}{
		{"bad-syntax.yaml", "bad-syntax.yaml:3: did not find expected"},
		{"unknown-field.yaml", "unknown-field.yaml:5: field scret not found in type APIKey"},
		{"wrong-type.yaml", "wrong-type.yaml:3: cannot unmarshal"},
		{"bad-env-id.yaml", "bad-env-id.yaml:5: confluent.environments[1].id: id \"environment-2\" is not `env-` followed by letters and digits"},
		{"dangling-cluster.yaml", "dangling-cluster.yaml:8: confluent.kafka_clusters[0].environment: environment \"env-zz\" is not one of confluent.environments"},
		{"duplicate-key.yaml", "duplicate-key.yaml:6: confluent.api_keys[1].key: key \"demo-key\" is used twice"},
		{"unknown-permission.yaml", "unknown-permission.yaml:11: apinizer.tokens[0].projects.P[1]: unknown permission \"DEPLOY\""},
		{"unknown-environment.yaml", "unknown-environment.yaml:7: apinizer.projects[0].proxies[0].deployed_to[1]: environment \"staging\" is not one of apinizer.environments"},
		{"two-documents.yaml", "two-documents.yaml:2: the file holds more than one YAML document"},
		{"empty.yaml", "empty.yaml: the state is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = LoadState(data, path)
			var se *StateError
			if !errors.As(err, &se) {
				t.Fatalf("LoadState: %v, want a *StateError", err)
			}
			want := filepath.Join("testdata", tt.want)
			found := false
			for _, line := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(line, want) {
					found = true
				}
			}
			if !found {
				t.Errorf("error\n%v\nhas no line starting %q", err, want)
			}
		})
	}
}

func TestLoadStateMinimal(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	state, err := LoadState(data, "minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, base := start(t, state, Options{})
	g := send(t, base, req{method: "DELETE", path: envPath + "env-x1", auth: basic("k", "s")})
	if g.status != 204 || g.header.Get("X-Ratelimit-Limit") != "1000" || g.header.Get("X-Ratelimit-Reset") != "60" {
		t.Errorf("DELETE on the minimal state: %d %v", g.status, g.header)
	}
	if g := send(t, base, req{method: "DELETE", path: proxyPath("a", "b"), auth: demoToken}); g.status != 401 {
		t.Errorf("Apinizer on a state without tokens: %d", g.status)
	}
}

// TestNewRejectsInvalidState: a State built in code is checked too, with paths.
func TestNewRejectsInvalidState(t *testing.T) {
	s, err := DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	s.Confluent.Environments[0].ID = "bad"
	s.Confluent.APIKeys[0].Secret = ""
	_, err = New(s, Options{})
	if err == nil || !strings.Contains(err.Error(), "state: confluent.environments[0].id") || !strings.Contains(err.Error(), "confluent.api_keys[0].secret: secret must not be empty") {
		t.Errorf("New: %v", err)
	}
	if _, err := New(nil, Options{HistoryLimit: -1}); err == nil {
		t.Error("New accepted a negative history limit")
	}
	if _, err := New(nil, Options{DeletionDelay: -1}); err == nil {
		t.Error("New accepted a negative deletion delay")
	}
}

// TestStateIsCopied: changing the State after New, or a Snapshot, changes nothing in the server.
func TestStateIsCopied(t *testing.T) {
	s, err := DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	srv, base := start(t, s, Options{})
	s.Confluent.Environments = nil
	s.Apinizer.Projects[0].Proxies[0].DeployedTo[0] = "test"
	snap := srv.Snapshot()
	snap.Confluent.Environments = nil
	if g := send(t, base, req{method: "DELETE", path: envPath + "env-demo1", auth: demoKey}); g.status != 204 {
		t.Errorf("DELETE after the caller changed its State: %d", g.status)
	}
	if g := send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken}); g.status != 200 {
		t.Errorf("undeploy after the caller changed its State: %d %s", g.status, g.body)
	}
}

// TestSnapshotRoundTrip: a snapshot is itself a valid starting state.
func TestSnapshotRoundTrip(t *testing.T) {
	srv, base := start(t, nil, Options{})
	send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken})
	send(t, base, req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":"n"}`})
	snap := srv.Snapshot()
	if _, err := New(snap, Options{}); err != nil {
		t.Errorf("New(Snapshot()): %v", err)
	}
	if len(snap.Confluent.Environments) != 6 || len(snap.Apinizer.Projects[0].Proxies[0].History) != 1 {
		t.Errorf("snapshot: %d environments, history %v", len(snap.Confluent.Environments), snap.Apinizer.Projects[0].Proxies[0].History)
	}
}

// TestInspection: GET /_mock/state shows the state without a secret; POST /_mock/reset restores
// the starting state.
func TestInspection(t *testing.T) {
	_, base := start(t, nil, Options{Faults: []string{"hang-up"}})
	g := send(t, base, req{method: "GET", path: "/_mock/state"})
	if g.status != 200 || g.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /_mock/state: %d %v", g.status, g.header)
	}
	for _, secret := range []string{"demo-secret", "viewer-secret", "ratelimited-secret", "demo-sts-token", "demo-token", "viewer-token", "expired-token", "limited-token"} {
		if strings.Contains(string(g.body), `"`+secret+`"`) {
			t.Errorf("GET /_mock/state shows the secret %s", secret)
		}
	}
	m := g.json()
	if at(m, "confluent", "api_keys", 0, "key") != "demo-key" || at(m, "confluent", "api_keys", 0, "secret") != redacted ||
		at(m, "confluent", "sts_tokens", 0, "name") != "demo-sts" || at(m, "apinizer", "tokens", 0, "name") != "demo" {
		t.Errorf("credentials in the state: %v %v", at(m, "confluent"), at(m, "apinizer", "tokens"))
	}
	if at(m, "mock", "faults", 0) != "hang-up" || at(m, "mock", "history_limit") != float64(DefaultHistoryLimit) {
		t.Errorf("mock settings: %v", at(m, "mock"))
	}
	send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken})
	send(t, base, req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":"n"}`})
	for i := 0; i < 5; i++ {
		send(t, base, req{method: "GET", path: envPath + "env-demo1", auth: demoKey})
	}
	if g := send(t, base, req{method: "POST", path: "/_mock/reset"}); g.status != 204 {
		t.Fatalf("POST /_mock/reset: %d", g.status)
	}
	after := snapshot(t, base)
	delete(after, "mock")
	delete(m, "mock")
	if a, b := mustJSON(after), mustJSON(m); string(a) != string(b) {
		t.Errorf("state after reset differs from the starting state:\n%s\n%s", a, b)
	}
	if g := send(t, base, req{method: "GET", path: envPath + "env-demo1", auth: demoKey}); g.header.Get("X-Ratelimit-Remaining") != "999" {
		t.Errorf("rate-limit window after reset: %v", g.header)
	}
	if g := send(t, base, req{method: "GET", path: "/_mock/reset"}); g.status != 405 || g.header.Get("Allow") != "POST" {
		t.Errorf("GET /_mock/reset: %d %v", g.status, g.header)
	}
}

// TestStateJSONIsAState: GET /_mock/state without its mock section, secrets filled back in,
// loads as a starting state.
func TestStateJSONIsAState(t *testing.T) {
	_, base := start(t, nil, Options{DeletionDelay: time.Hour})
	send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `{"persistent":true}`})
	send(t, base, req{method: "DELETE", path: envPath + "env-demo1", auth: demoKey})
	m := snapshot(t, base)
	delete(m, "mock")
	for _, section := range [][2]string{{"confluent", "sts_tokens"}, {"apinizer", "tokens"}} {
		for i, tok := range at(m, section[0], section[1]).([]any) {
			tok.(map[string]any)["token"] = fmt.Sprint("token-", i)
		}
	}
	state, err := LoadState(mustJSON(m), "state.json")
	if err != nil {
		t.Fatalf("LoadState(GET /_mock/state): %v", err)
	}
	if h := state.Apinizer.Projects[0].Proxies[0].History; len(h) != 1 || !h[0].Persistent {
		t.Errorf("history %v", h)
	}
	if e := state.Confluent.Environments[0]; e.ID != "env-demo1" || !e.Deleting || e.DeletedAt == nil {
		t.Errorf("environment %+v", e)
	}
}
