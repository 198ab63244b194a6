package report

import (
	"strings"
	"testing"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

func summaryOf(t *testing.T, r *run.Result) string {
	t.Helper()
	var b strings.Builder
	if err := WriteSummaryMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestSummaryMarkdown: the verdict comes first; a conformant run says there is no violation;
// text from a server cannot break a table row or add a line; the failures are capped.
func TestSummaryMarkdown(t *testing.T) {
	if got := summaryOf(t, noResponseRunResult()); !strings.HasPrefix(got, "## apiconform: could not run (exit 2)\n") || !strings.Contains(got, "No violation.") {
		t.Errorf("no response:\n%s", got)
	}
	hostile := summaryOf(t, hostileRunResult())
	for _, line := range strings.Split(hostile, "\n") {
		if strings.HasPrefix(line, "| ") && !strings.HasSuffix(line, " |") {
			t.Errorf("a table row was broken: %q", line)
		}
		if strings.Contains(line, "\x1b") || strings.Contains(line, "\x00") {
			t.Errorf("a control character came through: %q", line)
		}
	}
	many := &run.Result{Verdict: run.BrokeContract, ExitCode: 1, APIs: []run.APIResult{{API: "confluent"}}}
	var vs []runner.Violation
	for range 30 {
		vs = append(vs, runner.Violation{Check: "status-expected", Severity: runner.SeverityError, Method: "GET", Path: "/x", Status: 500, Message: "m"})
	}
	many.APIs[0].Scenarios = []run.ScenarioResult{{Name: "s", Outcome: run.Failed, Steps: []run.StepResult{{Violations: vs}}}}
	got := summaryOf(t, many)
	if !strings.Contains(got, "### Failures (30)") || !strings.Contains(got, "- ... and 10 more: see report.html and violations.json") ||
		!strings.Contains(got, "| `status-expected` | error | 30 |") {
		t.Errorf("capped failures:\n%s", got)
	}
}
