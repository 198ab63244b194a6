package faults

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/probe"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// runAll runs every scenario of both APIs against the embedded mock with the given faults, through
// the run layer as every driver does, and returns the Result.
func runAll(t *testing.T, faults []string, cfg run.Config) *run.Result {
	t.Helper()
	cfg.MockFaults = faults
	cfg.Getenv = func(string) string { return "" } // no target, no credentials from this shell
	s, err := run.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return s.Run(context.Background())
}

// probeAll probes both APIs (apiconform probe) against the embedded mock with the fault, with a
// fixed seed and a rate limit the probe's requests stay under, and returns the Result.
func probeAll(t *testing.T, fault string) *run.Result {
	t.Helper()
	state, err := mock.DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	state.Confluent.RateLimit = mock.RateLimit{Limit: 1_000_000, WindowSeconds: 60}
	s, err := run.Open(run.Config{MockFaults: []string{fault}, MockState: state, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	targets := s.ProbeTargets()
	known := map[string]map[string][]string{}
	for _, tg := range targets {
		known[tg.Name] = probe.KnownValues(tg.File, tg.Vars)
	}
	rep, err := probe.Run(context.Background(), targets, probe.Options{MaxExamples: 100, Seed: 20261201, Known: known})
	if err != nil {
		t.Fatal(err)
	}
	return s.Result(rep.Results)
}

func TestNoFaultNoViolations(t *testing.T) {
	res := runAll(t, nil, run.Config{})
	for _, v := range res.Violations() {
		t.Errorf("conformant mock: %s", v)
	}
	for _, a := range res.APIs {
		for _, s := range a.Scenarios {
			if s.Outcome != run.Passed {
				t.Errorf("conformant mock: %s: %s %s", s.Name, s.Outcome, s.Reason)
			}
		}
	}
	if res.Verdict != run.Conformant || res.ExitCode != 0 {
		t.Errorf("verdict %s, exit %d", res.Verdict, res.ExitCode)
	}
}

func TestFaultMatrix(t *testing.T) {
	if len(mock.Faults()) == 0 {
		t.Fatal("the mock has no faults")
	}
	for _, f := range mock.Faults() {
		t.Run(f.ID, func(t *testing.T) {
			if _, ok := runner.Lookup(f.Check); !ok {
				t.Fatalf("fault %s maps to unknown check %q", f.ID, f.Check)
			}
			c, _ := runner.Lookup(f.Check)
			var res *run.Result
			if c.Scope == runner.ScopeProbe {
				res = probeAll(t, f.ID) // no scenario sends such a request: generated ones do
			} else {
				res = runAll(t, []string{f.ID}, run.Config{})
			}
			violations := res.Violations()
			fired := map[string]int{}
			failed := false
			for _, v := range violations {
				fired[v.Check]++
				if v.Severity == runner.SeverityError {
					failed = true
				}
			}
			if fired[f.Check] == 0 {
				t.Errorf("fault %s: check %s did not fire; fired: %s", f.ID, f.Check, summary(fired))
			}
			if c.Severity == runner.SeverityError && (!failed || res.ExitCode != run.ExitViolations) {
				t.Errorf("fault %s: the run did not fail: verdict %s, exit %d", f.ID, res.Verdict, res.ExitCode)
			}
		})
	}
}

// TestDriftFailsOnlyWhenStrict: a drift-only fault is reported as a warning, and fails the run
// only in strict mode.
func TestDriftFailsOnlyWhenStrict(t *testing.T) {
	for _, f := range mock.Faults() {
		c, ok := runner.Lookup(f.Check)
		if !ok || c.Scope != runner.ScopeDrift {
			continue
		}
		t.Run(f.ID, func(t *testing.T) {
			for _, strict := range []bool{false, true} {
				res := runAll(t, []string{f.ID}, run.Config{Strict: strict})
				if got := res.ExitCode == run.ExitViolations; got != strict {
					t.Errorf("strict=%v: run failed=%v (%s); violations:\n%v", strict, got, res.Verdict, res.Violations())
				}
			}
		})
	}
}

func summary(fired map[string]int) string {
	var parts []string
	for k, n := range fired {
		parts = append(parts, k+"x"+strconv.Itoa(n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
