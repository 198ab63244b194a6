package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
)

// env returns a Getenv over vars only: nothing leaks in from the shell running the tests.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func open(t *testing.T, cfg Config) *Session {
	t.Helper()
	if cfg.Getenv == nil {
		cfg.Getenv = env(nil)
	}
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// recorder is a transport that records every request reaching it and refuses it: nothing is
// sent anywhere.
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, req.Method+" "+req.URL.Host+req.URL.Path)
	return nil, errors.New("recorder: refused")
}

func (r *recorder) methods() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, s := range r.seen {
		m, _, _ := strings.Cut(s, " ")
		out[m]++
	}
	return out
}

// realCredentials are what a user would export for a real target (fake values).
var realCredentials = map[string]string{
	"CONFLUENT_CLOUD_API_KEY": "KEY-4f1c9a", "CONFLUENT_CLOUD_API_SECRET": "SECRET-77e2b0",
	"CONFLUENT_STS_TOKEN": "STS-a8d3", "APINIZER_TOKEN": "TOKEN-b2e1",
}

// TestMethodGuardAgainstANonLoopbackTarget: aimed at a host that is not loopback, no request
// with a method other than GET, HEAD or OPTIONS leaves without AllowDestructive, whatever the
// scenarios' labels; the scenarios that would send one are planned as skipped, naming the flag,
// before anything is sent. With AllowDestructive every scenario's requests go out, mutating
// ones included. The transport records and refuses: nothing leaves the machine.
func TestMethodGuardAgainstANonLoopbackTarget(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprintf("allow-destructive=%v", allow), func(t *testing.T) {
			rec := &recorder{}
			s := open(t, Config{Target: "https://api.example.com", AllowDestructive: allow, Transport: rec, Getenv: env(realCredentials)})
			var planSkips int
			for _, p := range s.Plan() {
				mutating := false
				for _, st := range p.Scenario.Steps {
					mutating = mutating || runner.IsMutating(s.apis[slices.IndexFunc(s.apis, func(a *apiRun) bool { return a.name == p.API })].api.Operation(st.Operation).Method)
				}
				switch {
				case mutating && !allow:
					planSkips++
					if !strings.Contains(p.Skip, "which is not loopback; pass --allow-destructive to send it") {
						t.Errorf("%s: planned skip %q", p.Scenario.Name, p.Skip)
					}
				case p.Skip != "" && !strings.Contains(p.Skip, "demo credentials"):
					t.Errorf("%s: skipped for %q", p.Scenario.Name, p.Skip)
				}
			}
			if len(rec.seen) != 0 {
				t.Fatalf("planning sent %v", rec.seen)
			}
			res := s.Run(context.Background())
			got := rec.methods()
			if !allow {
				if planSkips == 0 {
					t.Fatal("no scenario was planned as skipped")
				}
				for m, n := range got {
					if runner.IsMutating(m) {
						t.Errorf("%d %s request(s) left without --allow-destructive", n, m)
					}
				}
				if got["GET"] == 0 {
					t.Error("no GET left: the safe scenarios did not run")
				}
			} else {
				for _, m := range []string{"GET", "POST", "DELETE"} {
					if got[m] == 0 {
						t.Errorf("with --allow-destructive no %s left: %v", m, got)
					}
				}
			}
			// Nothing answered: the tool could not run, and says so.
			if res.ExitCode != ExitSetup || !strings.Contains(res.Problem, "no response arrived") {
				t.Errorf("verdict %s (exit %d): %s", res.Verdict, res.ExitCode, res.Problem)
			}
		})
	}
}

// TestDemoCredentialsOnlyForTheMock: against a target that is not apiconform's mock, a profile
// whose variables are not set is not resolved: its scenarios are skipped, naming the variables,
// and no demo credential is ever sent; scenarios with no or deliberately invalid credentials
// still run. A half-set pair is an error of Open.
func TestDemoCredentialsOnlyForTheMock(t *testing.T) {
	var mu sync.Mutex
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	s := open(t, Config{Target: srv.URL})
	for _, a := range s.Targets() {
		if a.TargetKind != Server {
			t.Fatalf("a plain loopback server taken for %s", a.TargetKind)
		}
	}
	reasons := map[string]bool{}
	ran := 0
	for _, p := range s.Plan() {
		if p.Skip != "" {
			reasons[p.Skip] = true
		} else {
			ran++
		}
	}
	for _, want := range []string{
		"needs credentials: set CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET (profile demo-key)",
		"needs credentials: set APINIZER_TOKEN (profile demo-token)",
		"needs credentials: set CONFLUENT_STS_TOKEN (profile demo-sts)",
	} {
		if !reasons[want] {
			t.Errorf("no scenario skipped with %q; reasons: %v", want, reasons)
		}
	}
	if ran == 0 {
		t.Fatal("nothing runs: the no-credential and invalid-credential scenarios must")
	}
	s.Run(context.Background())
	demo := []string{"demo-key", "demo-secret", "demo-sts-token", "demo-token", "viewer", "ratelimited", "expired-token"}
	for _, a := range auths {
		for _, d := range demo {
			if strings.Contains(a, d) || strings.Contains(decodeBasic(a), d) {
				t.Errorf("a demo credential was sent to a server that is not the mock: %q", a)
			}
		}
	}
	if len(auths) == 0 {
		t.Error("nothing was sent")
	}
	_, err := Open(Config{Target: srv.URL, Getenv: env(map[string]string{"CONFLUENT_CLOUD_API_KEY": "K-123"})})
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "CONFLUENT_CLOUD_API_KEY set but CONFLUENT_CLOUD_API_SECRET not") {
		t.Errorf("half-set credentials: %v", err)
	}
}

func decodeBasic(h string) string {
	req := &http.Request{Header: http.Header{"Authorization": {h}}}
	u, p, _ := req.BasicAuth()
	return u + ":" + p
}

// refusingMock is apiconform's mock, except that every create is made to carry a body that is
// not JSON: the mock answers each with its documented, schema-valid 400. Nothing it answers
// breaks the contract.
func refusingMock(t *testing.T) string {
	t.Helper()
	m, err := mock.New(nil, mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/org/v2/environments" {
			r.Body = io.NopCloser(strings.NewReader(`{"display_name": `))
			r.ContentLength = -1
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestConformantButRefusingTargetPassesContractOnly: a target that answers every create with a
// documented 400 breaks no contract. With --contract-only the run passes (exit 0) and lists the
// scenarios that could not go on as not run, with the reason; without it they fail through
// status-expected.
func TestConformantButRefusingTargetPassesContractOnly(t *testing.T) {
	target := refusingMock(t)
	res := open(t, Config{Target: target, ContractOnly: true}).Run(context.Background())
	if res.ExitCode != ExitConformant || res.Verdict != Conformant {
		t.Fatalf("verdict %s (exit %d), violations: %v", res.Verdict, res.ExitCode, res.Violations())
	}
	var notRun []string
	for _, a := range res.APIs {
		for _, s := range a.Scenarios {
			if s.Outcome == NotRun {
				notRun = append(notRun, s.Name+": "+s.Reason)
			}
			if s.Outcome == Failed {
				t.Errorf("%s failed: %s", s.Name, s.Reason)
			}
		}
	}
	sort.Strings(notRun)
	want := []string{
		`create and delete with a global API key: step 1 (createOrgV2Environment): answered 400, not the 201 the next steps need`,
		`create, delete and read back with an STS token: step 1 (create): answered 400, not the 201 the next steps need`,
	}
	if strings.Join(notRun, "\n") != strings.Join(want, "\n") {
		t.Errorf("not run:\n%s\nwant:\n%s", strings.Join(notRun, "\n"), strings.Join(want, "\n"))
	}
	if c := res.Counts(); c.NotRun != 2 || c.Failed != 0 {
		t.Errorf("counts %+v", c)
	}

	res = open(t, Config{Target: target}).Run(context.Background())
	if res.ExitCode != ExitViolations {
		t.Errorf("with expectations: verdict %s (exit %d)", res.Verdict, res.ExitCode)
	}
	fired := map[string]bool{}
	for _, v := range res.Violations() {
		fired[v.Check] = true
	}
	delete(fired, "header-expected") // the 201's Location
	delete(fired, "body-expected")   // the 201's body
	if !fired["status-expected"] || len(fired) != 1 {
		t.Errorf("with expectations the creates fail through the scenario checks only: %v", fired)
	}
}

// TestOwnMockIsRecognisedAndReset: a standalone apiconform mock on loopback is recognised, reset
// before the run (so what an earlier run or a user used up is back) and given the demo
// credentials: two runs in a row both pass.
func TestOwnMockIsRecognisedAndReset(t *testing.T) {
	m, err := mock.New(nil, mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	// Use up demo state, as README's curl example used to.
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/org/v2/environments/env-demo1", nil)
	req.SetBasicAuth("demo-key", "demo-secret")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE env-demo1: %v %v", resp, err)
	}
	for i := range 2 {
		s := open(t, Config{Target: srv.URL})
		if k := s.Targets()[0].TargetKind; k != OwnMock {
			t.Fatalf("run %d: the mock was taken for %s", i+1, k)
		}
		if n := s.Notices(); len(n) != 1 || !strings.Contains(n[0], "its state was reset (POST /_mock/reset)") {
			t.Errorf("run %d: notices %v", i+1, n)
		}
		res := s.Run(context.Background())
		if res.ExitCode != 0 {
			t.Errorf("run %d: verdict %s (exit %d): %v", i+1, res.Verdict, res.ExitCode, res.Violations())
		}
	}
}

// TestLabelFilter: a filter that selects nothing of one API is not that API's failure; one that
// selects nothing at all is a usage error naming the labels; a syntax error is one plain line.
func TestLabelFilter(t *testing.T) {
	s := open(t, Config{Labels: "auth && confluent"})
	apis := map[string]int{}
	for _, p := range s.Plan() {
		apis[p.API]++
		if !slices.Contains(p.Labels, "auth") || p.API != "confluent" {
			t.Errorf("selected %s: %s %v", p.API, p.Scenario.Name, p.Labels)
		}
	}
	if apis["confluent"] == 0 || apis["apinizer"] != 0 {
		t.Errorf("selected %v", apis)
	}
	if res := s.Run(context.Background()); res.ExitCode != 0 {
		t.Errorf("exit %d (%s)", res.ExitCode, res.Problem)
	}
	for _, tt := range []struct{ labels, want string }{
		{"nosuchlabel", `--labels "nosuchlabel" selects no scenario; the labels are: apinizer, auth, confluent, demo-state, destructive, errors`},
		{"auth &&", `--labels "auth &&": Unexpected EOF. (syntax: https://onsi.github.io/ginkgo/#spec-labels)`},
	} {
		_, err := Open(Config{Labels: tt.labels, Getenv: env(nil)})
		var ue *UsageError
		if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tt.want) || strings.ContainsAny(err.Error(), "\x1b\n{") {
			t.Errorf("--labels %q: %q, want it to start with %q, in one plain line", tt.labels, err, tt.want)
		}
	}
}

// TestOpenRefusesBadConfiguration: every usage error is a *UsageError naming what is wrong,
// before anything is sent.
func TestOpenRefusesBadConfiguration(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown API", Config{APIs: []string{"kafka"}}, `--api "kafka": no such API (known: apinizer, confluent; another API needs its spec: --spec FILE)`},
		{"unknown check", Config{Checks: []string{"body-shema"}}, "unknown check ID(s) body-shema"},
		{"a spec with neither --api nor scenarios", Config{SpecFile: "x.yaml"}, "--spec x.yaml: give the API's scenario file too (--scenarios FILE"},
		{"a spec that does not exist", Config{APIs: []string{"confluent"}, SpecFile: "no-such-spec.yaml", CheckOnly: true}, "--spec no-such-spec.yaml: cannot read the file: no such file or directory"},
		{"unknown fault", Config{MockFaults: []string{"no-such-fault"}}, "--mock-fault"},
		{"fault with a target", Config{MockFaults: []string{"hang-up"}, Target: "http://127.0.0.1:1"}, "--mock-fault applies to the embedded mock only"},
		{"bad target", Config{Target: "ftp://x"}, `--target: target "ftp://x": want an http:// or https:// URL`},
		{"missing scenario file", Config{Scenarios: []string{"/nonexistent/s.yaml"}}, "--scenarios /nonexistent/s.yaml: no such file or directory"},
		{"unreadable CA", Config{CACert: "/nonexistent/ca.pem"}, "--ca-cert /nonexistent/ca.pem"},
		{"negative timeout", Config{RequestTimeout: -1}, "--request-timeout"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg.Getenv == nil {
				tt.cfg.Getenv = env(nil)
			}
			s, err := Open(tt.cfg)
			if err == nil {
				s.Close()
				t.Fatal("opened")
			}
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %T %q, want a usage error with %q", err, err, tt.want)
			}
		})
	}
}

// TestCheckRoutesObservedTraffic: an exchange seen elsewhere is routed to its operation, checked
// with the contract and drift checks (not a scenario's expectation), and counted in the Result's
// coverage; an exchange no operation describes is counted as unmatched.
func TestCheckRoutesObservedTraffic(t *testing.T) {
	s := open(t, Config{Target: "http://127.0.0.1:1/base"})
	ex := &runner.Exchange{
		Request: runner.RecordedRequest{Method: "DELETE", URL: "http://127.0.0.1:1/base/org/v2/environments/env-1", Path: "/base/org/v2/environments/env-1"},
		Response: &runner.RecordedResponse{Status: 404, Header: http.Header{"Content-Type": {"application/json"}},
			Body: runner.Body(`{"errors":[{"status":"500"}]}`)},
	}
	vs := s.Check(ex)
	fired := map[string]bool{}
	for _, v := range vs {
		fired[v.Check] = true
	}
	if ex.OperationID != "deleteOrgV2Environment" || !fired["error-status-match"] || !fired["header-present"] || fired["status-expected"] {
		t.Errorf("operation %q, fired %v", ex.OperationID, fired)
	}
	if vs := s.Check(&runner.Exchange{Request: runner.RecordedRequest{Method: "GET", URL: "http://127.0.0.1:1/elsewhere"}}); vs != nil {
		t.Errorf("unmatched: %v", vs)
	}
	res := s.Result(nil)
	if res.Unmatched.Count != 1 || len(res.Unmatched.Requests) != 1 || res.Unmatched.Requests[0].Request != "GET /elsewhere" || res.ExitCode != ExitViolations {
		t.Errorf("unmatched %+v, exit %d", res.Unmatched, res.ExitCode)
	}
	for _, a := range res.APIs {
		if a.API == "confluent" && (a.Observed == nil || a.Observed.Exchanges != 1 || a.Observed.Failed != 1 || len(a.Observed.Examples) != 1 || a.Responses != 1) {
			t.Errorf("confluent: observed %+v, %d responses", a.Observed, a.Responses)
		}
	}
}

// TestDryRunSendsNothing: a dry run prepares every planned request, redacted, and sends none.
func TestDryRunSendsNothing(t *testing.T) {
	rec := &recorder{}
	s := open(t, Config{Target: "https://api.example.com", DryRun: true, Transport: rec, Getenv: env(realCredentials)})
	res := s.Run(context.Background())
	if len(rec.seen) != 0 {
		t.Errorf("a dry run sent %v", rec.seen)
	}
	if res.ExitCode != 0 || res.Verdict != DryRunDone {
		t.Errorf("verdict %s (exit %d)", res.Verdict, res.ExitCode)
	}
	var all bytes.Buffer
	for _, a := range res.APIs {
		for _, sc := range a.Scenarios {
			all.WriteString(sc.DryRun)
		}
	}
	if !strings.Contains(all.String(), "GET https://api.example.com/org/v2/environments/env-demo3") || !strings.Contains(all.String(), "Authorization: Basic [REDACTED]") {
		t.Errorf("dry run output:\n%s", all.String())
	}
	for _, secret := range realCredentials {
		if strings.Contains(all.String(), secret) {
			t.Errorf("the dry run shows %s", secret)
		}
	}
}

// TestInterruptedRunBlamesNobody: a run cancelled while a request is in flight does not report
// the cut exchange as the target's fault: the scenario in flight and those after it are not run,
// no violation is recorded, and the run could not run (exit 2), never conformant.
func TestInterruptedRunBlamesNobody(t *testing.T) {
	m, err := mock.New(nil, mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/org/v2/environments/env-demo3" && r.Method == http.MethodGet {
			once.Do(cancel) // Ctrl-C while this request is in flight
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer close(release)
	res := open(t, Config{Target: srv.URL, APIs: []string{"confluent"}}).Run(ctx)
	if len(res.Violations()) != 0 {
		t.Errorf("the interrupted exchange was reported: %v", res.Violations())
	}
	c := res.Counts()
	if c.Failed != 0 || c.NotRun == 0 || c.Passed == 0 {
		t.Errorf("counts %+v", c)
	}
	if !res.Interrupted || res.ExitCode != ExitSetup || res.Problem != "the run was interrupted before it ended" {
		t.Errorf("interrupted %v, verdict %s (exit %d): %s", res.Interrupted, res.Verdict, res.ExitCode, res.Problem)
	}
}

// TestDryRunThatCannotPrepareARequest: a dry run whose request cannot be built could not do its
// job (exit 2), rather than pass.
func TestDryRunThatCannotPrepareARequest(t *testing.T) {
	s := open(t, Config{DryRun: true, APIs: []string{"confluent"}})
	p := s.Plan()[0]
	broken := *p
	sc := *p.Scenario
	st := *sc.Steps[0]
	st.Params = map[string]string{} // the path parameter has no value now
	sc.Steps = []*scenario.Step{&st}
	broken.Scenario = &sc
	r := s.Execute(context.Background(), &broken)
	res := s.Result([]ScenarioResult{r})
	if r.Outcome != Failed || res.ExitCode != ExitSetup {
		t.Errorf("outcome %s (%s), verdict %s (exit %d)", r.Outcome, r.Reason, res.Verdict, res.ExitCode)
	}
}
