package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// largeState is the demo state with n more environments (prefix0, prefix1 ...), a quota with
// room for 1000 more, and a demo-key rate limit no test reaches.
func largeState(tb testing.TB, n int, prefix string) *State {
	tb.Helper()
	state, err := DefaultState()
	if err != nil {
		tb.Fatal(err)
	}
	quota := n + 1000
	state.Confluent.EnvironmentQuota = &quota
	for i := range state.Confluent.APIKeys {
		if state.Confluent.APIKeys[i].Key == "demo-key" {
			state.Confluent.APIKeys[i].RateLimit = &RateLimit{Limit: 1 << 30, WindowSeconds: 3600}
		}
	}
	created := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for i := range n {
		state.Confluent.Environments = append(state.Confluent.Environments,
			Environment{ID: prefix + strconv.Itoa(i), DisplayName: "big", CreatedAt: created})
	}
	return state
}

// TestDumpDoesNotHoldTheLock: while GET /_mock/state of a large state is being serialised (held
// there by a hook), requests to other routes, reads and writes, complete; the dump then shows
// the state as it was when it was copied. Nothing here is timed: the dump cannot finish before
// the other requests do, since the hook holds it until they have.
func TestDumpDoesNotHoldTheLock(t *testing.T) {
	const n = 20_000
	srv, base := start(t, largeState(t, n, "env-big"), Options{})
	inDump, release := make(chan struct{}), make(chan struct{})
	srv.dumpHook = func() {
		close(inDump)
		<-release
	}
	type result struct {
		g   got
		err error
	}
	dumped := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/_mock/state")
		if err != nil {
			dumped <- result{err: err}
			return
		}
		defer resp.Body.Close()
		var g got
		g.status = resp.StatusCode
		var m map[string]any
		err = json.NewDecoder(resp.Body).Decode(&m)
		g.body, _ = json.Marshal(at(m, "confluent", "environments"))
		dumped <- result{g: g, err: err}
	}()
	select {
	case <-inDump:
	case r := <-dumped:
		t.Fatalf("the dump ended without reaching the hook: %v %d", r.err, r.g.status)
	case <-time.After(30 * time.Second):
		t.Fatal("the dump did not start")
	}
	// The dump is in progress (the hook holds it). Other requests go through meanwhile.
	if g := send(t, base, req{method: "GET", path: envPath + "env-demo2", auth: demoKey}); g.status != 200 {
		t.Errorf("GET during the dump: %d", g.status)
	}
	g := send(t, base, req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":"during"}`})
	if g.status != 201 {
		t.Fatalf("create during the dump: %d", g.status)
	}
	createdID := g.json()["id"].(string)
	if g := send(t, base, req{method: "DELETE", path: envPath + "env-big0", auth: demoKey}); g.status != 204 {
		t.Errorf("DELETE during the dump: %d", g.status)
	}
	if g := send(t, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken}); g.status != 200 {
		t.Errorf("undeploy during the dump: %d", g.status)
	}
	select {
	case r := <-dumped:
		t.Fatalf("the dump finished while its hook held it: %v", r.err)
	default:
	}
	close(release)
	var r result
	select {
	case r = <-dumped:
	case <-time.After(60 * time.Second):
		t.Fatal("the dump did not finish")
	}
	if r.err != nil || r.g.status != 200 {
		t.Fatalf("the dump: %d %v", r.g.status, r.err)
	}
	var envs []Environment
	if err := json.Unmarshal(r.g.body, &envs); err != nil {
		t.Fatal(err)
	}
	// The state as copied: env-big0 still there, the environment created afterwards not.
	if len(envs) != n+5 || envs[5].ID != "env-big0" {
		t.Errorf("the dump holds %d environments (the 6th %q), want %d with env-big0", len(envs), envs[5].ID, n+5)
	}
	for _, e := range envs {
		if e.ID == createdID {
			t.Errorf("the dump shows %s, created after it was copied", createdID)
		}
	}
}

// TestStateJSONIsStreamedAsMarshalled: the streamed GET /_mock/state body is byte for byte what
// json.MarshalIndent gives for the whole state, with environments of every shape, and none.
func TestStateJSONIsStreamedAsMarshalled(t *testing.T) {
	state := largeState(t, 600, "env-big")
	deleted := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	state.Confluent.Environments[0].DeletedAt = &deleted
	state.Confluent.Environments[0].Deleting = true
	state.Confluent.Environments = append(state.Confluent.Environments, Environment{
		ID: "env-odd1", DisplayName: `<"quoted" & \escaped/> ` + "\u2028 é", Organization: fullOrg,
		StreamGovernanceConfig: &StreamGovernanceConfig{Package: "ADVANCED"},
	})
	empty := largeState(t, 0, "env-big")
	empty.Confluent.Environments, empty.Confluent.KafkaClusters, empty.Confluent.Connectors = nil, nil, nil
	for name, s := range map[string]*State{"many": state, "none": empty} {
		t.Run(name, func(t *testing.T) {
			// Holes in the list: deletions due before the snapshot, completed when it is taken.
			due := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
			for i, e := range s.Confluent.Environments {
				if e.ID == "env-big3" || e.ID == "env-big4" || e.ID == "env-demo2" {
					s.Confluent.Environments[i].Deleting, s.Confluent.Environments[i].DeletedAt = true, &due
				}
			}
			srv, err := New(s, Options{Faults: []string{"hang-up"}, DeletionDelay: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			settings := mockSettings{Faults: []string{"hang-up"}, HistoryLimit: 10, DeletionDelaySeconds: 1}
			f := srv.freeze(true)
			var got bytes.Buffer
			if err := writeStateJSON(&got, stateView{State: f.s, Mock: settings}, f.envs); err != nil {
				t.Fatal(err)
			}
			want, err := json.MarshalIndent(stateView{State: f.state(false), Mock: settings}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), append(want, '\n')) {
				i := 0
				for i < min(got.Len(), len(want)) && got.Bytes()[i] == want[i] {
					i++
				}
				t.Fatalf("streamed JSON differs at byte %d:\n got %q\nwant %q", i, got.Bytes()[max(0, i-80):min(got.Len(), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
		})
	}
}
