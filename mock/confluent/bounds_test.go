package confluent

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// These tests moved here from package mock (quota_test.go) with the code they test.

// TestCreatedIDsNeverRepeat: the IDs of created environments have the documented form, never
// repeat (over many more than any test creates), never take an ID of the starting state, and
// keep counting across a reset.
func TestCreatedIDsNeverRepeat(t *testing.T) {
	g := newIDSequence()
	form := regexp.MustCompile(`^env-[a-z0-9]{6}$`)
	seen := map[string]bool{}
	for i := range 200_000 {
		id := g.next()
		if !form.MatchString(id) || seen[id] {
			t.Fatalf("ID %d: %q (form or repeat)", i, id)
		}
		seen[id] = true
	}
	// Past the 36^6 six-character IDs: seven characters, still distinct.
	span := uint64(36 * 36 * 36 * 36 * 36 * 36)
	last, next := g.id(span-1), g.id(span)
	if len(last) != 10 || len(next) != 11 || !ValidEnvID(next) {
		t.Errorf("IDs at the end of the six-character range: %q, then %q", last, next)
	}
	// The permutation is one: on a small domain every value comes out once.
	hit := map[uint64]bool{}
	for x := range uint64(1 << 10) {
		hit[g.permute(x, 5)] = true
	}
	if len(hit) != 1<<10 {
		t.Errorf("permute over 10 bits gave %d distinct values", len(hit))
	}

	// A starting state that holds the next ID of the sequence: the create skips it.
	state := defaultState(t)
	seq := newIDSequence()
	taken := seq.id(0)
	state.Environments = append(state.Environments, Environment{ID: taken, DisplayName: "taken"})
	m, srv, base := serve(t, state, Options{})
	m.ids = seq
	first := createEnv(t, base)["id"]
	if first == taken || first != seq.id(1) {
		t.Errorf("created %v; the state holds %s, the next free ID is %s", first, taken, seq.id(1))
	}
	srv.Store.Reset()
	if again := createEnv(t, base)["id"]; again != seq.id(2) {
		t.Errorf("after a reset: created %v, want %s (IDs keep counting)", again, seq.id(2))
	}
}

// TestBounds: traffic does not grow the mock. Creates and deletes many times over the quota
// leave the environment index no larger than the quota needs; a POST flood stops at the quota.
// (That persistent history stops at MaxHistoryRecords is package apinizer's TestHistoryBound.)
func TestBounds(t *testing.T) {
	state := defaultState(t)
	quota := 50
	state.EnvironmentQuota = &quota
	state.RateLimit = RateLimit{Limit: 1 << 30, WindowSeconds: 3600}
	for i := range state.APIKeys {
		if state.APIKeys[i].Key == "demo-key" {
			state.APIKeys[i].RateLimit = nil
		}
	}
	m, srv, _ := serve(t, state, Options{})
	do := func(method, path, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.SetBasicAuth("demo-key", "demo-secret")
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		return w
	}
	statuses := map[int]int{}
	for range 5000 {
		statuses[do("POST", "/org/v2/environments", `{"display_name":"flood"}`).Code]++
	}
	if statuses[201] != quota-4 || statuses[402] != 5000-(quota-4) {
		t.Errorf("a POST flood: %v, want %d 201 and the rest 402", statuses, quota-4)
	}
	// Cycles of delete and create: the live count stays at the quota, the index compacts.
	for i := range 5000 {
		var id string
		for eid := range m.state.World().envs {
			if strings.HasPrefix(eid, "env-") && !strings.HasPrefix(eid, "env-demo") && eid != "env-inflight1" && eid != "env-full1" {
				id = eid
				break
			}
		}
		if w := do("DELETE", "/org/v2/environments/"+id, ""); w.Code != 204 {
			t.Fatalf("cycle %d: DELETE %s: %d", i, id, w.Code)
		}
		if w := do("POST", "/org/v2/environments", `{"display_name":"cycle"}`); w.Code != 201 {
			t.Fatalf("cycle %d: create: %d", i, w.Code)
		}
	}
	cw := m.state.World()
	if len(cw.envs) != quota+1 || cw.org.held != quota || len(cw.envList) > 2*(quota+1)+64+1 || len(cw.pending.items) != 0 {
		t.Errorf("after 5000 cycles: %d live, %d held, an index of %d, %d pending", len(cw.envs), cw.org.held, len(cw.envList), len(cw.pending.items))
	}
	if n := len(snapshot(m, srv)); n != quota+1 {
		t.Errorf("the snapshot holds %d environments, want %d", n, quota+1)
	}

}
