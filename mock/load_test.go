package mock

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The load test: many concurrent clients on loopback send a fixed number of requests, then
// stop. While the background traffic runs, 64 clients race to delete one environment and 64 to
// undeploy one deployment, and deploy/undeploy cycles write persistent and non-persistent history
// past the retention limit. The mock must stay consistent: one winner per race, one history
// record per successful undeploy, no persistent record ever lost, no 5xx, every request ID
// unique. Requests per second are logged, never asserted.

const (
	loadWorkers        = 16  // background clients
	loadPerWorker      = 150 // requests each
	loadRacers         = 64  // clients in each race
	loadCycles         = 40  // deploy/undeploy cycles of each history writer
	loadHistoryLimit   = 3
	loadSeedPersistent = 2 // persistent records orders-api starts with
)

// loadClient is an HTTP client that keeps enough idle connections for every concurrent client.
func loadClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = loadWorkers + 2*loadRacers + 4
	tr.Proxy = nil
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// loadTally counts what came back, safely across goroutines.
type loadTally struct {
	mu       sync.Mutex
	sent     int
	ids      map[string]bool
	problems []string
}

// send fires r and records its request ID; it returns the status (0 when no response came).
func (l *loadTally) send(c *http.Client, base string, r req) int {
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, base+r.path, body)
	if err != nil {
		l.problem("%s %s: %v", r.method, r.path, err)
		return 0
	}
	if r.auth != "" {
		hr.Header.Set("Authorization", r.auth)
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(hr)
	if err != nil {
		l.problem("%s %s: %v", r.method, r.path, err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	id := resp.Header.Get("X-Request-Id")
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	switch {
	case resp.StatusCode >= 500:
		l.problems = append(l.problems, fmt.Sprintf("%s %s: status %d", r.method, r.path, resp.StatusCode))
	case id == "" || l.ids[id]:
		l.problems = append(l.problems, fmt.Sprintf("%s %s: X-Request-Id %q missing or repeated", r.method, r.path, id))
	}
	l.ids[id] = true
	return resp.StatusCode
}

func (l *loadTally) problem(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

// loadTestState is the demo state with a rate limit the load never reaches, and orders-api
// deployed to test with a history that starts with persistent records.
func loadTestState(t *testing.T) *State {
	t.Helper()
	state, err := DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	state.Confluent.RateLimit = RateLimit{Limit: 1 << 30, WindowSeconds: 3600}
	for i := range state.Confluent.APIKeys {
		state.Confluent.APIKeys[i].RateLimit = nil
		if state.Confluent.APIKeys[i].Key == "ratelimited-key" {
			state.Confluent.APIKeys[i].RateLimit = &RateLimit{Limit: 10, WindowSeconds: 60, Used: 10}
		}
	}
	for p := range state.Apinizer.Projects {
		for x := range state.Apinizer.Projects[p].Proxies {
			px := &state.Apinizer.Projects[p].Proxies[x]
			if state.Apinizer.Projects[p].Name != "DemoProject" || px.Name != "orders-api" {
				continue
			}
			for i := range loadSeedPersistent {
				px.History = append(px.History, HistoryRecord{
					Action: ActionUndeploy, Environment: "test", Description: fmt.Sprintf("seed %d", i),
					Persistent: true, Time: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), User: "demo",
				})
			}
		}
	}
	return state
}

func TestMockUnderLoad(t *testing.T) {
	srv, base := start(t, loadTestState(t), Options{HistoryLimit: loadHistoryLimit})
	client := loadClient()
	defer client.CloseIdleConnections()
	tally := &loadTally{ids: map[string]bool{}}
	background := []req{
		{method: "GET", path: envPath + "env-demo2", auth: demoKey},
		{method: "GET", path: envPath + "env-demo3", auth: stsToken},
		{method: "POST", path: "/org/v2/environments", auth: demoKey, body: `{"display_name":"load"}`},
		{method: "DELETE", path: envPath + "env-nope", auth: demoKey},
		{method: "DELETE", path: envPath + "env-demo2", auth: limitedKey},
		{method: "DELETE", path: envPath + "bad%20id", auth: demoKey},
		{method: "DELETE", path: envPath + "env-inflight1", auth: demoKey},
		{method: "GET", path: "/_mock/state"},
		{method: "DELETE", path: proxyPath("nope-api", "production"), auth: demoToken},
		{method: "POST", path: proxyPath("orders-api", "production"), auth: demoToken},
		{method: "PATCH", path: "/nowhere"},
	}
	var (
		wg                  sync.WaitGroup
		ready               = make(chan struct{})
		deletes, undeploys  sync.Map // status -> *atomic.Int32
		persistentUndeploys atomic.Int32
	)
	count := func(m *sync.Map, status int) {
		v, _ := m.LoadOrStore(status, new(atomic.Int32))
		v.(*atomic.Int32).Add(1)
	}
	began := time.Now()
	for w := range loadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			for i := range loadPerWorker {
				tally.send(client, base, background[(w+i)%len(background)])
			}
		}()
	}
	for range loadRacers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-ready
			count(&deletes, tally.send(client, base, req{method: "DELETE", path: envPath + "env-demo1", auth: demoKey}))
		}()
		go func() {
			defer wg.Done()
			<-ready
			count(&undeploys, tally.send(client, base, req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: `{"description":"race"}`}))
		}()
	}
	// Two history writers on orders-api: one undeploys from test persistently, the other from
	// staging not; each deploys before it undeploys. Retention drops only non-persistent records.
	for _, env := range []string{"test", "staging"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			for range loadCycles {
				tally.send(client, base, req{method: "POST", path: proxyPath("orders-api", env), auth: demoToken})
				status := tally.send(client, base, req{method: "DELETE", path: proxyPath("orders-api", env), auth: demoToken,
					body: fmt.Sprintf(`{"persistent":%v}`, env == "test")})
				if status == http.StatusOK && env == "test" {
					persistentUndeploys.Add(1)
				}
				if status != http.StatusOK {
					tally.problem("undeploy of orders-api from %s after its deploy: %d", env, status)
				}
			}
		}()
	}
	close(ready)
	wg.Wait()
	elapsed := time.Since(began)
	t.Logf("%d requests from %d concurrent clients in %v: %.0f requests per second",
		tally.sent, loadWorkers+2*loadRacers+2, elapsed.Round(time.Millisecond), float64(tally.sent)/elapsed.Seconds())

	for _, p := range tally.problems {
		t.Error(p)
	}
	want := loadWorkers*loadPerWorker + 2*loadRacers + 2*2*loadCycles
	if tally.sent != want {
		t.Errorf("%d responses, want %d", tally.sent, want)
	}
	if got := statusCounts(&deletes); got[204] != 1 || got[404] != loadRacers-1 {
		t.Errorf("concurrent DELETEs of env-demo1: %v, want one 204 and %d 404", got, loadRacers-1)
	}
	if got := statusCounts(&undeploys); got[200] != 1 || got[400] != loadRacers-1 {
		t.Errorf("concurrent undeploys of petstore-api from production: %v, want one 200 and %d 400", got, loadRacers-1)
	}

	state := srv.Snapshot()
	petstore, orders := loadProxy(t, state, "petstore-api"), loadProxy(t, state, "orders-api")
	production := 0
	for _, h := range petstore.History {
		if h.Action == ActionUndeploy && h.Environment == "production" {
			production++
		}
	}
	if production != 1 {
		t.Errorf("petstore-api has %d undeploy-from-production records, want exactly 1: %+v", production, petstore.History)
	}
	persistent := 0
	for _, h := range orders.History {
		if h.Persistent {
			persistent++
		}
	}
	if want := loadSeedPersistent + int(persistentUndeploys.Load()); persistent != want || persistentUndeploys.Load() != loadCycles {
		t.Errorf("orders-api keeps %d persistent records, want %d (%d persistent undeploys succeeded)", persistent, want, persistentUndeploys.Load())
	}
	if nonPersistent := len(orders.History) - persistent; nonPersistent > loadHistoryLimit {
		t.Errorf("orders-api keeps %d non-persistent records over a limit of %d", nonPersistent, loadHistoryLimit)
	}
	for _, env := range state.Confluent.Environments {
		if env.ID == "env-demo1" {
			t.Error("env-demo1 survived its DELETE")
		}
	}
}

func statusCounts(m *sync.Map) map[int]int32 {
	out := map[int]int32{}
	m.Range(func(k, v any) bool {
		out[k.(int)] = v.(*atomic.Int32).Load()
		return true
	})
	return out
}

func loadProxy(t *testing.T, s *State, name string) Proxy {
	t.Helper()
	for _, p := range s.Apinizer.Projects {
		if p.Name != "DemoProject" {
			continue
		}
		for _, px := range p.Proxies {
			if px.Name == name {
				return px
			}
		}
	}
	t.Fatalf("no proxy %s in the state", name)
	return Proxy{}
}
