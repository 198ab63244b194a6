package report

import (
	"testing"

	"github.com/apiconform/apiconform/run"
)

// TestConformantVerdictSaysWhatDidNotRun: a conformant run that skipped or could not run some
// scenarios says how many in its verdict line; one that ran them all, or ran no scenario at all
// (recorded traffic), says nothing more.
func TestConformantVerdictSaysWhatDidNotRun(t *testing.T) {
	for _, tt := range []struct {
		counts run.Counts
		want   string
	}{
		{run.Counts{Passed: 5}, "verdict: conformant (exit 0)"},
		{run.Counts{}, "verdict: conformant (exit 0)"},
		{run.Counts{Passed: 1, Skipped: 4}, "verdict: conformant (exit 0); 1 of 5 scenario(s) passed, 4 skipped (reasons above)"},
		{run.Counts{Passed: 21, NotRun: 2}, "verdict: conformant (exit 0); 21 of 23 scenario(s) passed, 2 not run (reasons above)"},
		{run.Counts{Passed: 3, Skipped: 1, NotRun: 1}, "verdict: conformant (exit 0); 3 of 5 scenario(s) passed, 1 skipped, 1 not run (reasons above)"},
	} {
		r := &run.Result{Verdict: run.Conformant, APIs: []run.APIResult{{API: "a", Counts: tt.counts}}}
		if got := VerdictLine(r, TextOptions{}); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.counts, got, tt.want)
		}
	}
}
