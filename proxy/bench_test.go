package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// The benchmarks of this file talk only to servers they start on 127.0.0.1 (httptest).

// benchClients is how many clients send at once.
const benchClients = 16

// cannedUpstream answers as the mock does, without the mock's work: GET of an environment 200
// with its JSON, DELETE 204, each with the mock's headers (rate limits, and an X-Request-Id of
// its own each time, as request-id-unique wants). The answers are recorded once from the mock's
// handler, so that they are conformant.
func cannedUpstream(tb testing.TB) http.Handler {
	tb.Helper()
	m, err := mock.New(nil, mock.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	record := func(method string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/org/v2/environments/env-demo3", nil)
		req.SetBasicAuth("demo-key", "demo-secret")
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		return rec
	}
	get, del := record(http.MethodGet), record(http.MethodDelete)
	if get.Code != http.StatusOK || del.Code != http.StatusNoContent {
		tb.Fatalf("the mock answered GET %d, DELETE %d", get.Code, del.Code)
	}
	var ids atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := get
		if r.Method == http.MethodDelete {
			rec = del
		}
		h := w.Header()
		for k, v := range rec.Header() {
			if k != "Date" {
				h[k] = v
			}
		}
		h["X-Request-Id"] = []string{"c47bf112-0b41-5dd2-0000-" + strconv.FormatInt(ids.Add(1), 10)}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// BenchmarkProxyOverhead measures what the proxy adds to an exchange: benchClients clients on
// keep-alive connections send GETs and DELETEs of Confluent environments, as fast as they can,
// (a) to a loopback upstream directly and (b) to the same upstream through the proxy (proxy.New
// as apiconform proxy sets it up: a CheckOnly session, the transport of runner.NewTransport, a
// log line per exchange, here to io.Discard). Each op is one direct and one proxied exchange;
// the two are timed apart, in alternating rounds, and reported as direct-ns/exchange,
// proxied-ns/exchange (wall time per exchange, all clients together) and their ratio,
// proxy-x-direct (target: at most 1.5). Every proxied exchange must be checked, conformant.
func BenchmarkProxyOverhead(b *testing.B) {
	benchOverhead(b, func(upURL *url.URL, s *run.Session, tr http.RoundTripper) http.Handler {
		p, err := New(Options{Upstream: upURL, Session: s, Transport: tr, Log: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		return p
	}, true)
}

// benchOverhead runs the benchmark with the proxy newProxy makes; checked says it checks every
// exchange with the session.
func benchOverhead(b *testing.B, newProxy func(*url.URL, *run.Session, http.RoundTripper) http.Handler, checked bool) {
	up := httptest.NewServer(cannedUpstream(b))
	defer up.Close()
	upURL, _ := url.Parse(up.URL)
	s, err := run.Open(run.Config{CheckOnly: true, Target: up.URL, Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tr, err := runner.NewTransport("", false)
	if err != nil {
		b.Fatal(err)
	}
	tr.DisableCompression = true
	tr.ResponseHeaderTimeout = 30 * time.Second
	defer tr.CloseIdleConnections()
	px := httptest.NewServer(newProxy(upURL, s, tr))
	defer px.Close()

	clientTr := http.DefaultTransport.(*http.Transport).Clone()
	clientTr.Proxy = nil
	clientTr.MaxIdleConnsPerHost = benchClients
	defer clientTr.CloseIdleConnections()
	client := &http.Client{Transport: clientTr}
	var sent atomic.Int64 // numbers the environments deleted
	// exchanges sends n exchanges to base from benchClients clients and returns the wall time.
	exchanges := func(base string, n int) time.Duration {
		var next atomic.Int64
		var wg sync.WaitGroup
		var failed atomic.Value
		start := time.Now()
		for range benchClients {
			wg.Go(func() {
				for next.Add(1) <= int64(n) {
					k := sent.Add(1)
					method, path := http.MethodGet, "/org/v2/environments/env-demo3"
					if k%2 == 0 {
						method, path = http.MethodDelete, "/org/v2/environments/env-"+strconv.FormatInt(k, 10)
					}
					req, _ := http.NewRequest(method, base+path, nil)
					req.SetBasicAuth("demo-key", "demo-secret")
					resp, err := client.Do(req)
					if err != nil {
						failed.Store(err.Error())
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if resp.StatusCode >= 300 {
						failed.Store(method + " " + path + ": " + resp.Status)
						return
					}
				}
			})
		}
		wg.Wait()
		if f := failed.Load(); f != nil {
			b.Fatal(f)
		}
		return time.Since(start)
	}
	// Warm both paths up (connections, caches) outside the timing.
	exchanges(up.URL, 4*benchClients)
	exchanges(px.URL, 4*benchClients)
	const rounds = 4
	var direct, proxied time.Duration
	b.ResetTimer()
	for r := range rounds {
		n := b.N / rounds
		if r == rounds-1 {
			n = b.N - (rounds-1)*(b.N/rounds)
		}
		if n == 0 {
			continue
		}
		direct += exchanges(up.URL, n)
		proxied += exchanges(px.URL, n)
	}
	b.StopTimer()
	d, pr := float64(direct)/float64(b.N), float64(proxied)/float64(b.N)
	b.ReportMetric(d, "direct-ns/exchange")
	b.ReportMetric(pr, "proxied-ns/exchange")
	b.ReportMetric(pr/d, "proxy-x-direct")
	if !checked {
		return
	}

	// Every proxied exchange is checked (just after its client has its last byte) and none
	// broke the contract.
	want := b.N + 4*benchClients
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := s.Result(nil)
		got, failed := 0, 0
		var byCheck map[string]int
		for _, a := range res.APIs {
			if a.Observed != nil {
				got += a.Observed.Exchanges
				failed += a.Observed.Failed
				if len(a.Observed.ByCheck) > 0 {
					byCheck = a.Observed.ByCheck
				}
			}
		}
		if failed > 0 || byCheck != nil || res.Unmatched.Count > 0 {
			b.Fatalf("the proxied exchanges must be conformant: %d failed, violations %v, %d outside the specs", failed, byCheck, res.Unmatched.Count)
		}
		if got == want {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d exchanges checked, want %d", got, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkProxyFloor is BenchmarkProxyOverhead with a bare httputil.ReverseProxy in place of
// the proxy: configured as proxy.New configures its own (the request's URL set to the
// upstream's, the same transport, flushed as it comes) and given a pool of copy buffers, but
// nothing recorded nor checked. It is the floor of proxy-x-direct on the machine: what the
// second hop alone costs when the clients, the proxy and the upstream share its cores.
func BenchmarkProxyFloor(b *testing.B) {
	benchOverhead(b, func(upURL *url.URL, _ *run.Session, tr http.RoundTripper) http.Handler {
		return &httputil.ReverseProxy{
			Rewrite:       func(pr *httputil.ProxyRequest) { pr.SetURL(upURL) },
			Transport:     tr,
			FlushInterval: -1,
			BufferPool:    copyBuffers, // the proxy's own pool: the floor is measured like for like
		}
	}, false)
}
