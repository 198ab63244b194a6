package scenario

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/apiconform/apiconform/runner"
	"github.com/tidwall/gjson"
)

// Target is one API served at one base URL, with what is needed to run its scenarios.
type Target struct {
	Runner *runner.Runner
	// Profiles are the file's credential profiles, resolved (see ResolveProfiles).
	Profiles map[string]*runner.Credential
}

// Options tune execution. The zero value sends every request at once, retries nothing.
type Options struct {
	// Pacer spaces requests (--rate); nil sends them as fast as they come.
	Pacer *Pacer
	// MaxRetries is how often a 429 the step does not expect is retried, after waiting what
	// Retry-After (or X-RateLimit-Reset) says.
	MaxRetries int
	// MaxRetryWait bounds one wait; a server asking for longer is not retried. 0 means
	// DefaultMaxRetryWait: a wait is never unbounded, whatever the server asks for.
	MaxRetryWait time.Duration
	// DryRun, when not nil, receives every request the scenario would send; nothing is sent.
	DryRun io.Writer
	// ContractOnly says the run does not hold responses to the steps' expectations: a step, not
	// the last, whose status is not the one it expects then ends the scenario (it could not go
	// on) instead of failing it through status-expected.
	ContractOnly bool
	// Sleep waits (tests replace it); nil uses a timer that honours the context.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultMaxRetryWait bounds one 429 wait when Options.MaxRetryWait is 0.
const DefaultMaxRetryWait = 30 * time.Second

// StepResult is the outcome of one step.
type StepResult struct {
	Step *Step
	// Exchanges holds every request the step sent: the last is the one held to the step's
	// expectation; earlier ones are 429s that were retried (held to the contract only).
	Exchanges  []*runner.Exchange
	Violations []runner.Violation
	// Err says why the step could not run or could not save a value (not a contract finding).
	Err error
}

// Outcome is the result of a scenario.
type Outcome struct {
	Scenario *Scenario
	Steps    []StepResult
}

// Violations returns every violation of every step, in order.
func (o *Outcome) Violations() []runner.Violation {
	var out []runner.Violation
	for _, s := range o.Steps {
		out = append(out, s.Violations...)
	}
	return out
}

// Err returns the first step error (the scenario could not run to its end), or nil.
func (o *Outcome) Err() error {
	for i, s := range o.Steps {
		if s.Err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.Step.describe(), s.Err)
		}
	}
	return nil
}

// Failed reports whether the scenario has an error-severity violation or could not run.
func (o *Outcome) Failed() bool {
	return o.Err() != nil || runner.HasErrors(o.Violations())
}

func (st *Step) describe() string {
	if st.Name != "" {
		return st.Name
	}
	return st.Operation
}

// Execute runs the scenario's steps in order against t. The scenario ends early, with the step's
// Err saying why it could not go on, when a step's request cannot be built or may not be sent
// (*runner.RefusedError), when its save finds nothing, or, with Options.ContractOnly, when a step
// that is not the last answers another status than it expects (*StatusHaltError: the next steps
// need the state it was to set up). Contract violations alone do not end it.
func Execute(ctx context.Context, t *Target, sc *Scenario, vars map[string]string, opts Options) *Outcome {
	out := &Outcome{Scenario: sc}
	env := map[string]string{"run_id": runID()}
	for k, v := range vars {
		env[k] = v
	}
	for i, st := range sc.Steps {
		res := executeStep(ctx, t, st, i, i == len(sc.Steps)-1, env, opts)
		out.Steps = append(out.Steps, res)
		if res.Err != nil {
			break
		}
	}
	return out
}

// StatusHaltError ends a scenario whose step, not the last, answered another status than the
// one it expects: the later steps would act on state that was never set up.
type StatusHaltError struct {
	Got, Want int
}

func (e *StatusHaltError) Error() string {
	return fmt.Sprintf("answered %d, not the %d the next steps need", e.Got, e.Want)
}

func executeStep(ctx context.Context, t *Target, st *Step, index int, last bool, env map[string]string, opts Options) StepResult {
	res := StepResult{Step: st}
	req, expect, err := buildRequest(t, st, env)
	if err != nil {
		res.Err = err
		return res
	}
	r := t.Runner
	if opts.DryRun != nil {
		rec, err := r.Client.Prepare(r.Base, req)
		if err != nil {
			res.Err = err
			return res
		}
		printDryRun(opts.DryRun, index, st, rec)
		for name := range st.Save {
			env[name] = fmt.Sprintf("<%s from step %d>", name, index+1)
		}
		return res
	}
	res.Exchanges, err = Send(ctx, r, req, expect.Status, opts)
	for i, ex := range res.Exchanges {
		if i < len(res.Exchanges)-1 {
			// A retried 429 is still held to the contract, not to the step's expectation.
			res.Violations = append(res.Violations, r.Checker.Check(req.Op, ex, nil)...)
			continue
		}
		res.Violations = append(res.Violations, r.Checker.Check(req.Op, ex, expect)...)
	}
	if err != nil {
		res.Err = err
		return res
	}
	ex := res.Exchanges[len(res.Exchanges)-1]
	if want := st.Expect.Status; opts.ContractOnly && !last && want != 0 && ex.Response != nil && ex.Status() != want {
		res.Err = &StatusHaltError{Got: ex.Status(), Want: want}
		return res
	}
	res.Err = save(st, ex, env)
	return res
}

// Send sends req through r's client, paced by opts.Pacer, and retries a 429 (when expectStatus is
// not 429) as Options say: after Retry-After or X-RateLimit-Reset, at most MaxRetries times, never
// waiting longer than MaxRetryWait. It returns every exchange, the retried 429s first, and an
// error when a request could not be sent (it cannot be built, the guard refuses it, the context
// ended); the exchanges before the error are returned too. Nothing is checked here.
func Send(ctx context.Context, r *runner.Runner, req runner.Request, expectStatus int, opts Options) ([]*runner.Exchange, error) {
	var out []*runner.Exchange
	for attempt := 0; ; attempt++ {
		if err := opts.Pacer.Wait(ctx); err != nil {
			return out, err
		}
		ex, err := r.Client.Do(ctx, r.Base, req)
		if err != nil {
			return out, err
		}
		out = append(out, ex)
		wait, retry := retryAfter(ex, expectStatus, attempt, opts)
		if !retry {
			return out, nil
		}
		if err := sleep(ctx, opts, wait); err != nil {
			return out, err
		}
	}
}

// retryAfter decides whether an unexpected 429 is retried, and after how long.
func retryAfter(ex *runner.Exchange, expectStatus int, attempt int, opts Options) (time.Duration, bool) {
	if ex.Status() != http.StatusTooManyRequests || expectStatus == http.StatusTooManyRequests || attempt >= opts.MaxRetries {
		return 0, false
	}
	h := ex.Response.Header
	secs, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil {
		secs, err = strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Reset")))
	}
	if err != nil || secs < 0 {
		secs = 1
	}
	limit := opts.MaxRetryWait
	if limit <= 0 {
		limit = DefaultMaxRetryWait
	}
	// Compared in seconds first: a huge value would overflow a Duration into a short wait.
	if int64(secs) > int64(limit/time.Second)+1 {
		return 0, false
	}
	wait := time.Duration(secs) * time.Second
	if wait > limit {
		return 0, false
	}
	return wait, true
}

func sleep(ctx context.Context, opts Options, d time.Duration) error {
	if opts.Sleep != nil {
		return opts.Sleep(ctx, d)
	}
	return sleepContext(ctx, d)
}

// sleepContext waits d, or until the context ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// buildRequest interpolates the step's variables and compiles its expectation.
func buildRequest(t *Target, st *Step, env map[string]string) (runner.Request, *runner.Expectation, error) {
	op := t.Runner.API.Operation(st.Operation)
	if op == nil {
		return runner.Request{}, nil, fmt.Errorf("unknown operation %q", st.Operation)
	}
	var firstErr error
	sub := func(s string) string {
		out, err := interpolate(s, env)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return out
	}
	req := runner.Request{Op: op, PathParams: map[string]string{}, ContentType: st.ContentType}
	for k, v := range st.Params {
		req.PathParams[k] = sub(v)
	}
	if len(st.Query) > 0 {
		req.Query = url.Values{}
		for k, v := range st.Query {
			req.Query.Set(k, sub(v))
		}
	}
	if len(st.Headers) > 0 {
		req.Header = http.Header{}
		for k, v := range st.Headers {
			req.Header.Set(k, sub(v))
		}
	}
	switch {
	case st.RawBody != "":
		req.Body = []byte(sub(st.RawBody))
	case st.Body != nil:
		b, err := json.Marshal(mapStrings(st.Body, sub))
		if err != nil {
			return req, nil, fmt.Errorf("body cannot be sent as JSON: %w", err)
		}
		req.Body = b
	}
	if st.Credentials != NoCredentials {
		cred := t.Profiles[st.Credentials]
		if cred == nil {
			return req, nil, fmt.Errorf("credentials profile %q is not resolved", st.Credentials)
		}
		req.Credential = cred
	}
	expect := &runner.Expectation{Status: st.Expect.Status, Headers: st.Expect.Headers}
	for i, text := range st.Expect.Body {
		if i < len(st.assertions) && st.assertions[i] != nil {
			expect.Body = append(expect.Body, *st.assertions[i])
			continue
		}
		a, err := runner.ParseAssertion(sub(text))
		if err != nil {
			return req, nil, err
		}
		expect.Body = append(expect.Body, a)
	}
	return req, expect, firstErr
}

// interpolate replaces ${name} with its value; an unset name is an error.
func interpolate(s string, env map[string]string) (string, error) {
	var missing []string
	out := varRef.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		v, ok := env[name]
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return out, fmt.Errorf("variable(s) %s are not set", strings.Join(missing, ", "))
	}
	return out, nil
}

// mapStrings copies a decoded YAML value, passing every string (and key) through fn.
func mapStrings(v any, fn func(string) string) any {
	switch x := v.(type) {
	case string:
		return fn(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = mapStrings(e, fn)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fn(k)] = mapStrings(e, fn)
		}
		return out
	}
	return v
}

// save stores the step's saved values into env.
func save(st *Step, ex *runner.Exchange, env map[string]string) error {
	if len(st.Save) == 0 {
		return nil
	}
	if ex.Response == nil {
		return fmt.Errorf("no response to save %s from", strings.Join(keys(st.Save), ", "))
	}
	for name, from := range st.Save {
		if h, ok := strings.CutPrefix(from, "header:"); ok {
			v := ex.Response.Header.Get(h)
			if v == "" {
				return fmt.Errorf("save.%s: the response has no header %s", name, h)
			}
			env[name] = v
			continue
		}
		got := gjson.GetBytes(ex.Response.Body, from)
		if !got.Exists() {
			return fmt.Errorf("save.%s: the response body has nothing at %q (status %d)", name, from, ex.Status())
		}
		env[name] = got.String()
	}
	return nil
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// printDryRun writes what a step would send.
func printDryRun(w io.Writer, index int, st *Step, rec runner.RecordedRequest) {
	var b strings.Builder
	fmt.Fprintf(&b, "step %d (%s): %s %s\n", index+1, st.describe(), rec.Method, rec.URL)
	for _, k := range sortedHeaderKeys(rec.Header) {
		for _, v := range rec.Header[k] {
			fmt.Fprintf(&b, "    %s: %s\n", k, v)
		}
	}
	if len(rec.Body) > 0 {
		fmt.Fprintf(&b, "    body: %s\n", rec.Body)
	}
	_, _ = io.WriteString(w, b.String())
}

func sortedHeaderKeys(h http.Header) []string {
	out := make([]string, 0, len(h))
	for k := range h {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// runID returns 10 random lowercase letters and digits.
func runID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
