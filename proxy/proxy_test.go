package proxy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// memRecorder keeps what the proxy records.
type memRecorder struct {
	mu  sync.Mutex
	exs []*runner.Exchange
}

func (m *memRecorder) Write(ex *runner.Exchange) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.exs = append(m.exs, ex)
	return nil
}

// wait returns once n exchanges were recorded: the proxy checks an exchange when its body has
// been copied to the client, which may be just after the client saw its last byte.
func (m *memRecorder) wait(t *testing.T, n int) []*runner.Exchange {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := m.all(); len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (m *memRecorder) all() []*runner.Exchange {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*runner.Exchange(nil), m.exs...)
}

// lockedLog collects the proxy's log lines.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type setup struct {
	proxyURL string
	session  *run.Session
	rec      *memRecorder
	log      *lockedLog
}

// start serves upstream on loopback and the proxy in front of it.
func start(t *testing.T, upstream http.Handler, o Options) *setup {
	t.Helper()
	up := httptest.NewServer(upstream)
	t.Cleanup(up.Close)
	u, _ := url.Parse(up.URL)
	return startTo(t, u, o)
}

func startTo(t *testing.T, upstream *url.URL, o Options) *setup {
	t.Helper()
	s, err := run.Open(run.Config{CheckOnly: true, Target: upstream.String(), Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	st := &setup{session: s, rec: &memRecorder{}, log: &lockedLog{}}
	o.Upstream, o.Session, o.Record, o.Log = upstream, s, st.rec, st.log
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	st.proxyURL = srv.URL
	return st
}

func mockHandler(t *testing.T, faults ...string) http.Handler {
	t.Helper()
	m, err := mock.New(nil, mock.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func do(t *testing.T, method, u, auth, body string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, r)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// sent remembers, per request path, what the upstream handler wrote.
type sent struct {
	mu     sync.Mutex
	byPath map[string]*httptest.ResponseRecorder
}

// tee answers with h and remembers what it answered.
func (s *sent) tee(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		s.mu.Lock()
		if s.byPath == nil {
			s.byPath = map[string]*httptest.ResponseRecorder{}
		}
		s.byPath[r.URL.Path] = rec
		s.mu.Unlock()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// TestProxyPassesThroughAndChecks: what the client gets through the proxy is what the upstream
// sent; every exchange is checked; a conformant upstream gives no violation, a fault its check.
func TestProxyPassesThroughAndChecks(t *testing.T) {
	var upstream sent
	st := start(t, upstream.tee(mockHandler(t)), Options{})
	for _, path := range []string{"/org/v2/environments/env-demo3", "/org/v2/environments/env-nope", "/apiops/projects/DemoProject/apiProxies/petstore-api/environments/production/"} {
		method := http.MethodGet
		auth := basic("demo-key", "demo-secret")
		if strings.HasPrefix(path, "/apiops") {
			method, auth = http.MethodDelete, "Bearer demo-token"
		}
		got, gotBody := do(t, method, st.proxyURL+path, auth, "")
		upstream.mu.Lock()
		want := upstream.byPath[path]
		upstream.mu.Unlock()
		if want == nil || got.StatusCode != want.Code || !bytes.Equal(gotBody, want.Body.Bytes()) {
			t.Fatalf("%s %s: the client got %d %s, the upstream sent %v", method, path, got.StatusCode, gotBody, want)
		}
		for k := range want.Header() {
			if got.Header.Get(k) != want.Header().Get(k) {
				t.Errorf("%s: header %s %q, the upstream sent %q", path, k, got.Header.Get(k), want.Header().Get(k))
			}
		}
		if got.Header.Get(AnnotationHeader) != "" {
			t.Error("annotated without --annotate")
		}
	}
	st.rec.wait(t, 3)
	res := st.session.Result(nil)
	if res.ExitCode != 0 || len(res.Violations()) != 0 {
		t.Errorf("a conformant upstream: verdict %s, violations %v", res.Verdict, res.Violations())
	}
	if n := len(st.rec.all()); n != 3 {
		t.Errorf("recorded %d exchanges, want 3", n)
	}
	if lines := strings.Count(st.log.String(), "\n"); lines != 3 || strings.Count(st.log.String(), " ok\n") != 3 {
		t.Errorf("log:\n%s", st.log.String())
	}

	faulty := start(t, mockHandler(t, "error-status-mismatch"), Options{Annotate: true})
	resp, _ := do(t, http.MethodGet, faulty.proxyURL+"/org/v2/environments/env-nope", basic("demo-key", "demo-secret"), "")
	if got := resp.Header.Get(AnnotationHeader); got != "error-status-match" {
		t.Errorf("annotation %q", got)
	}
	faulty.rec.wait(t, 1)
	if !strings.Contains(faulty.log.String(), "GET /org/v2/environments/env-nope 404 ") || !strings.Contains(faulty.log.String(), " error-status-match\n") {
		t.Errorf("log:\n%s", faulty.log.String())
	}
	if res := faulty.session.Result(nil); res.ExitCode != run.ExitViolations {
		t.Errorf("a faulty upstream: verdict %s", res.Verdict)
	}
}

// TestProxyNeverChangesTheBody: a body past the validation cap streams to the client in full,
// byte for byte, with or without --annotate; the exchange gets a body-within-cap warning.
func TestProxyNeverChangesTheBody(t *testing.T) {
	big := bytes.Repeat([]byte(`{"errors":[]}`), 100_000) // 1.3 MB
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "r-"+r.URL.Query().Get("n"))
		w.WriteHeader(404)
		_, _ = w.Write(big)
	})
	for _, annotate := range []bool{false, true} {
		t.Run(fmt.Sprintf("annotate=%v", annotate), func(t *testing.T) {
			st := start(t, up, Options{MaxBody: 1024, Annotate: annotate})
			_, body := do(t, http.MethodGet, st.proxyURL+"/org/v2/environments/env-1?n=1", basic("demo-key", "demo-secret"), "")
			if !bytes.Equal(body, big) {
				t.Fatalf("the client got %d bytes, the upstream sent %d", len(body), len(big))
			}
			st.rec.wait(t, 1)
			res := st.session.Result(nil)
			var cap *runner.Violation
			for _, v := range res.Violations() {
				if v.Check == "body-within-cap" {
					cap = &v
				}
			}
			if cap == nil || cap.Severity != runner.SeverityWarning {
				t.Errorf("want a body-within-cap warning: %v", res.Violations())
			}
			if ex := st.rec.all(); len(ex) != 1 || len(ex[0].Response.Body) != 1024 || !ex[0].Response.Truncated {
				t.Errorf("recorded %d exchanges", len(ex))
			}
		})
	}
}

// TestProxyPassesRedirectsThrough: a redirect reaches the client as it is; nothing follows it.
func TestProxyPassesRedirectsThrough(t *testing.T) {
	var hits sync.Map
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(r.URL.Path, true)
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	st := start(t, up, Options{})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(st.proxyURL + "/org/v2/environments/env-1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/elsewhere" {
		t.Errorf("got %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, ok := hits.Load("/elsewhere"); ok {
		t.Error("the proxy followed the redirect")
	}
	st.rec.wait(t, 1)
	fired := map[string]bool{}
	for _, v := range st.session.Result(nil).Violations() {
		fired[v.Check] = true
	}
	if !fired["status-documented"] {
		t.Errorf("fired %v", fired)
	}
}

// refuser records and refuses every request: nothing leaves.
type refuser struct {
	mu   sync.Mutex
	seen []string
}

func (r *refuser) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, req.Method)
	return nil, errors.New("refuser: nothing leaves")
}

// TestProxyGuard: toward an upstream that is not loopback, a mutating request gets a 403 from
// the proxy itself and never reaches the transport; a GET does; with AllowDestructive both do.
func TestProxyGuard(t *testing.T) {
	upstream, _ := url.Parse("https://api.example.com")
	for _, allow := range []bool{false, true} {
		rt := &refuser{}
		st := startTo(t, upstream, Options{Transport: rt, AllowDestructive: allow})
		resp, body := do(t, http.MethodDelete, st.proxyURL+"/org/v2/environments/env-1", basic("k", "s"), "")
		get, _ := do(t, http.MethodGet, st.proxyURL+"/org/v2/environments/env-1", basic("k", "s"), "")
		switch {
		case !allow && (resp.StatusCode != 403 || resp.Header.Get(RefusedHeader) != "true" || !strings.Contains(string(body), "--allow-destructive")):
			t.Errorf("without the opt-in: %d %s", resp.StatusCode, body)
		case allow && resp.StatusCode != 502:
			t.Errorf("with the opt-in the DELETE goes to the (refusing) transport: %d %s", resp.StatusCode, body)
		}
		if get.StatusCode != 502 {
			t.Errorf("the GET: %d", get.StatusCode)
		}
		want := "[GET]"
		if allow {
			want = "[DELETE GET]"
		}
		if fmt.Sprint(rt.seen) != want {
			t.Errorf("allow=%v: the transport saw %v, want %s", allow, rt.seen, want)
		}
	}
}

// TestProxyRedactsWhatPassesThrough: the client's credentials, and their echo in a response, are
// in no log line and no recording.
func TestProxyRedactsWhatPassesThrough(t *testing.T) {
	const user, pass = "KEY-CANARY-5b1e", "SECRET-CANARY-9d02"
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.WriteHeader(401)
		u, p, _ := r.BasicAuth()
		fmt.Fprintf(w, `{"errors":[{"status":"401","detail":"bad %s:%s"}]}`, u, p)
	})
	st := start(t, up, Options{})
	do(t, http.MethodDelete, st.proxyURL+"/org/v2/environments/env-1?user="+user, basic(user, pass), "")
	st.rec.wait(t, 1)
	all := st.log.String()
	for _, ex := range st.rec.all() {
		b, _ := json.Marshal(ex)
		all += string(b)
	}
	for _, v := range st.session.Result(nil).Violations() {
		all += v.String()
	}
	for _, secret := range []string{user, pass, base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))} {
		if strings.Contains(all, secret) {
			t.Errorf("%q shows through:\n%s", secret, all)
		}
	}
}

// TestProxyUnderConcurrency: 64 clients at once (run it with -race): every exchange is checked
// once and recorded once, and none is mixed up with another (the recorded request and response
// belong together).
func TestProxyUnderConcurrency(t *testing.T) {
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, "/org/v2/environments/")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-"+id)
		w.WriteHeader(404)
		fmt.Fprintf(w, `{"errors":[{"id":"%s","status":"404","code":"resource_not_found","title":"Not Found","detail":"%s"}]}`, id, id)
	})
	st := start(t, up, Options{})
	const clients, each = 64, 8
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("env-c%di%d", c, i)
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, st.proxyURL+"/org/v2/environments/"+id, nil)
				req.Header.Set("Authorization", basic("demo-key", "demo-secret"))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	exs := st.rec.wait(t, clients*each)
	if len(exs) != clients*each {
		t.Fatalf("recorded %d exchanges, want %d", len(exs), clients*each)
	}
	seen := map[string]bool{}
	for _, ex := range exs {
		id := strings.TrimPrefix(ex.Request.Path, "/org/v2/environments/")
		if seen[id] {
			t.Errorf("%s recorded twice", id)
		}
		seen[id] = true
		if ex.Response.Header.Get("X-Request-Id") != "req-"+id || !strings.Contains(string(ex.Response.Body), `"detail":"`+id+`"`) {
			t.Errorf("exchange %s mixed up: request ID %s, body %s", id, ex.Response.Header.Get("X-Request-Id"), ex.Response.Body)
		}
	}
	res := st.session.Result(nil)
	for _, a := range res.APIs {
		if a.API == "confluent" && (a.Observed == nil || a.Observed.Exchanges != clients*each) {
			t.Errorf("checked %+v", a.Observed)
		}
	}
	if n := strings.Count(st.log.String(), "\n"); n != clients*each {
		t.Errorf("%d log lines", n)
	}
}

// TestProxyChecksAnUpstreamThatGivesNoResponse: an upstream that hangs up gives the client a 502
// from the proxy, and the exchange is checked, recorded and logged as one without a response.
func TestProxyChecksAnUpstreamThatGivesNoResponse(t *testing.T) {
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	st := start(t, up, Options{})
	resp, _ := do(t, http.MethodGet, st.proxyURL+"/org/v2/environments/env-1", basic("demo-key", "demo-secret"), "")
	if resp.StatusCode != 502 {
		t.Errorf("the client got %d", resp.StatusCode)
	}
	exs := st.rec.wait(t, 1)
	if len(exs) != 1 || exs[0].Err == nil || exs[0].Response != nil || exs[0].Request.Path != "/org/v2/environments/env-1" {
		t.Fatalf("recorded %+v", exs)
	}
	fired := map[string]bool{}
	for _, v := range st.session.Result(nil).Violations() {
		fired[v.Check] = true
	}
	if !fired["response-received"] || !strings.Contains(st.log.String(), "GET /org/v2/environments/env-1 --- ") {
		t.Errorf("fired %v; log:\n%s", fired, st.log.String())
	}
}
