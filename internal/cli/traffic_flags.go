package cli

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// trafficFlags are the flags `proxy` and `validate` share: which spec to hold traffic to, which
// checks, and where the reports go.
type trafficFlags struct {
	apis, checks, skipChecks listFlag
	spec, profile, reportDir string
	strict, lenient, noColor bool
	maxBody                  int64
}

func (t *trafficFlags) register(fs *flag.FlagSet) {
	fs.Var(&t.apis, "api", "hold traffic to this `API`'s spec only (confluent or apinizer); repeatable; default: both, each exchange to the API whose operation it matches")
	fs.StringVar(&t.spec, "spec", "", "an OpenAPI `FILE`: a newer revision of the one API --api names, or another API, named by --api (docs/profiles.md)")
	fs.StringVar(&t.profile, "profile", "", "an API profile `FILE` (YAML) for the one API --api names, instead of the spec's x-apiconform (docs/profiles.md)")
	fs.Var(&t.checks, "checks", "run only these check `IDs` (comma-separated; `apiconform checks` lists them)")
	fs.Var(&t.skipChecks, "skip-checks", "do not run these check `IDs` (comma-separated)")
	fs.BoolVar(&t.strict, "strict", false, "live drift and requests outside the specs are errors, not warnings")
	fs.BoolVar(&t.lenient, "lenient", false, "header-present requires only headers the spec marks required")
	fs.Int64Var(&t.maxBody, "max-body", runner.DefaultMaxBodyBytes, "`bytes` of a body kept for the checks; past them, a body-within-cap warning")
	fs.StringVar(&t.reportDir, "report-dir", DefaultReportDir, "`DIR` for violations.json, junit.xml, coverage.json, drift.json, drift.md, report.html, summary.md (this run's only)")
	fs.BoolVar(&t.noColor, "no-color", false, "no colours (also when stdout is not a terminal, or NO_COLOR is set)")
}

// config checks the shared flags and returns the run.Config of a traffic session.
func (t *trafficFlags) config(command string) (run.Config, error) {
	if err := checkAPIs(command, t.apis, t.spec); err != nil {
		return run.Config{}, err
	}
	t.apis = slices.Compact(slices.Sorted(slices.Values(t.apis))) // --api x --api x is one API
	if (t.spec != "" || t.profile != "") && len(t.apis) != 1 {
		flag, file, others := "--spec", t.spec, ", or a new API's name"
		if t.spec == "" {
			flag, file, others = "--profile", t.profile, "" // a new API needs its --spec too
		}
		return run.Config{}, &FlagError{Command: command, Msg: fmt.Sprintf("%s %s is for one API: say which with --api (one of %s%s)", flag, file, strings.Join(specs.Names(), ", "), others)}
	}
	if t.maxBody <= 0 {
		return run.Config{}, &FlagError{Command: command, Msg: fmt.Sprintf("--max-body %d: must be positive", t.maxBody)}
	}
	if t.reportDir == "" {
		return run.Config{}, &FlagError{Command: command, Msg: "--report-dir must name a folder"}
	}
	return run.Config{
		APIs: t.apis, SpecFile: t.spec, ProfileFile: t.profile, Checks: t.checks, SkipChecks: t.skipChecks, Strict: t.strict, Lenient: t.lenient,
		MaxBody: t.maxBody, CheckOnly: true,
	}, nil
}

// finish prints the summary of a traffic session, writes the reports and says where they are.
// It returns false when the reports could not be written.
func (t *trafficFlags) finish(res *run.Result, stdout, stderr io.Writer, command string) bool {
	opts := report.TextOptions{Color: useColor(&RunSettings{NoColor: t.noColor}, stdout)}
	report.Summary(stdout, res, opts)
	return writeReports(t.reportDir, res, stdout, stderr, command)
}
