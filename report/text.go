package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// TextOptions tune the console rendering.
type TextOptions struct {
	// Color adds ANSI colours (only when the output is a terminal and NO_COLOR is unset: the
	// driver decides).
	Color bool
}

// ANSI colours, used only with TextOptions.Color.
const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

func (o TextOptions) paint(color, s string) string {
	if !o.Color {
		return s
	}
	return color + s + ansiReset
}

// Banner writes what the run is about to do: each API's target, the notices, and every
// scenario that will be skipped with its reason: all before the first request.
func Banner(w io.Writer, targets []run.APIResult, plan []*run.Planned, notices []string, mode run.Mode, o TextOptions) {
	for _, t := range targets {
		fmt.Fprintf(w, "apiconform %s: target %s (%s", t.API, t.Target, t.TargetKind)
		if t.TargetSource != "default" && t.TargetSource != "" {
			fmt.Fprintf(w, ", from %s", t.TargetSource)
		}
		fmt.Fprintf(w, "); spec %s %s\n", t.Spec.Title, t.Spec.Version)
	}
	var modes []string
	if mode.ContractOnly {
		modes = append(modes, "contract only: scenario expectations are not checked")
	}
	if mode.Strict {
		modes = append(modes, "strict: drift fails the run")
	}
	if mode.DryRun {
		modes = append(modes, "dry run: nothing is sent")
	}
	for _, m := range append(modes, notices...) {
		fmt.Fprintf(w, "  %s\n", m)
	}
	var skipped []*run.Planned
	for _, p := range plan {
		if p.Skip != "" {
			skipped = append(skipped, p)
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "skipped before sending anything (%d):\n", len(skipped))
		for _, p := range skipped {
			fmt.Fprintf(w, "  - %s: %s: %s\n", p.API, p.Scenario.Name, p.Skip)
		}
	}
	fmt.Fprintln(w)
}

// ScenarioLine writes the one-line outcome of a scenario, as a run progresses.
func ScenarioLine(w io.Writer, s run.ScenarioResult, o TextOptions) {
	var mark string
	switch s.Outcome {
	case run.Passed:
		mark = o.paint(ansiGreen, "PASS   ")
	case run.Failed:
		mark = o.paint(ansiRed, "FAIL   ")
	case run.Skipped:
		mark = o.paint(ansiYellow, "SKIP   ")
	default:
		mark = o.paint(ansiYellow, "NOT RUN")
	}
	fmt.Fprintf(w, "%s %s: %s", mark, s.API, s.Name)
	if s.Outcome == run.Passed || s.Outcome == run.Failed {
		fmt.Fprintf(w, " (%s)", s.Duration.Round(10_000))
	}
	if n := len(s.Violations()); s.Outcome == run.Failed && n > 0 {
		fmt.Fprintf(w, ": %d violation(s)", n)
	}
	fmt.Fprintln(w)
}

// Summary writes what a reader needs after the scenario lines: every failed scenario in full,
// then the Tail.
func Summary(w io.Writer, r *run.Result, o TextOptions) {
	Failures(w, r, o)
	Tail(w, r, o)
}

// Failures writes the requests a dry run would send, and every failed scenario and observed
// exchange in full.
func Failures(w io.Writer, r *run.Result, o TextOptions) {
	for _, a := range r.APIs {
		for _, s := range a.Scenarios {
			if s.DryRun != "" {
				fmt.Fprintf(w, "\n%s: %s (dry run)\n%s", s.API, s.Name, indent(s.DryRun, "  "))
			}
		}
	}
	for _, a := range r.APIs {
		for _, s := range a.Scenarios {
			if s.Outcome == run.Failed {
				fmt.Fprintf(w, "\n%s %s: %s (%s:%d)\n", o.paint(ansiRed, "FAILED"), s.API, s.Name, s.File, s.Line)
				ScenarioDetail(w, s)
			}
		}
		if a.Observed != nil {
			for _, ex := range a.Observed.Examples {
				fmt.Fprintf(w, "\n%s %s: %s %s -> %s\n", o.paint(ansiRed, "FAILED"), a.API, ex.Exchange.Request.Method, ex.Exchange.Request.Path, statusText(ex.Exchange))
				for _, v := range ex.Violations {
					fmt.Fprint(w, ViolationBlock(v))
				}
			}
			if n := a.Observed.Failed - len(a.Observed.Examples); n > 0 {
				fmt.Fprintf(w, "\n... and %d more failing exchange(s) of %s (the first %d are shown; violations.json holds the first %d violations)\n",
					n, a.API, len(a.Observed.Examples), run.MaxObservedViolations)
			}
		}
	}
}

// Tail writes the scenarios not run and skipped with their reasons, per API that ran the
// coverage and live drift, the counts and the verdict.
func Tail(w io.Writer, r *run.Result, o TextOptions) {
	var notRun []string
	skipped := map[string]int{}
	var reasons []string
	for _, a := range r.APIs {
		for _, s := range a.Scenarios {
			switch {
			case s.Outcome == run.NotRun && s.DryRun == "":
				notRun = append(notRun, fmt.Sprintf("  - %s: %s: %s", s.API, s.Name, s.Reason))
			case s.Outcome == run.Skipped:
				why := s.API + ": " + s.Reason
				if skipped[why] == 0 {
					reasons = append(reasons, why)
				}
				skipped[why]++
			}
		}
	}
	if len(notRun) > 0 {
		fmt.Fprintf(w, "\nnot run (%d):\n%s\n", len(notRun), strings.Join(notRun, "\n"))
	}
	if len(reasons) > 0 {
		n := 0
		for _, c := range skipped {
			n += c
		}
		fmt.Fprintf(w, "\nskipped (%d), nothing sent; by reason:\n", n)
		for _, why := range reasons {
			fmt.Fprintf(w, "  %3d x %s\n", skipped[why], why)
		}
	}
	if !r.Mode.DryRun {
		for _, a := range r.APIs {
			if a.Counts.Total() == 0 && a.Observed == nil {
				continue // no scenario selected and no traffic: it did not run
			}
			fmt.Fprintln(w)
			CoverageText(w, a)
			fmt.Fprintln(w)
			DriftText(w, a)
		}
	}
	fmt.Fprintln(w)
	for _, a := range r.APIs {
		c := a.Counts
		switch {
		case r.Mode.Traffic && a.Observed == nil:
			fmt.Fprintf(w, "%s: no exchange observed\n", a.API)
		case r.Mode.Traffic:
			fmt.Fprintf(w, "%s: %d exchange(s) checked, %d broke the contract\n", a.API, a.Observed.Exchanges, a.Observed.Failed)
		case c.Total() == 0:
			fmt.Fprintf(w, "%s: no scenario selected\n", a.API)
		default:
			fmt.Fprintf(w, "%s: %d passed, %d failed, %d not run, %d skipped\n", a.API, c.Passed, c.Failed, c.NotRun, c.Skipped)
		}
	}
	if u := r.Unmatched; u.Count > 0 {
		severity := "a warning; an error under --strict"
		if r.Mode.Strict {
			severity = "an error under --strict"
		}
		fmt.Fprintf(w, "outside the specs: %d exchange(s) matched no operation (%s):\n", u.Count, severity)
		for _, q := range u.Requests {
			fmt.Fprintf(w, "  %5d x %s\n", q.Count, q.Request)
		}
		if u.Dropped > 0 {
			fmt.Fprintf(w, "  %5d x other requests (past the first %d kinds)\n", u.Dropped, run.MaxUnmatchedPaths)
		}
	}
	if r.Mode.Traffic { // no banner came before: the notices come here
		for _, n := range r.Notices {
			fmt.Fprintf(w, "note: %s\n", n)
		}
	}
	fmt.Fprintln(w, VerdictLine(r, o))
}

// unrun says, after a conformant verdict, how many scenarios did not run, so that a run that
// skipped most of them (credentials not set, say) does not read as a full pass; "" when every
// scenario ran, or when the session ran none (recorded traffic).
func unrun(c run.Counts) string {
	if c.Skipped+c.NotRun == 0 || c.Total() == 0 {
		return ""
	}
	var parts []string
	if c.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", c.Skipped))
	}
	if c.NotRun > 0 {
		parts = append(parts, fmt.Sprintf("%d not run", c.NotRun))
	}
	return fmt.Sprintf("; %d of %d scenario(s) passed, %s (reasons above)", c.Passed, c.Total(), strings.Join(parts, ", "))
}

// VerdictLine is the run's verdict in words, with its exit code.
func VerdictLine(r *run.Result, o TextOptions) string {
	switch r.Verdict {
	case run.Conformant:
		return o.paint(ansiGreen+ansiBold, "verdict: conformant") + fmt.Sprintf(" (exit %d)", r.ExitCode) + unrun(r.Counts())
	case run.BrokeContract:
		n := 0
		for _, v := range r.Violations() {
			if v.Severity == runner.SeverityError {
				n++
			}
		}
		return o.paint(ansiRed+ansiBold, "verdict: the target broke the contract") + fmt.Sprintf(": %d violation(s) (exit %d)", n, r.ExitCode)
	case run.DryRunDone:
		return fmt.Sprintf("verdict: dry run: nothing was sent (exit %d)", r.ExitCode)
	}
	return o.paint(ansiRed+ansiBold, "verdict: the tool could not run") + fmt.Sprintf(": %s (exit %d)", r.Problem, r.ExitCode)
}

// ScenarioDetail writes each step of a scenario with its request and status, then every
// violation with what was expected, what came back, where (JSON pointer or header), the spec
// location and the request ID.
func ScenarioDetail(w io.Writer, s run.ScenarioResult) {
	for i, st := range s.Steps {
		name := st.Name
		if name == "" {
			name = st.Operation
		}
		fmt.Fprintf(w, "  step %d (%s):", i+1, name)
		if n := len(st.Exchanges); n > 0 {
			ex := st.Exchanges[n-1]
			fmt.Fprintf(w, " %s %s", ex.Request.Method, ex.Request.URL)
			if ex.Response != nil {
				fmt.Fprintf(w, " -> %d", ex.Response.Status)
			} else if ex.Err != nil {
				fmt.Fprintf(w, " -> no response (%s)", ex.Err.Kind)
			}
			if n > 1 {
				fmt.Fprintf(w, " (after %d retries of a 429)", n-1)
			}
		}
		fmt.Fprintln(w)
		if st.Error != "" {
			fmt.Fprintf(w, "    could not go on: %s\n", st.Error)
		}
		for _, v := range st.Violations {
			fmt.Fprint(w, ViolationBlock(v))
		}
	}
}

// ViolationBlock renders one violation over several aligned lines.
func ViolationBlock(v runner.Violation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "    [%s]", v.Check)
	if v.Severity == runner.SeverityWarning {
		b.WriteString(" (warning)")
	}
	fmt.Fprintf(&b, " %s\n", v.Message)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "        %-9s %s\n", k+":", v)
		}
	}
	if v.Expected != "" || v.Actual != "" {
		row("expected", orNothing(v.Expected))
		row("got", orNothing(v.Actual))
	}
	if v.Header != "" {
		row("at", "header "+v.Header)
	} else {
		row("at", v.Pointer)
	}
	row("spec", v.SpecRef)
	row("request", v.RequestID)
	return b.String()
}

func orNothing(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

// CoverageText writes an API's coverage: per operation, the documented statuses and headers
// its responses exercised.
func CoverageText(w io.Writer, a run.APIResult) {
	if a.Responses == 0 {
		fmt.Fprintf(w, "API coverage (%s): no responses\n", a.API)
		return
	}
	fmt.Fprintf(w, "API coverage (%s): documented statuses and headers exercised by %d response(s)\n", a.API, a.Responses)
	for _, op := range a.Coverage.Operations {
		name := op.Operation + " " + op.Method + " " + op.Path
		if op.Operation == op.Method+" "+op.Path { // an operation the spec gives no ID is named so
			name = op.Operation
		}
		fmt.Fprintf(w, "  %s: %d/%d statuses\n", name, op.Exercised(), len(op.Statuses))
		for _, st := range op.Statuses {
			mark := "ok  "
			if st.Exercised == 0 {
				mark = "NOT "
			}
			var parts []string
			if len(st.HeadersSeen) > 0 {
				parts = append(parts, "headers seen: "+strings.Join(st.HeadersSeen, ", "))
			}
			if len(st.HeadersMissing) > 0 {
				parts = append(parts, "not seen: "+strings.Join(st.HeadersMissing, ", "))
			}
			line := fmt.Sprintf("    %s %-7s x%-3d %s", mark, st.Status, st.Exercised, strings.Join(parts, "; "))
			fmt.Fprintln(w, strings.TrimRight(line, " "))
		}
		if len(op.Undocumented) > 0 {
			fmt.Fprintf(w, "    also answered undocumented: %v\n", op.Undocumented)
		}
	}
}

// DriftText writes an API's live drift: each observation once, with its count.
func DriftText(w io.Writer, a run.APIResult) {
	switch {
	case a.Responses == 0:
		fmt.Fprintf(w, "Live drift (%s): no responses\n", a.API)
		return
	case len(a.Drift.Observations) == 0:
		fmt.Fprintf(w, "Live drift (%s): none: all %d response(s) stayed within the pinned spec\n", a.API, a.Responses)
		return
	}
	fmt.Fprintf(w, "Live drift (%s): %d observation(s) the pinned spec does not describe (warnings; --strict fails on them)\n", a.API, len(a.Drift.Observations))
	for _, d := range a.Drift.Observations {
		fmt.Fprintf(w, "  [%s] %s -> %d: %s (x%d", d.Check, d.Operation, d.Status, d.Message, d.Count)
		if d.ExampleRequestID != "" {
			fmt.Fprintf(w, ", e.g. request %s", d.ExampleRequestID)
		}
		fmt.Fprintln(w, ")")
	}
}

// Transcript renders the exchanges of a scenario (requests already redacted by the client;
// responses as recorded, with credentials replaced), bodies cut at maxTranscriptBody.
func Transcript(w io.Writer, s run.ScenarioResult) {
	for i, st := range s.Steps {
		for _, ex := range st.Exchanges {
			fmt.Fprintf(w, "step %d: %s %s\n", i+1, ex.Request.Method, ex.Request.URL)
			writeHeaders(w, "  > ", ex.Request.Header)
			writeBody(w, "  > ", ex.Request.Body)
			switch {
			case ex.Err != nil:
				fmt.Fprintf(w, "  < no response (%s) after %v\n", ex.Err.Message, ex.Duration.Round(1000))
			case ex.Response != nil:
				fmt.Fprintf(w, "  < %s %d in %v\n", ex.Response.Proto, ex.Response.Status, ex.Duration.Round(1000))
				writeHeaders(w, "  < ", runner.NewRedactor().Header(ex.Response.Header))
				writeBody(w, "  < ", ex.Response.Body)
			}
		}
	}
}

// maxTranscriptBody bounds how much of each body a transcript shows.
const maxTranscriptBody = 2048

func writeHeaders(w io.Writer, prefix string, h map[string][]string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(w, "%s%s: %s\n", prefix, k, v)
		}
	}
}

func writeBody(w io.Writer, prefix string, body []byte) {
	if len(body) == 0 {
		return
	}
	text := body
	cut := len(text) > maxTranscriptBody
	if cut {
		text = text[:maxTranscriptBody]
	}
	if !utf8.Valid(text) {
		fmt.Fprintf(w, "%s(%d bytes of binary body)\n", prefix, len(body))
		return
	}
	fmt.Fprintf(w, "%s%s", prefix, text)
	if cut {
		fmt.Fprintf(w, "... (%d bytes in all)", len(body))
	}
	fmt.Fprintln(w)
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// statusText is the status of an exchange's response, or "no response (KIND)".
func statusText(ex *runner.Exchange) string {
	if ex.Response != nil {
		return fmt.Sprint(ex.Response.Status)
	}
	if ex.Err != nil {
		return "no response (" + ex.Err.Kind + ")"
	}
	return "no response"
}
