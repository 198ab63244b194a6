package scenario

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// The rate-limit tests run scenarios against the reference mock's rate limiter. The mock, the
// retry waits and the pacer share one fake clock: a wait advances it instead of sleeping, so
// every figure below is the schedule, not a measurement.

// fakeClock is a clock that moves only when a wait advances it.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep advances the clock by d and records the wait.
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	c.mu.Unlock()
	return ctx.Err()
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// rateLimitedMock serves the mock's demo state on 127.0.0.1, with demo-key limited to limit
// requests per window seconds, on clock, and returns a Target for it.
func rateLimitedMock(t *testing.T, clock *fakeClock, limit, window int, faults ...string) *Target {
	t.Helper()
	state, err := mock.DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := range state.Confluent.APIKeys {
		if state.Confluent.APIKeys[i].Key == "demo-key" {
			state.Confluent.APIKeys[i].RateLimit = &mock.RateLimit{Limit: limit, WindowSeconds: window}
			found = true
		}
	}
	if !found {
		t.Fatal("the demo state has no demo-key")
	}
	srv, err := mock.New(state, mock.Options{Now: clock.Now, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	base, _ := url.Parse(ts.URL)
	client, err := runner.NewClient(runner.ClientOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	api := testAPI(t, specs.Confluent)
	return &Target{
		Runner: &runner.Runner{API: api, Client: client, Base: base, Checker: runner.NewChecker(runner.All(), runner.CheckOptions{}, nil)},
		Profiles: map[string]*runner.Credential{
			"demo":        {Scheme: "cloud-api-key", Username: "demo-key", Password: "demo-secret"},
			"ratelimited": {Scheme: "cloud-api-key", Username: "ratelimited-key", Password: "ratelimited-secret"},
		},
	}
}

// readsScenario is n GETs of env-demo1 with the profile, each expecting status.
func readsScenario(t *testing.T, n int, profile string, status int) *Scenario {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "api: confluent\ncredentials:\n  demo: {scheme: cloud-api-key, username: demo-key, password: demo-secret}\n")
	fmt.Fprintf(&b, "  ratelimited: {scheme: cloud-api-key, username: ratelimited-key, password: ratelimited-secret}\n")
	fmt.Fprintf(&b, "scenarios:\n  - name: reads\n    labels: [ratelimit]\n    steps:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      - {operation: getOrgV2Environment, params: {id: env-demo1}, credentials: %s, expect: {status: %d}}\n", profile, status)
	}
	f, err := Load([]byte(b.String()), "reads.yaml", testAPI(t, specs.Confluent))
	if err != nil {
		t.Fatal(err)
	}
	return f.Scenarios[0]
}

// finalStatuses returns the status of the last exchange of each step.
func finalStatuses(o *Outcome) []int {
	var out []int
	for _, st := range o.Steps {
		out = append(out, st.Exchanges[len(st.Exchanges)-1].Status())
	}
	return out
}

func exchanges(o *Outcome) int {
	n := 0
	for _, st := range o.Steps {
		n += len(st.Exchanges)
	}
	return n
}

func checkIDs(vs []runner.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Check)
	}
	return out
}

// TestRetriesHonourTheMockRateLimiter: against demo-key limited to 3 requests per 10 s, seven
// reads succeed when 429s are retried after Retry-After (two waits of the 10 s the mock asks
// for), and fail when they are not, when the wait asked for is over MaxRetryWait, or when
// MaxRetries runs out; a credential that is always spent is retried exactly MaxRetries times.
func TestRetriesHonourTheMockRateLimiter(t *testing.T) {
	ok7 := []int{200, 200, 200, 200, 200, 200, 200}
	tests := []struct {
		name       string
		profile    string
		steps      int
		expect     int
		opts       Options
		faults     []string
		wantFinal  []int
		wantWaits  []time.Duration
		wantSends  int
		wantFailed bool
		wantChecks []string // check IDs of the violations, in order
	}{
		{name: "429s retried after Retry-After", profile: "demo", steps: 7, expect: 200,
			opts:      Options{MaxRetries: 3, MaxRetryWait: 30 * time.Second},
			wantFinal: ok7, wantWaits: []time.Duration{10 * time.Second, 10 * time.Second}, wantSends: 9},
		{name: "without retries the suite's own 429 is a false failure", profile: "demo", steps: 7, expect: 200,
			opts:      Options{},
			wantFinal: []int{200, 200, 200, 429, 429, 429, 429}, wantSends: 7, wantFailed: true,
			wantChecks: []string{"status-expected", "status-expected", "status-expected", "status-expected"}},
		{name: "a wait over MaxRetryWait is not taken", profile: "demo", steps: 4, expect: 200,
			opts:      Options{MaxRetries: 3, MaxRetryWait: 5 * time.Second},
			wantFinal: []int{200, 200, 200, 429}, wantSends: 4, wantFailed: true, wantChecks: []string{"status-expected"}},
		{name: "an always-spent credential is retried MaxRetries times", profile: "ratelimited", steps: 1, expect: 200,
			opts:      Options{MaxRetries: 2, MaxRetryWait: time.Minute},
			wantFinal: []int{429}, wantWaits: []time.Duration{time.Minute, time.Minute}, wantSends: 3, wantFailed: true,
			wantChecks: []string{"status-expected"}},
		{name: "a step that expects 429 sees it, unretried", profile: "ratelimited", steps: 1, expect: 429,
			opts:      Options{MaxRetries: 3, MaxRetryWait: time.Minute},
			wantFinal: []int{429}, wantSends: 1},
		{name: "X-RateLimit-Reset when Retry-After is missing", profile: "demo", steps: 4, expect: 200,
			opts: Options{MaxRetries: 3, MaxRetryWait: 30 * time.Second}, faults: []string{"missing-retry-after"},
			wantFinal: []int{200, 200, 200, 200}, wantWaits: []time.Duration{10 * time.Second}, wantSends: 5, wantFailed: true,
			// the retried 429 is still held to the contract: the fault shows, nothing else
			wantChecks: []string{"header-present"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			target := rateLimitedMock(t, clock, 3, 10, tt.faults...)
			tt.opts.Sleep = clock.Sleep
			start := time.Now()
			out := Execute(context.Background(), target, readsScenario(t, tt.steps, tt.profile, tt.expect), nil, tt.opts)
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("the run took %v of real time: a wait was not on the fake clock", took)
			}
			if out.Err() != nil {
				t.Fatal(out.Err())
			}
			if got := finalStatuses(out); fmt.Sprint(got) != fmt.Sprint(tt.wantFinal) {
				t.Errorf("final statuses %v, want %v", got, tt.wantFinal)
			}
			if got := clock.Waits(); fmt.Sprint(got) != fmt.Sprint(tt.wantWaits) && len(got)+len(tt.wantWaits) > 0 {
				t.Errorf("waited %v, want %v", got, tt.wantWaits)
			}
			if got := exchanges(out); got != tt.wantSends {
				t.Errorf("sent %d requests, want %d", got, tt.wantSends)
			}
			if out.Failed() != tt.wantFailed {
				t.Errorf("failed = %v, want %v: %v", out.Failed(), tt.wantFailed, out.Violations())
			}
			var errs []runner.Violation
			for _, v := range out.Violations() {
				if v.Severity == runner.SeverityError {
					errs = append(errs, v)
				}
			}
			if got := checkIDs(errs); strings.Join(got, ",") != strings.Join(tt.wantChecks, ",") {
				t.Errorf("violations %v, want %v:\n%v", got, tt.wantChecks, errs)
			}
		})
	}
}

// TestRateCapKeepsRunsUnderTheMockLimit: demo-key may send 5 requests per second. Twelve reads
// without retries: unpaced, the sixth is a 429; paced at 5 per second (--rate 5) every read
// succeeds, and the run's twelve requests span exactly 11 intervals of 200 ms of the clock; paced
// above the limit, the 429 comes back.
func TestRateCapKeepsRunsUnderTheMockLimit(t *testing.T) {
	tests := []struct {
		name       string
		rate       float64
		want429    bool
		wantElapse time.Duration
	}{
		{name: "unpaced", rate: 0, want429: true},
		{name: "paced at the limit", rate: 5, wantElapse: 11 * 200 * time.Millisecond},
		{name: "paced above the limit", rate: 10, want429: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			target := rateLimitedMock(t, clock, 5, 1)
			pacer := NewPacer(tt.rate)
			if pacer != nil {
				pacer.now, pacer.sleep = clock.Now, clock.Sleep
			}
			begin := clock.Now()
			out := Execute(context.Background(), target, readsScenario(t, 12, "demo", 200), nil, Options{Pacer: pacer})
			if out.Err() != nil {
				t.Fatal(out.Err())
			}
			saw429 := false
			for _, s := range finalStatuses(out) {
				saw429 = saw429 || s == 429
			}
			if saw429 != tt.want429 || out.Failed() != tt.want429 {
				t.Errorf("saw a 429: %v, failed: %v; want %v: %v", saw429, out.Failed(), tt.want429, finalStatuses(out))
			}
			if tt.wantElapse > 0 {
				if got := clock.Now().Sub(begin); got != tt.wantElapse {
					t.Errorf("the paced run spans %v of the clock, want %v", got, tt.wantElapse)
				}
			}
		})
	}
}

// TestRetryWaitIsAlwaysBounded: whatever a hostile 429 asks for, one wait is at most
// MaxRetryWait (DefaultMaxRetryWait when unset); a request for longer, or one that would
// overflow a Duration, is not retried; an unusable value waits one second.
func TestRetryWaitIsAlwaysBounded(t *testing.T) {
	tests := []struct {
		retryAfter, reset string
		maxWait           time.Duration
		want              time.Duration
		retry             bool
	}{
		{retryAfter: "7", want: 7 * time.Second, retry: true},
		{retryAfter: "3153600000", retry: false},                                             // a century, no MaxRetryWait set
		{retryAfter: "9223372037", maxWait: time.Hour, retry: false},                         // overflows a Duration
		{retryAfter: "99999999999999999999", reset: "4", want: 4 * time.Second, retry: true}, // not an int: X-RateLimit-Reset
		{retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", want: time.Second, retry: true},
		{retryAfter: "-5", want: time.Second, retry: true},
		{reset: "1999999999", maxWait: time.Minute, retry: false}, // an epoch where seconds belong
		{retryAfter: "45", maxWait: time.Minute, want: 45 * time.Second, retry: true},
		{retryAfter: "61", maxWait: time.Minute, retry: false},
	}
	for _, tt := range tests {
		h := make(map[string][]string)
		if tt.retryAfter != "" {
			h["Retry-After"] = []string{tt.retryAfter}
		}
		if tt.reset != "" {
			h["X-Ratelimit-Reset"] = []string{tt.reset}
		}
		ex := &runner.Exchange{Response: &runner.RecordedResponse{Status: 429, Header: h}}
		got, retry := retryAfter(ex, 204, 0, Options{MaxRetries: 1, MaxRetryWait: tt.maxWait})
		if retry != tt.retry || (retry && got != tt.want) {
			t.Errorf("Retry-After %q, X-RateLimit-Reset %q, MaxRetryWait %v: wait %v retry %v, want %v %v", tt.retryAfter, tt.reset, tt.maxWait, got, retry, tt.want, tt.retry)
		}
		if retry && got > DefaultMaxRetryWait && tt.maxWait == 0 {
			t.Errorf("an unbounded wait of %v", got)
		}
	}
}
