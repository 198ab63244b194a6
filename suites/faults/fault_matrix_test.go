package faults

import (
	"context"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
	"github.com/apiconform/apiconform/specs"
)

// runAll runs every scenario of both APIs against a fresh mock with the given faults and
// returns every violation (warnings included) and every step error.
func runAll(t *testing.T, faults []string, opts runner.CheckOptions) ([]runner.Violation, []error) {
	t.Helper()
	state, err := mock.DefaultState()
	if err != nil {
		t.Fatal(err)
	}
	handler, err := mock.New(state, mock.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	var violations []runner.Violation
	var errs []error
	for _, name := range specs.Names() {
		doc, err := specs.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		api, err := runner.NewAPI(name, doc)
		if err != nil {
			t.Fatal(err)
		}
		data, path, err := fixtures.Read(name + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		file, err := scenario.Load(data, path, api)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := scenario.ResolveProfiles(file, func(string) string { return "" }, true)
		if err != nil {
			t.Fatal(err)
		}
		profiles, secrets := creds.Profiles, creds.Secrets
		client, err := runner.NewClient(runner.ClientOptions{})
		if err != nil {
			t.Fatal(err)
		}
		target := &scenario.Target{
			Runner:   &runner.Runner{API: api, Client: client, Base: base, Checker: runner.NewChecker(runner.All(), opts, runner.NewRedactor(secrets...))},
			Profiles: profiles,
		}
		for _, sc := range file.Scenarios {
			out := scenario.Execute(context.Background(), target, sc, file.Variables, scenario.Options{})
			violations = append(violations, out.Violations()...)
			if err := out.Err(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return violations, errs
}

func TestNoFaultNoViolations(t *testing.T) {
	violations, errs := runAll(t, nil, runner.CheckOptions{})
	for _, v := range violations {
		t.Errorf("conformant mock: %s", v)
	}
	for _, err := range errs {
		t.Errorf("conformant mock: %v", err)
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
			violations, _ := runAll(t, []string{f.ID}, runner.CheckOptions{})
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
			c, _ := runner.Lookup(f.Check)
			if c.Severity == runner.SeverityError && !failed {
				t.Errorf("fault %s: the run did not fail", f.ID)
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
				violations, _ := runAll(t, []string{f.ID}, runner.CheckOptions{Strict: strict})
				if got := runner.HasErrors(violations); got != strict {
					t.Errorf("strict=%v: run failed=%v; violations:\n%v", strict, got, violations)
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
