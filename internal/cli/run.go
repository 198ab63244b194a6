package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// RunSettings is what the flags of `apiconform run` say: the run's Config and how to present
// it. The Ginkgo suites read the same flags (from APICONFORM_FLAGS) through ParseRunFlags.
type RunSettings struct {
	Config    run.Config
	ReportDir string
	Format    string
	NoColor   bool
}

// DefaultReportDir is where reports go when --report-dir is not given.
const DefaultReportDir = "reports"

// ParseRunFlags parses the flags of `apiconform run`. An error is a *FlagError (one line) that
// names command, or errHelp once -h printed the usage to usage.
func ParseRunFlags(command string, args []string, usage io.Writer) (*RunSettings, error) {
	st, err := parseRunFlags(command, args, usage)
	var fe *FlagError
	if errors.As(err, &fe) {
		fe.Help = "apiconform run -h"
	}
	return st, err
}

func parseRunFlags(command string, args []string, usage io.Writer) (*RunSettings, error) {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	st := &RunSettings{}
	c := &st.Config
	var apis, scenarios, checks, skipChecks, faults listFlag
	format := &choiceFlag{value: "text", choices: []string{"text", "json"}}
	fs.Var(&apis, "api", "run only this `API` (confluent or apinizer, or the name of the API --spec adds); repeatable; default: both")
	fs.StringVar(&c.SpecFile, "spec", "", "an OpenAPI `FILE`: a newer revision of the one API --api names, or another API, named by its --scenarios file (docs/profiles.md)")
	fs.StringVar(&c.ProfileFile, "profile", "", "an API profile `FILE` (YAML) for the one API run, instead of the spec's x-apiconform (docs/profiles.md)")
	fs.StringVar(&c.Target, "target", "", "base `URL` of the server under test (APICONFORM_<API>_TARGET wins for its API; APICONFORM_TARGET is the fallback); default: the embedded mock")
	fs.Var(&scenarios, "scenarios", "a scenario `FILE` to run instead of the embedded scenarios of the API it names; repeatable")
	fs.StringVar(&c.Labels, "labels", "", "a label filter `EXPR` in Ginkgo's syntax, e.g. 'auth && !destructive' (labels include the API name)")
	fs.Var(&checks, "checks", "run only these check `IDs` (comma-separated; `apiconform checks` lists them)")
	fs.Var(&skipChecks, "skip-checks", "do not run these check `IDs` (comma-separated)")
	fs.BoolVar(&c.ContractOnly, "contract-only", false, "hold responses to the spec only, not to the scenarios' expectations (for servers whose state apiconform does not control); a scenario that cannot go on is then not run, not failed")
	fs.BoolVar(&c.Strict, "strict", false, "live drift (a warning) fails the run")
	fs.BoolVar(&c.Lenient, "lenient", false, "header-present requires only headers the spec marks required")
	fs.BoolVar(&c.AllowDestructive, "allow-destructive", false, "send mutating requests (any method but GET, HEAD, OPTIONS) to a target that is not loopback")
	fs.BoolVar(&c.DryRun, "dry-run", false, "print every request that would be sent, credentials redacted, and send none")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", runner.DefaultTimeout, "bound on each request, from dialling to the last byte")
	fs.Int64Var(&c.MaxBody, "max-body", runner.DefaultMaxBodyBytes, "`bytes` of a response body read at most; more is a body-within-cap violation")
	fs.Float64Var(&c.Rate, "rate", 0, "at most `N` requests per second (0: no limit)")
	fs.IntVar(&c.MaxRetries, "max-retries", 3, "retries of a 429 a scenario does not expect, after Retry-After")
	fs.DurationVar(&c.MaxRetryWait, "max-retry-wait", run.DefaultMaxRetryWait, "longest wait before one retry; a server asking for more is not retried")
	fs.StringVar(&c.CACert, "ca-cert", "", "PEM `FILE` of a private CA to trust for https targets")
	fs.BoolVar(&c.Insecure, "insecure", false, "skip TLS certificate verification (the run says so)")
	fs.Var(&faults, "mock-fault", "with the embedded mock: break its contract in these ways: fault `IDs` (`apiconform mock --list-faults`)")
	fs.StringVar(&st.ReportDir, "report-dir", DefaultReportDir, "`DIR` for violations.json, junit.xml, coverage.json, drift.json, drift.md, report.html, summary.md (this run's only)")
	fs.Var(format, "format", "stdout `format`: text or json (the whole result)")
	fs.BoolVar(&st.NoColor, "no-color", false, "no colours (also when stdout is not a terminal, or NO_COLOR is set)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: %s [flags]

Runs the conformance scenarios of both APIs (or those --api names) against the embedded mock, or
against --target, and holds every response to the pinned spec. Credentials come from environment
variables only: CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET, CONFLUENT_STS_TOKEN,
APINIZER_TOKEN. Exit codes: 0 conformant, 1 the target broke the contract, 2 the tool could not
run (bad flag or file, unreachable target, nothing checked).

flags:
`, command)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, usage); err != nil {
		return nil, err
	}
	c.APIs, c.Scenarios, c.Checks, c.SkipChecks, c.MockFaults = apis, scenarios, checks, skipChecks, faults
	st.Format = format.value
	if err := checkAPIs(command, apis, c.SpecFile); err != nil {
		return nil, err
	}
	if c.RequestTimeout <= 0 {
		return nil, &FlagError{Command: command, Msg: fmt.Sprintf("--request-timeout %v: must be positive", c.RequestTimeout)}
	}
	if c.MaxBody <= 0 {
		return nil, &FlagError{Command: command, Msg: fmt.Sprintf("--max-body %d: must be positive", c.MaxBody)}
	}
	if st.ReportDir == "" {
		return nil, &FlagError{Command: command, Msg: "--report-dir must name a folder"}
	}
	return st, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// runRun is `apiconform run`.
func runRun(args []string, stdout, stderr io.Writer) int {
	st, err := ParseRunFlags("apiconform run", args, stdout)
	if err != nil {
		return flagExit(err, stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Execute(ctx, st, stdout, stderr)
}

// Execute opens a session from st, runs it, prints the outcome and writes the reports; it
// returns the exit code. A cancelled ctx (SIGINT) ends the run early: the reports are still
// written, with the scenarios not reached as not run.
func Execute(ctx context.Context, st *RunSettings, stdout, stderr io.Writer) int {
	opts := report.TextOptions{Color: useColor(st, stdout)}
	progress := stdout // the text output; with --format json, stdout holds the JSON only
	if st.Format == "json" {
		progress = stderr
		opts.Color = false
	}
	cfg := st.Config
	cfg.OnScenario = func(r run.ScenarioResult) {
		if r.Outcome != run.Skipped { // listed by the banner, before anything was sent
			report.ScenarioLine(progress, r, opts)
		}
	}
	s, err := run.Open(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "apiconform run: %v\n", err)
		return ExitSetup
	}
	defer s.Close()
	cfg = s.Config()
	report.Banner(progress, s.Targets(), s.Plan(), s.Notices(), run.Mode{ContractOnly: cfg.ContractOnly, Strict: cfg.Strict, DryRun: cfg.DryRun}, opts)
	res := s.Run(ctx)
	if st.Format == "json" {
		if err := report.JSON(stdout, res); err != nil {
			fmt.Fprintf(stderr, "apiconform run: cannot write the result: %v\n", err)
			return ExitSetup
		}
	} else {
		report.Summary(stdout, res, opts)
	}
	if !writeReports(st.ReportDir, res, progress, stderr, "apiconform run") {
		return ExitSetup
	}
	return res.ExitCode
}

// useColor says whether the text output gets colours: never with --no-color or NO_COLOR, and
// only when stdout is a terminal.
func useColor(st *RunSettings, stdout io.Writer) bool {
	if st.NoColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := stdout.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
