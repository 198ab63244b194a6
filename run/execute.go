package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
)

// Run executes every planned scenario, API by API in file order, and returns the Result. Skipped
// scenarios send nothing. A cancelled ctx ends the run: the scenarios it did not reach are not
// run, with the reason.
func (s *Session) Run(ctx context.Context) *Result {
	var results []ScenarioResult
	for _, p := range s.Plan() {
		r := s.Execute(ctx, p)
		results = append(results, r)
		if s.cfg.OnScenario != nil {
			s.cfg.OnScenario(r)
		}
	}
	return s.Result(results)
}

// Execute runs one planned scenario and says how it went. It is safe to call from several
// goroutines, for different scenarios.
func (s *Session) Execute(ctx context.Context, p *Planned) ScenarioResult {
	sc := p.Scenario
	r := ScenarioResult{API: p.API, Name: sc.Name, File: sc.File, Line: sc.Line, Labels: p.Labels}
	if p.Skip != "" {
		r.Outcome, r.Reason = Skipped, p.Skip
		return r
	}
	if err := ctx.Err(); err != nil {
		s.interrupted.Store(true)
		r.Outcome, r.Reason = NotRun, "the run was interrupted before this scenario ("+err.Error()+")"
		return r
	}
	opts := scenario.Options{Pacer: s.pacer, MaxRetries: s.cfg.MaxRetries, MaxRetryWait: s.cfg.MaxRetryWait, ContractOnly: s.cfg.ContractOnly}
	if opts.MaxRetryWait == 0 {
		opts.MaxRetryWait = DefaultMaxRetryWait
	}
	var dry strings.Builder
	if s.cfg.DryRun {
		opts.DryRun = &dry
	}
	start := time.Now()
	out := scenario.Execute(ctx, p.run.target, sc, p.run.vars, opts)
	r.Duration = time.Since(start)
	for _, st := range out.Steps {
		step := StepResult{Name: st.Step.Name, Operation: st.Step.Operation, Exchanges: st.Exchanges, Violations: st.Violations}
		if st.Err != nil {
			step.Error = s.redactor.String(st.Err.Error())
		}
		r.Steps = append(r.Steps, step)
	}
	err := out.Err()
	if err != nil {
		r.Reason = s.redactor.String(err.Error())
	}
	if ctx.Err() != nil && !s.cfg.DryRun {
		s.interrupted.Store(true)
		// Interrupted: the exchange in flight was cut by the run, not by the target, and says
		// nothing about the contract.
		if n := len(r.Steps); n > 0 {
			last := &r.Steps[n-1]
			if k := len(last.Exchanges); k > 0 && last.Exchanges[k-1].Err != nil {
				last.Violations = nil
			}
		}
		if !runner.HasErrors(r.Violations()) {
			r.Outcome, r.Reason = NotRun, "the run was interrupted ("+ctx.Err().Error()+")"
			return r
		}
	}
	var refused *runner.RefusedError
	switch {
	case s.cfg.DryRun:
		r.DryRun = dry.String()
		if err != nil {
			r.Outcome = Failed // a dry run fails only when a request cannot be built
		} else {
			r.Outcome, r.Reason = NotRun, "dry run: nothing was sent"
		}
	case runner.HasErrors(out.Violations()):
		r.Outcome = Failed
		if err != nil {
			r.Reason = "could not go on: " + r.Reason
		}
	case err == nil:
		r.Outcome = Passed
	case errors.As(err, &refused), ctx.Err() != nil, s.cfg.ContractOnly:
		// Every response conformed; the scenario could not go on.
		r.Outcome = NotRun
	default:
		// With expectations on, a scenario that cannot go on where it expects to fails.
		r.Outcome = Failed
		r.Reason = "could not go on: " + r.Reason
	}
	return r
}

// Check checks one exchange observed elsewhere (proxied or recorded traffic) against the
// operation of whichever API describes its request, with the request, contract and drift checks
// (never a scenario's expectation), and counts it for the Result: coverage, drift, the first
// failing exchanges in full. An exchange no operation describes gets no violation and is counted
// as outside the specs (Result.Unmatched). Safe for concurrent use; memory stays bounded.
func (s *Session) Check(ex *runner.Exchange) []runner.Violation {
	u, err := url.Parse(ex.Request.URL)
	if err != nil || ex.Request.URL == "" {
		u = &url.URL{Path: ex.Request.Path}
	}
	for _, a := range s.apis {
		op, params, ok := s.route(a, ex.Request.Method, u)
		if !ok {
			continue
		}
		ex.OperationID = op.ID
		vs := a.checker.CheckObserved(op, params, ex)
		s.traffic.mu.Lock()
		s.traffic.byAPI[a.name].add(op, ex, vs)
		s.traffic.mu.Unlock()
		return vs
	}
	s.traffic.mu.Lock()
	s.traffic.unmatched.add(ex.Request.Method, ex.Request.URL)
	s.traffic.mu.Unlock()
	return nil
}

// route finds the operation of a an observed request is for: its path without the base path
// (Config.BasePath, else the target's), matched by method and path alone (the spec's servers
// are ignored).
func (s *Session) route(a *apiRun, method string, u *url.URL) (*runner.Operation, map[string]string, bool) {
	path := u.EscapedPath()
	prefix := s.cfg.BasePath
	if prefix == "" && a.base != nil {
		prefix = a.base.EscapedPath()
	}
	if prefix = strings.TrimSuffix(prefix, "/"); prefix != "" {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok || (rest != "" && rest[0] != '/') {
			return nil, nil, false
		}
		path = rest
	}
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, nil, false
	}
	op, params, err := a.api.FindOperation(method, unescaped)
	return op, params, err == nil
}

// Result assembles the Result of the given scenario results (from Execute, in any order and
// from any process of the run) and of every exchange checked with Check: outcomes counted,
// coverage, live drift, the verdict and its exit code.
func (s *Session) Result(results []ScenarioResult) *Result {
	r := &Result{
		Started:  s.started,
		Duration: time.Since(s.started),
		Mode: Mode{ContractOnly: s.cfg.ContractOnly, Strict: s.cfg.Strict, Lenient: s.cfg.Lenient, DryRun: s.cfg.DryRun,
			AllowDestructive: s.cfg.AllowDestructive, Insecure: s.cfg.Insecure, Labels: s.cfg.Labels, Traffic: s.cfg.CheckOnly},
		Notices:     s.Notices(),
		Interrupted: s.interrupted.Load(),
	}
	byAPI := map[string][]ScenarioResult{}
	for _, sr := range results {
		byAPI[sr.API] = append(byAPI[sr.API], sr)
	}
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	r.Unmatched = s.traffic.unmatched.snapshot()
	for _, a := range s.apis {
		ar := s.apiHeader(a)
		ar.Scenarios = byAPI[a.name]
		sort.SliceStable(ar.Scenarios, func(i, j int) bool { return ar.Scenarios[i].Line < ar.Scenarios[j].Line })
		cov, drift := newCoverageAcc(), newDriftAcc()
		for _, sc := range ar.Scenarios {
			for _, st := range sc.Steps {
				for _, ex := range st.Exchanges {
					cov.add(a.api.Operation(ex.OperationID), ex)
				}
			}
			drift.add(sc.Name, sc.Violations())
		}
		if acc := s.traffic.byAPI[a.name]; acc != nil {
			ar.Observed = acc.snapshot()
			cov.merge(acc.coverage)
			drift.merge(acc.drift)
		}
		if g := s.traffic.generated[a.name]; g != nil {
			ar.Generated, ar.generatedResponses = g.exchanges, g.responses
			cov.merge(g.coverage)
			drift.merge(g.drift)
		}
		ar.Coverage, ar.Drift = cov.build(a.api), drift.build()
		r.APIs = append(r.APIs, ar)
	}
	r.finish()
	return r
}

// decodeSmallJSON decodes at most 64 KiB of a response body into v.
func decodeSmallJSON(resp *http.Response, v any) error {
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(v); err != nil {
		return fmt.Errorf("not the JSON expected: %w", err)
	}
	return nil
}
