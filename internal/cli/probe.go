package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/probe"
	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// ProbeSettings is what the flags of `apiconform probe` say: the session's Config, the probe's
// Options, and how to present the run.
type ProbeSettings struct {
	Config    run.Config
	Options   probe.Options
	ReportDir string
	NoColor   bool
}

// ParseProbeFlags parses the flags of `apiconform probe`. An error is a *FlagError (one line),
// or errHelp once -h printed the usage to usage.
func ParseProbeFlags(args []string, usage io.Writer) (*ProbeSettings, error) {
	const command = "apiconform probe"
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	st := &ProbeSettings{}
	c, o := &st.Config, &st.Options
	var apis, ops, scenarios, checks, skipChecks, faults listFlag
	fs.Var(&apis, "api", "probe only this `API` (confluent or apinizer, or the name of the API --spec adds); repeatable; default: both")
	fs.StringVar(&c.SpecFile, "spec", "", "an OpenAPI `FILE`: a newer revision of the one API --api names, or another API, named by its --scenarios file (docs/profiles.md)")
	fs.StringVar(&c.ProfileFile, "profile", "", "an API profile `FILE` (YAML) for the one API probed, instead of the spec's x-apiconform (docs/profiles.md)")
	fs.Var(&scenarios, "scenarios", "a scenario `FILE` whose credential profiles and variables the probe uses instead of the embedded ones of the API it names (its scenarios are not run); repeatable")
	fs.StringVar(&c.Target, "target", "", "base `URL` of the server under test (APICONFORM_<API>_TARGET wins for its API; APICONFORM_TARGET is the fallback); default: the embedded mock")
	fs.Var(&ops, "operation", "probe only this operation `ID` (and the undocumented methods of its path); repeatable, or comma-separated")
	fs.IntVar(&o.MaxExamples, "max-examples", probe.DefaultMaxExamples, "requests each family of each operation generates, `N`, before shrinking a failure")
	fs.Uint64Var(&o.Seed, "seed", 0, "`S` makes the run reproducible: the same seed sends the same requests (0: a random seed, printed)")
	fs.DurationVar(&o.Budget, "budget", probe.DefaultBudget, "stop generating once this `DURATION` is spent (0: no limit); what was not reached is reported as not run")
	fs.BoolVar(&c.AllowDestructive, "allow-destructive", false, "send mutating requests (any method but GET, HEAD, OPTIONS) to a target that is not loopback")
	fs.Float64Var(&c.Rate, "rate", 0, "at most `N` requests per second (0: no limit)")
	fs.IntVar(&c.MaxRetries, "max-retries", 3, "retries of a 429, after Retry-After")
	fs.DurationVar(&c.MaxRetryWait, "max-retry-wait", run.DefaultMaxRetryWait, "longest wait before one retry; a server asking for more is not retried")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", runner.DefaultTimeout, "bound on each request, from dialling to the last byte")
	fs.Var(&checks, "checks", "run only these check `IDs` (comma-separated; `apiconform checks` lists them)")
	fs.Var(&skipChecks, "skip-checks", "do not run these check `IDs` (comma-separated)")
	fs.BoolVar(&c.Strict, "strict", false, "live drift fails the run")
	fs.BoolVar(&c.Lenient, "lenient", false, "header-present requires only headers the spec marks required")
	fs.StringVar(&c.CACert, "ca-cert", "", "PEM `FILE` of a private CA to trust for https targets")
	fs.BoolVar(&c.Insecure, "insecure", false, "skip TLS certificate verification (the run says so)")
	fs.Var(&faults, "mock-fault", "with the embedded mock: break its contract in these ways: fault `IDs` (`apiconform mock --list-faults`)")
	fs.StringVar(&st.ReportDir, "report-dir", DefaultReportDir, "`DIR` for violations.json, junit.xml, coverage.json, drift.json, drift.md, report.html, summary.md (this run's only)")
	fs.BoolVar(&st.NoColor, "no-color", false, "no colours (also when stdout is not a terminal, or NO_COLOR is set)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: %s [flags]

Generates requests from the spec for every operation of both APIs (or those --api and
--operation name), against the embedded mock or --target: valid ones, invalid bodies, path
parameters at the edges, the credentials matrix, and the methods each path does not document.
Each response is held to the spec and to the probe checks (server-error, negative-data-rejected,
auth-enforced, unsupported-method). A failure is shrunk to the smallest request that still
fails, and shown as a curl command with the seed that replays it. Nothing mutating leaves for a
target that is not loopback without --allow-destructive. Exit codes: 0 no finding, 1 the target
broke the contract, 2 the tool could not run.

flags:
`, command)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, usage); err != nil {
		return nil, err
	}
	c.APIs, c.Scenarios, c.Checks, c.SkipChecks, c.MockFaults = apis, scenarios, checks, skipChecks, faults
	o.Operations = ops
	if err := checkAPIs(command, apis, c.SpecFile); err != nil {
		return nil, err
	}
	switch {
	case o.MaxExamples <= 0:
		return nil, &FlagError{Command: command, Msg: fmt.Sprintf("--max-examples %d: must be positive", o.MaxExamples)}
	case o.Budget < 0:
		return nil, &FlagError{Command: command, Msg: fmt.Sprintf("--budget %v: must not be negative", o.Budget)}
	case c.RequestTimeout <= 0:
		return nil, &FlagError{Command: command, Msg: fmt.Sprintf("--request-timeout %v: must be positive", c.RequestTimeout)}
	case st.ReportDir == "":
		return nil, &FlagError{Command: command, Msg: "--report-dir must name a folder"}
	}
	return st, nil
}

// runProbe is `apiconform probe`.
func runProbe(args []string, stdout, stderr io.Writer) int {
	st, err := ParseProbeFlags(args, stdout)
	if err != nil {
		return flagExit(err, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return ExecuteProbe(ctx, st, stdout, stderr)
}

// ExecuteProbe opens a session from st, probes its targets, prints a line per operation, each
// finding in full, the summary and the reports line, and writes the reports; it returns the
// exit code (that of `apiconform run`).
func ExecuteProbe(ctx context.Context, st *ProbeSettings, stdout, stderr io.Writer) int {
	opts := report.TextOptions{Color: useColor(&RunSettings{NoColor: st.NoColor}, stdout)}
	cfg := st.Config
	if cfg.MockState == nil {
		// The embedded mock, if it is the target, lets the probe's thousands of requests through
		// its rate limit: 429s would stall generation and blur shrinking.
		state, err := mock.DefaultState()
		if err != nil {
			fmt.Fprintf(stderr, "apiconform probe: %v\n", err)
			return ExitSetup
		}
		state.Confluent.RateLimit = mock.RateLimit{Limit: 1_000_000, WindowSeconds: 60}
		cfg.MockState = state
	}
	s, err := run.Open(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "apiconform probe: %v\n", err)
		return ExitSetup
	}
	defer s.Close()
	cfg = s.Config()
	report.Banner(stdout, s.Targets(), nil, s.Notices(), run.Mode{Strict: cfg.Strict}, opts)
	po := st.Options
	targets := s.ProbeTargets()
	if po.Known == nil {
		po.Known = map[string]map[string][]string{}
		for _, t := range targets {
			po.Known[t.Name] = probe.KnownValues(t.File, t.Vars)
		}
	}
	if po.Seed == 0 {
		po.Seed = probe.NewSeed()
	}
	budget := "no budget"
	if po.Budget > 0 {
		budget = "budget " + po.Budget.String()
	}
	fmt.Fprintf(stdout, "probe: seed %d (replay with --seed %d), %d examples per family, %s\n", po.Seed, po.Seed, po.MaxExamples, budget)
	po.OnSubject = func(sub probe.Subject) { probeLine(stdout, sub, opts) }
	for _, f := range []struct{ flag, value string }{{"--spec", cfg.SpecFile}, {"--profile", cfg.ProfileFile}} {
		if f.value != "" {
			po.ReplayFlags = append(po.ReplayFlags, f.flag, f.value)
		}
	}
	for _, file := range cfg.Scenarios {
		po.ReplayFlags = append(po.ReplayFlags, "--scenarios", file)
	}
	rep, err := probe.Run(ctx, targets, po)
	if err != nil { // a *probe.UsageError (an unknown --operation), or a fault of the probe
		fmt.Fprintf(stderr, "apiconform probe: %v\n", err)
		return ExitSetup
	}
	if rep.Interrupted {
		s.MarkInterrupted()
	}
	res := s.Result(rep.Results)
	for _, f := range rep.Findings {
		fmt.Fprintf(stdout, "\n%s %s probe %s: %s\n", paint(opts, "FAILED"), f.API, f.Subject, findingChecks(f))
		report.ScenarioDetail(stdout, run.ScenarioResult{Steps: []run.StepResult{{Name: string(f.Family) + " family",
			Operation: f.Operation, Exchanges: f.Exchanges, Violations: f.Violations}}})
		fmt.Fprintln(stdout, indentLines(f.Text(), "  "))
	}
	if rep.BudgetSpent {
		fmt.Fprintf(stdout, "\nthe --budget of %s was spent: generation stopped (what was not reached is listed as not run)\n", po.Budget)
	}
	report.Tail(stdout, res, opts)
	fmt.Fprintf(stdout, "probe: %d requests sent, %d finding(s), seed %d\n", rep.Requests, len(rep.Findings), rep.Seed)
	if !writeReports(st.ReportDir, res, stdout, stderr, "apiconform probe") {
		return ExitSetup
	}
	return res.ExitCode
}

// probeLine writes the one line of an operation (or a path's undocumented methods): the
// requests sent, the findings or ok, or why it was not run.
func probeLine(w io.Writer, sub probe.Subject, o report.TextOptions) {
	var ran, notRun []string
	stopped := false
	for _, fr := range sub.Families {
		if fr.NotRun != "" {
			notRun = append(notRun, fmt.Sprintf("%s: %s", fr.Family, fr.NotRun))
			continue
		}
		ran = append(ran, string(fr.Family))
		stopped = stopped || fr.Stopped
	}
	mark := paintColor(o, "\x1b[32m", "ok     ")
	switch {
	case len(sub.Findings) > 0:
		mark = paint(o, "FAIL   ")
	case len(ran) == 0:
		mark = "NOT RUN"
	}
	fmt.Fprintf(w, "%s %s %s: %d requests", mark, sub.API, sub.Name, sub.Requests)
	if len(ran) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(ran, ", "))
	}
	if n := sub.Statuses[429]; n > 0 {
		fmt.Fprintf(w, ", %d answered 429 (the target's rate limit: slow down with --rate)", n)
	}
	if len(sub.Findings) > 0 {
		var fs []string
		for _, f := range sub.Findings {
			fs = append(fs, findingChecks(f))
		}
		fmt.Fprintf(w, ", %d finding(s): %s", len(sub.Findings), strings.Join(fs, "; "))
	}
	if stopped {
		fmt.Fprint(w, ", cut short by the budget")
	}
	fmt.Fprintln(w)
	sort.Strings(notRun)
	for _, n := range notRun {
		fmt.Fprintf(w, "        not run: %s\n", n)
	}
}

// findingChecks names a finding's checks and kind: "negative-data-rejected (invalid-body, null)".
func findingChecks(f *probe.Finding) string {
	s := strings.Join(f.Checks, ", ") + " (" + string(f.Family)
	if f.Kind != "" && f.Kind != string(f.Family) {
		s += ", " + f.Kind
	}
	return s + ")"
}

// paint writes s in red when colours are on.
func paint(o report.TextOptions, s string) string { return paintColor(o, "\x1b[31m", s) }

func paintColor(o report.TextOptions, color, s string) string {
	if !o.Color {
		return s
	}
	return color + s + "\x1b[0m"
}

func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
