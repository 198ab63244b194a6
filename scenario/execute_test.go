package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// fakeConfluent is a tiny conformant Confluent server: POST creates, GET reads, DELETE deletes.
type fakeConfluent struct {
	mu       sync.Mutex
	envs     map[string]bool
	n        int
	throttle int // answer this many requests with 429 first
	seen     []string
}

func (f *fakeConfluent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.seen = append(f.seen, r.Method+" "+r.URL.Path)
	h := w.Header()
	h.Set("X-Request-Id", fmt.Sprintf("req-%d", f.n))
	h.Set("X-RateLimit-Limit", "10")
	h.Set("X-RateLimit-Remaining", "5")
	h.Set("X-RateLimit-Reset", "2")
	if f.throttle > 0 {
		f.throttle--
		h.Set("Retry-After", "2")
		h.Set("X-RateLimit-Remaining", "0")
		w.WriteHeader(429)
		return
	}
	fail := func(status int) {
		h.Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"errors":[{"status":"%d","code":"x"}]}`, status)
	}
	id := strings.TrimPrefix(r.URL.Path, "/org/v2/environments/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/org/v2/environments":
		var body struct {
			DisplayName string `json:"display_name"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		id := fmt.Sprintf("env-x%d", f.n)
		f.envs[id] = true
		h.Set("Location", "http://"+r.Host+"/org/v2/environments/"+id)
		h.Set("Content-Type", "application/json")
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"id":%q,"display_name":%q,"kind":"Environment","api_version":"org/v2","metadata":{"self":"http://x/%s"}}`, id, body.DisplayName, id)
	case r.Method == http.MethodDelete && f.envs[id]:
		delete(f.envs, id)
		w.WriteHeader(204)
	case r.Method == http.MethodGet && f.envs[id]:
		h.Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":%q,"display_name":"d","metadata":{"self":"http://x"}}`, id)
	default:
		fail(404)
	}
}

func fakeTarget(t *testing.T, f *fakeConfluent) (*Target, *File) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	api := testAPI(t, specs.Confluent)
	file, err := Load([]byte(`
api: confluent
credentials:
  key: {scheme: cloud-api-key, username: KEYID, password: TOPSECRETVALUE}
scenarios:
  - name: round trip
    steps:
      - operation: createOrgV2Environment
        credentials: key
        body: {display_name: "n-${run_id}"}
        expect: {status: 201, body: ['display_name =~ "^n-"']}
        save: {env_id: id, where: "header:Location"}
      - operation: deleteOrgV2Environment
        params: {id: "${env_id}"}
        credentials: key
        expect: {status: 204}
      - operation: getOrgV2Environment
        params: {id: "${env_id}"}
        credentials: key
        expect: {status: 404}
  - name: save finds nothing
    steps:
      - operation: getOrgV2Environment
        params: {id: env-none}
        credentials: key
        save: {x: id}
      - operation: deleteOrgV2Environment
        params: {id: "${x}"}
        credentials: key
  - name: throttled delete
    operation: deleteOrgV2Environment
    params: {id: env-gone}
    credentials: key
    expect: {status: 404}
  - name: expects the 429
    operation: deleteOrgV2Environment
    params: {id: env-gone}
    credentials: key
    expect: {status: 429}
`), "inline.yaml", api)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := ResolveProfiles(file, func(string) string { return "" }, true)
	if err != nil {
		t.Fatal(err)
	}
	profiles, secrets := creds.Profiles, creds.Secrets
	client, _ := runner.NewClient(runner.ClientOptions{Timeout: 5 * time.Second})
	r := &runner.Runner{API: api, Client: client, Base: base, Checker: runner.NewChecker(runner.All(), runner.CheckOptions{}, runner.NewRedactor(secrets...))}
	return &Target{Runner: r, Profiles: profiles}, file
}

func scenarioNamed(f *File, name string) *Scenario {
	for _, s := range f.Scenarios {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func TestExecuteSharesVariablesBetweenSteps(t *testing.T) {
	fake := &fakeConfluent{envs: map[string]bool{}}
	target, file := fakeTarget(t, fake)
	out := Execute(context.Background(), target, scenarioNamed(file, "round trip"), nil, Options{})
	if out.Failed() {
		t.Fatalf("want a clean run: %v %v", out.Err(), out.Violations())
	}
	if len(out.Steps) != 3 {
		t.Fatalf("ran %d steps", len(out.Steps))
	}
	if !strings.HasPrefix(fake.seen[1], "DELETE /org/v2/environments/env-x1") || fake.seen[2] != "GET /org/v2/environments/env-x1" {
		t.Errorf("the saved ID was not used: %v", fake.seen)
	}
}

func TestExecuteStopsWhenASaveFindsNothing(t *testing.T) {
	fake := &fakeConfluent{envs: map[string]bool{}}
	target, file := fakeTarget(t, fake)
	out := Execute(context.Background(), target, scenarioNamed(file, "save finds nothing"), nil, Options{})
	if out.Err() == nil || !strings.Contains(out.Err().Error(), `save.x: the response body has nothing at "id"`) {
		t.Fatalf("want a save error, got %v", out.Err())
	}
	if len(fake.seen) != 1 {
		t.Errorf("the step after the failed save ran: %v", fake.seen)
	}
}

// TestContractOnlyHaltsWhenASetupStepAnswersOtherwise: with expectations off, a step that is not
// the last and answers another status than it expects ends the scenario (it could not go on);
// with expectations on, it goes on and status-expected says what happened. The last step's
// status never halts anything.
func TestContractOnlyHaltsWhenASetupStepAnswersOtherwise(t *testing.T) {
	for _, tt := range []struct {
		name         string
		contractOnly bool
		wantSent     int
		wantHalt     bool
	}{
		{"contract only", true, 1, true},
		{"with expectations", false, 3, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeConfluent{envs: map[string]bool{}}
			target, file := fakeTarget(t, fake)
			sc := scenarioNamed(file, "round trip")
			// the create answers 404 here: the fake knows no POST without the right path
			sc = &Scenario{Name: sc.Name, Steps: []*Step{
				{Operation: "getOrgV2Environment", Params: map[string]string{"id": "env-none"}, Credentials: "key", Expect: Expect{Status: 200}},
				sc.Steps[1], sc.Steps[2],
			}}
			out := Execute(context.Background(), target, sc, map[string]string{"env_id": "env-none"}, Options{ContractOnly: tt.contractOnly})
			var halt *StatusHaltError
			if got := errors.As(out.Err(), &halt); got != tt.wantHalt {
				t.Fatalf("halted: %v (%v), want %v", got, out.Err(), tt.wantHalt)
			}
			if tt.wantHalt && (halt.Got != 404 || halt.Want != 200 || !strings.Contains(out.Err().Error(), "answered 404, not the 200 the next steps need")) {
				t.Errorf("halt: %v", out.Err())
			}
			if len(fake.seen) != tt.wantSent {
				t.Errorf("sent %v, want %d requests", fake.seen, tt.wantSent)
			}
		})
	}
}

func TestExecuteRetriesAnUnexpected429(t *testing.T) {
	tests := []struct {
		name        string
		scenario    string
		throttle    int
		opts        Options
		wantStatus  int
		wantSends   int
		wantWaits   []time.Duration
		wantFailure bool
	}{
		{name: "waits Retry-After then succeeds", scenario: "throttled delete", throttle: 2, opts: Options{MaxRetries: 3}, wantStatus: 404, wantSends: 3, wantWaits: []time.Duration{2 * time.Second, 2 * time.Second}},
		{name: "gives up after MaxRetries", scenario: "throttled delete", throttle: 5, opts: Options{MaxRetries: 1}, wantStatus: 429, wantSends: 2, wantWaits: []time.Duration{2 * time.Second}, wantFailure: true},
		{name: "does not wait longer than MaxRetryWait", scenario: "throttled delete", throttle: 1, opts: Options{MaxRetries: 3, MaxRetryWait: time.Second}, wantStatus: 429, wantSends: 1, wantFailure: true},
		{name: "a scenario that expects 429 still sees it", scenario: "expects the 429", throttle: 1, opts: Options{MaxRetries: 3}, wantStatus: 429, wantSends: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeConfluent{envs: map[string]bool{}, throttle: tt.throttle}
			target, file := fakeTarget(t, fake)
			var waits []time.Duration
			tt.opts.Sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			out := Execute(context.Background(), target, scenarioNamed(file, tt.scenario), nil, tt.opts)
			st := out.Steps[0]
			if got := st.Exchanges[len(st.Exchanges)-1].Status(); got != tt.wantStatus {
				t.Errorf("final status %d, want %d", got, tt.wantStatus)
			}
			if len(fake.seen) != tt.wantSends {
				t.Errorf("sent %d requests, want %d", len(fake.seen), tt.wantSends)
			}
			if fmt.Sprint(waits) != fmt.Sprint(tt.wantWaits) && !(len(waits) == 0 && len(tt.wantWaits) == 0) {
				t.Errorf("waited %v, want %v", waits, tt.wantWaits)
			}
			if out.Failed() != tt.wantFailure {
				t.Errorf("failed = %v, want %v: %v", out.Failed(), tt.wantFailure, out.Violations())
			}
		})
	}
}

func TestDryRunSendsNothingAndRedacts(t *testing.T) {
	fake := &fakeConfluent{envs: map[string]bool{}}
	target, file := fakeTarget(t, fake)
	var buf bytes.Buffer
	out := Execute(context.Background(), target, scenarioNamed(file, "round trip"), nil, Options{DryRun: &buf})
	if out.Err() != nil {
		t.Fatal(out.Err())
	}
	if len(fake.seen) != 0 {
		t.Errorf("a dry run sent %v", fake.seen)
	}
	text := buf.String()
	for _, want := range []string{"step 1 (createOrgV2Environment): POST http://", "Authorization: Basic [REDACTED]", `body: {"display_name":"n-`, "step 2 (deleteOrgV2Environment): DELETE http://", "/org/v2/environments/%3Cenv_id%20from%20step%201%3E"} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"TOPSECRETVALUE", "KEYID"} {
		if strings.Contains(text, secret) {
			t.Errorf("dry run output shows %s:\n%s", secret, text)
		}
	}
}

func TestPacerSpacesRequests(t *testing.T) {
	if NewPacer(0) != nil {
		t.Error("rate 0 must mean no pacing")
	}
	p := NewPacer(1000) // 1 ms apart
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if err := p.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The schedule, not the clock: five requests reserve five intervals.
	if p.interval != time.Millisecond {
		t.Errorf("interval %v", p.interval)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	slow := NewPacer(0.001)
	_ = slow.Wait(cancelled) // first slot is now
	if err := slow.Wait(cancelled); err == nil {
		t.Error("Wait must return when the context ends")
	}
}
