package mock

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// fan sends n copies of r at once and counts the statuses.
func fan(t *testing.T, base string, n int, r req) map[int]int {
	t.Helper()
	var (
		mu     sync.Mutex
		counts = map[int]int{}
		wg     sync.WaitGroup
		ready  = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			g := send(t, base, r)
			mu.Lock()
			counts[g.status]++
			mu.Unlock()
		}()
	}
	close(ready)
	wg.Wait()
	return counts
}

// TestConcurrentDeletes: of 64 concurrent DELETEs of one environment exactly one is 204; the
// others are 404 (deleted at once) or 409 (deletion in progress, with a deletion delay).
func TestConcurrentDeletes(t *testing.T) {
	for _, tt := range []struct {
		delay time.Duration
		other int
	}{{0, http.StatusNotFound}, {time.Hour, http.StatusConflict}} {
		t.Run(fmt.Sprint("delay ", tt.delay), func(t *testing.T) {
			_, base := start(t, nil, Options{DeletionDelay: tt.delay})
			counts := fan(t, base, 64, req{method: "DELETE", path: envPath + "env-demo1", auth: demoKey})
			if counts[204] != 1 || counts[tt.other] != 63 {
				t.Errorf("statuses %v, want one 204 and 63 %d", counts, tt.other)
			}
		})
	}
}

// TestConcurrentUndeploys: of 64 concurrent undeploys of one deployment exactly one is 200, and
// exactly one history record is written.
func TestConcurrentUndeploys(t *testing.T) {
	_, base := start(t, nil, Options{})
	counts := fan(t, base, 64, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken})
	if counts[200] != 1 || counts[400] != 63 {
		t.Errorf("statuses %v, want one 200 and 63 400", counts)
	}
	if h := proxyState(t, base, "petstore-api")["history"].([]any); len(h) != 1 {
		t.Errorf("history %v, want one record", h)
	}
}

// TestConcurrentMixedLoad runs every kind of request at once (creates, reads, deletes, deploys,
// undeploys, snapshots, resets) for the race detector, and checks that request IDs are unique.
func TestConcurrentMixedLoad(t *testing.T) {
	srv, base := start(t, nil, Options{DeletionDelay: time.Millisecond, Log: &lockedDiscard{}})
	reqs := []req{
		{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":"load"}`},
		{method: "GET", path: envPath + "env-demo1", auth: stsToken},
		{method: "DELETE", path: envPath + "env-demo3", auth: demoKey},
		{method: "DELETE", path: envPath + "env-demo2", auth: limitedKey},
		{method: "DELETE", path: proxyPath("petstore-api", "staging"), auth: demoToken, body: `{"persistent":true}`},
		{method: "POST", path: proxyPath("petstore-api", "staging"), auth: demoToken},
		{method: "GET", path: "/_mock/state"},
		{method: "POST", path: "/_mock/reset"},
		{method: "PATCH", path: "/nowhere"},
	}
	var (
		mu   sync.Mutex
		seen = map[string]bool{}
		wg   sync.WaitGroup
	)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				r := reqs[(w+i)%len(reqs)]
				g := send(t, base, r)
				id := g.header.Get("X-Request-Id")
				mu.Lock()
				if id == "" || seen[id] {
					t.Errorf("%s %s: X-Request-Id %q missing or repeated", r.method, r.path, id)
				}
				seen[id] = true
				mu.Unlock()
				if g.status >= 500 {
					t.Errorf("%s %s: %d %s", r.method, r.path, g.status, g.body)
				}
				if i%10 == 0 {
					_ = srv.Snapshot()
				}
			}
		}(w)
	}
	wg.Wait()
}

// lockedDiscard is a log writer that fails the race detector if written concurrently.
type lockedDiscard struct{ n int }

func (d *lockedDiscard) Write(p []byte) (int, error) {
	d.n++
	return len(p), nil
}
