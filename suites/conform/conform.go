package conform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-shellwords"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/apiconform/apiconform/internal/cli"
	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/run"
)

// Environment variables the suite reads its settings from (make conform sets them).
const (
	// FlagsVar holds flags of `apiconform run`, split as a shell would (quote a value with spaces).
	FlagsVar = "APICONFORM_FLAGS"
	// LabelsVar holds a label filter (it may contain spaces): the same as --labels.
	LabelsVar = "APICONFORM_LABELS"
	// DirVar is the folder relative paths in the flags are read from (make conform's).
	DirVar = "APICONFORM_CWD"
)

// flagArgs splits FlagsVar as a shell would (quotes keep spaces in a value); a value it cannot
// split is passed whole, for the flag parser to refuse by name.
func flagArgs() []string {
	raw := os.Getenv(FlagsVar)
	args, err := shellwords.Parse(raw)
	if err != nil {
		return strings.Fields(raw)
	}
	return args
}

// Ginkgo's own reports, written beside the run's.
const (
	GinkgoJUnit = "ginkgo-junit.xml"
	GinkgoJSON  = "ginkgo-report.json"
)

var (
	settings *cli.RunSettings
	session  *run.Session
	result   *run.Result
)

// Main is the suite's TestMain: it opens the session before Ginkgo builds the spec tree, runs
// the tests, and returns the run's exit code (0 conformant, 1 broke the contract, 2 could not
// run). A bad flag or file ends the process here, in one line, before Ginkgo prints anything.
func Main(m *testing.M) int {
	var err error
	if dir := os.Getenv(DirVar); dir != "" {
		// Ginkgo runs the suite in its package folder; relative paths in FLAGS (--scenarios,
		// --ca-cert, --report-dir) are the user's, from where make conform was run.
		err = os.Chdir(dir)
	}
	if err == nil {
		settings, err = cli.ParseRunFlags("FLAGS ("+FlagsVar+")", flagArgs(), os.Stdout)
	}
	if err == nil {
		if l := os.Getenv(LabelsVar); l != "" {
			settings.Config.Labels = l
		}
		if os.Getenv(FlagsVar) == "" {
			// `go test ./...` runs the suite too: it writes no reports there, never into the
			// source tree (make conform always sets the flags).
			settings.ReportDir = ""
		}
		if settings.ReportDir != "" {
			settings.ReportDir, err = filepath.Abs(settings.ReportDir)
		}
		if err == nil {
			session, err = run.Open(settings.Config)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return run.ExitSetup
	}
	defer session.Close()
	cfg := session.Config()
	report.Banner(os.Stdout, session.Targets(), session.Plan(), session.Notices(),
		run.Mode{ContractOnly: cfg.ContractOnly, Strict: cfg.Strict, DryRun: cfg.DryRun}, report.TextOptions{})
	code := m.Run()
	if result != nil && result.ExitCode != run.ExitConformant {
		return result.ExitCode
	}
	return code
}

// Describe registers one spec per planned scenario of the session Main opened, grouped by API.
func Describe() bool {
	ginkgo.ReportAfterSuite("apiconform reports", writeReports)
	return ginkgo.Describe("apiconform", func() {
		if session == nil {
			ginkgo.It("needs the session conform.Main opens (call it from TestMain)", func() { ginkgo.Fail("conform.Main did not run") })
			return
		}
		byAPI := map[string][]ginkgo.TableEntry{}
		var order []string
		for _, p := range session.Plan() {
			if byAPI[p.API] == nil {
				order = append(order, p.API)
			}
			byAPI[p.API] = append(byAPI[p.API], ginkgo.Entry(p.Scenario.Name, ginkgo.Label(p.Labels...), p))
		}
		for _, api := range order {
			ginkgo.DescribeTable(api, ginkgo.Label(api), runScenario, byAPI[api])
		}
	})
}

// recordEntry names the report entry that carries a scenario's result to the end of the suite.
const recordEntry = "apiconform.result"

func runScenario(ctx ginkgo.SpecContext, p *run.Planned) {
	r := session.Execute(ctx, p)
	ginkgo.AddReportEntry(recordEntry, r, ginkgo.ReportEntryVisibilityNever)
	switch r.Outcome {
	case run.Skipped:
		ginkgo.Skip(r.Reason)
	case run.NotRun:
		ginkgo.Skip("not run: " + r.Reason)
	}
	var transcript strings.Builder
	report.Transcript(&transcript, r)
	ginkgo.AddReportEntry("exchanges", transcript.String(), ginkgo.ReportEntryVisibilityFailureOrVerbose)
	gomega.Expect(r).To(conform())
}

// writeReports assembles the run's Result from every spec's entry, prints the tail of the
// summary, and writes the reports and Ginkgo's own beside them.
func writeReports(rep ginkgo.Report) {
	if session == nil {
		return
	}
	var results []run.ScenarioResult
	for _, sr := range rep.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name != recordEntry {
				continue
			}
			var r run.ScenarioResult
			if raw, err := json.Marshal(e.Value.GetRawValue()); err == nil && json.Unmarshal(raw, &r) == nil {
				results = append(results, r)
			}
		}
	}
	result = session.Result(results)
	opts := report.TextOptions{Color: !settings.NoColor && os.Getenv("NO_COLOR") == "" && !ginkgoNoColor()}
	report.Tail(os.Stdout, result, opts)
	dir := settings.ReportDir
	if dir == "" {
		fmt.Printf("reports: not written (set %s=--report-dir=DIR, as make conform does)\n", FlagsVar)
		return
	}
	if _, err := report.Write(dir, result); err != nil {
		ginkgo.Fail("the reports could not be written: " + err.Error())
	}
	for name, gen := range map[string]func(types.Report, string) error{GinkgoJUnit: reporters.GenerateJUnitReport, GinkgoJSON: reporters.GenerateJSONReport} {
		if err := gen(rep, filepath.Join(dir, name)); err != nil {
			ginkgo.Fail("Ginkgo's report could not be written: " + err.Error())
		}
	}
	fmt.Printf("reports: %s (%s, %s, %s)\n", dir, strings.Join(report.Files, ", "), GinkgoJUnit, GinkgoJSON)
}

// ginkgoNoColor says whether Ginkgo was told not to colour (--no-color).
func ginkgoNoColor() bool {
	_, rc := ginkgo.GinkgoConfiguration()
	return rc.NoColor
}
