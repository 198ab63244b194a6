package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// SummaryFile is the run summed up in Markdown, for a CI job summary or a pull request comment
// (WriteSummaryMarkdown).
const SummaryFile = "summary.md"

// maxSummaryFailures bounds the failures the summary lists one by one.
const maxSummaryFailures = 20

// maxSummaryDrift bounds the drift observations the summary lists per API.
const maxSummaryDrift = 10

// WriteSummaryMarkdown writes what a reviewer reads first: the verdict and exit code, the
// outcomes per API, the violations by check, the first failures, the coverage per operation and
// the live drift. Everything from a server is escaped for Markdown.
func WriteSummaryMarkdown(w io.Writer, r *run.Result) error {
	var b strings.Builder
	verdict := string(r.Verdict)
	if verdict == "" {
		verdict = "no verdict"
	}
	fmt.Fprintf(&b, "## apiconform: %s (exit %d)\n\n", mdOneLine(verdict), r.ExitCode)
	if r.Problem != "" {
		fmt.Fprintf(&b, "%s\n\n", mdOneLine(r.Problem))
	}
	if len(r.APIs) > 0 {
		b.WriteString("| API | target | spec | passed | failed | not run | skipped | observed | failing |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, a := range r.APIs {
			observed, failing := 0, 0
			if a.Observed != nil {
				observed, failing = a.Observed.Exchanges, a.Observed.Failed
			}
			c := a.Counts
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d | %d |\n", mdTableCell(a.API), mdTableCell(a.Target),
				mdTableCell(a.Spec.Title+" "+a.Spec.Version), c.Passed, c.Failed, c.NotRun, c.Skipped, observed, failing)
		}
		b.WriteString("\n")
	}
	summarizeByCheck(&b, r)
	summarizeFailures(&b, r)
	summarizeCoverage(&b, r)
	summarizeDrift(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

func summarizeByCheck(b *strings.Builder, r *run.Result) {
	type row struct {
		check string
		sev   runner.Severity
		n     int
	}
	counts := map[string]*row{}
	for _, v := range r.Violations() {
		k := v.Check + "\x00" + string(v.Severity)
		if counts[k] == nil {
			counts[k] = &row{check: v.Check, sev: v.Severity}
		}
		counts[k].n++
	}
	if len(counts) == 0 {
		b.WriteString("No violation.\n\n")
		return
	}
	rows := make([]*row, 0, len(counts))
	for _, x := range counts {
		rows = append(rows, x)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].n != rows[j].n {
			return rows[i].n > rows[j].n
		}
		return rows[i].check < rows[j].check
	})
	b.WriteString("### Violations by check\n\n| check | severity | count | what it holds the response to |\n| --- | --- | --- | --- |\n")
	for _, x := range rows {
		doc := ""
		if c, ok := runner.Lookup(x.check); ok {
			doc = c.Doc
		}
		fmt.Fprintf(b, "| %s | %s | %d | %s |\n", mdTableCell(x.check), x.sev, x.n, mdOneLine(doc))
	}
	b.WriteString("\n")
}

func summarizeFailures(b *strings.Builder, r *run.Result) {
	var lines []string
	for _, a := range r.APIs {
		for _, s := range a.Scenarios {
			if s.Outcome != run.Failed {
				continue
			}
			for _, v := range s.Violations() {
				if v.Severity == runner.SeverityError {
					lines = append(lines, fmt.Sprintf("- %s / %s: %s", mdTableCell(a.API), mdTableCell(s.Name), failureText(v)))
				}
			}
			if len(s.Violations()) == 0 && s.Reason != "" {
				lines = append(lines, fmt.Sprintf("- %s / %s: %s", mdTableCell(a.API), mdTableCell(s.Name), mdOneLine(s.Reason)))
			}
		}
		if a.Observed != nil {
			for _, ex := range a.Observed.Examples {
				for _, v := range ex.Violations {
					if v.Severity == runner.SeverityError {
						lines = append(lines, fmt.Sprintf("- %s / observed: %s", mdTableCell(a.API), failureText(v)))
					}
				}
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(b, "### Failures (%d)\n\n", len(lines))
	if len(lines) > maxSummaryFailures {
		b.WriteString(strings.Join(lines[:maxSummaryFailures], "\n"))
		fmt.Fprintf(b, "\n- ... and %d more: see report.html and violations.json\n\n", len(lines)-maxSummaryFailures)
		return
	}
	b.WriteString(strings.Join(lines, "\n") + "\n\n")
}

// failureText is one violation on one line: check, request, status, message, where.
func failureText(v runner.Violation) string {
	where := v.Pointer
	if v.Header != "" {
		where = "header " + v.Header
	}
	out := fmt.Sprintf("%s %s -> %d: %s", mdTableCell(v.Check), mdTableCell(v.Method+" "+v.Path), v.Status, mdOneLine(v.Message))
	if v.Expected != "" || v.Actual != "" {
		out += fmt.Sprintf(" (expected %s, got %s)", mdTableCell(v.Expected), mdTableCell(v.Actual))
	}
	if where != "" {
		out += " at " + mdTableCell(where)
	}
	return out
}

func summarizeCoverage(b *strings.Builder, r *run.Result) {
	var rows []string
	for _, a := range r.APIs {
		if a.Responses == 0 {
			continue
		}
		for _, op := range a.Coverage.Operations {
			var missing []string
			for _, st := range op.Statuses {
				if st.Exercised == 0 {
					missing = append(missing, st.Status)
				}
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | %d/%d | %s |", mdTableCell(a.API), mdTableCell(op.Method+" "+op.Path),
				op.Exercised(), len(op.Statuses), mdTableCell(strings.Join(missing, ", "))))
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("### Coverage\n\n| API | operation | documented statuses exercised | not exercised |\n| --- | --- | --- | --- |\n")
	b.WriteString(strings.Join(rows, "\n") + "\n\n")
}

func summarizeDrift(b *strings.Builder, r *run.Result) {
	var parts []string
	for _, a := range r.APIs {
		obs := a.Drift.Observations
		switch {
		case a.Responses == 0:
			continue
		case len(obs) == 0:
			parts = append(parts, fmt.Sprintf("- %s: none in %d response(s)", mdTableCell(a.API), a.Responses))
			continue
		}
		parts = append(parts, fmt.Sprintf("- %s: %d observation(s) the pinned spec does not describe", mdTableCell(a.API), len(obs)))
		for i, o := range obs {
			if i == maxSummaryDrift {
				parts = append(parts, fmt.Sprintf("  - ... and %d more: see drift.md", len(obs)-maxSummaryDrift))
				break
			}
			parts = append(parts, fmt.Sprintf("  - %s %s -> %d: %s (x%d)", mdTableCell(o.Check), mdTableCell(o.Operation), o.Status, mdOneLine(o.Message), o.Count))
		}
	}
	if len(parts) == 0 {
		return
	}
	b.WriteString("### Live drift\n\n" + strings.Join(parts, "\n") + "\n")
}
