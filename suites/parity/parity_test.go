package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

const (
	module = "github.com/apiconform/apiconform"
	// maxParallel bounds the subtests that run drivers at once, whatever -parallel says: each
	// runs two processes in turn, and the machine this is tuned for has two cores.
	maxParallel = 2
	// outputLines is how much of each driver's output a failure shows (its end).
	outputLines  = 60
	buildTimeout = 5 * time.Minute
	runTimeout   = 2 * time.Minute
)

// ginkgoArgs are the suite binary's arguments: what `make conform` gives Ginkgo that the binary
// understands (the order randomized, pending and empty suites failing), without colours. Each
// run adds --ginkgo.seed, which a failure names, so that its order can be replayed.
var ginkgoArgs = []string{"--ginkgo.no-color", "--ginkgo.randomize-all", "--ginkgo.fail-on-pending", "--ginkgo.fail-on-empty"}

// runScopedChecks are the checks that hold a response to the others of the whole run, not to
// its own scenario: which scenario a violation lands on depends on the order the scenarios ran
// in, which Ginkgo randomizes and `apiconform run` does not. (With duplicate-request-id every
// response repeats the first one's X-Request-Id: the scenario that happened to run first
// passes.) A scenario failed by these checks alone is left out of the comparison of failed
// scenarios; the drivers must still agree on the exit code and on the checks that fired.
var runScopedChecks = map[string]bool{"request-id-unique": true}

// TestDriversAgree is the acceptance criterion of the two drivers: `apiconform run` and the
// Ginkgo suite of `make conform`, built from this tree, give the same verdicts on the embedded
// mock with no fault and with each mock fault: the same exit code, the same failed scenarios
// (junit.xml) and the same checks with error-severity violations (violations.json).
func TestDriversAgree(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds apiconform and the conformance suite with the go command, then runs both once per mock fault")
	}
	faults := mock.Faults()
	if len(faults) == 0 {
		t.Fatal("the mock has no faults")
	}
	bins := buildDrivers(t)

	type variant struct {
		name  string
		fault *mock.Fault
	}
	variants := []variant{{name: "no fault"}}
	for i := range faults {
		variants = append(variants, variant{name: faults[i].ID, fault: &faults[i]})
	}
	slots := make(chan struct{}, maxParallel)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			slots <- struct{}{}
			defer func() { <-slots }()

			var flags []string
			if v.fault != nil {
				flags = append(flags, "--mock-fault="+v.fault.ID)
			}
			cli := runCLI(t, bins.cli, flags)
			suite := runSuite(t, bins.suite, flags)
			defer func() {
				if t.Failed() {
					for _, d := range []*driverRun{cli, suite} {
						t.Logf("%s: %s\nexit %d; the end of its output:\n%s", d.name, d.command, d.code, tail(d.output, outputLines))
					}
				}
			}()

			if cli.code != suite.code {
				t.Errorf("exit codes differ: apiconform run %d, conformance suite %d", cli.code, suite.code)
			}
			if cli.reportErr != nil || suite.reportErr != nil {
				// Only a run that could not even open writes no reports.
				if cli.code != run.ExitSetup || suite.code != run.ExitSetup || (cli.reportErr == nil) != (suite.reportErr == nil) {
					t.Errorf("reports: apiconform run: %v; conformance suite: %v", orNone(cli.reportErr), orNone(suite.reportErr))
				}
				return
			}
			if len(cli.scenarios) == 0 {
				t.Errorf("apiconform run reported no scenario")
			}
			compareSets(t, "scenarios reported", cli.scenarios, suite.scenarios)
			cliFailed, suiteFailed := cli.orderIndependentFailures(), suite.orderIndependentFailures()
			if n, m := len(cli.failed)-len(cliFailed), len(suite.failed)-len(suiteFailed); n+m > 0 {
				t.Logf("failed by run-scoped checks alone, not compared: %d scenario(s) of apiconform run, %d of the conformance suite", n, m)
			}
			compareSets(t, "failed scenarios (but those failed by run-scoped checks alone)", cliFailed, suiteFailed)
			compareSets(t, "checks with error-severity violations", cli.errorChecks, suite.errorChecks)

			switch {
			case v.fault == nil:
				for _, d := range []*driverRun{cli, suite} {
					if d.code != run.ExitConformant || len(d.failed) != 0 {
						t.Errorf("%s on the conformant mock: exit %d, failed scenarios %q; want exit 0 and none", d.name, d.code, keys(d.failed))
					}
				}
			default:
				c, ok := runner.Lookup(v.fault.Check)
				if !ok {
					t.Fatalf("fault %s names check %q, which the runner does not know", v.fault.ID, v.fault.Check)
				}
				if c.Severity != runner.SeverityError || c.Scope == runner.ScopeProbe {
					break // a probe fault is found by generated requests: the scenarios need not see it
				}
				if cli.code == run.ExitSetup && suite.code == run.ExitSetup {
					t.Logf("fault %s: both drivers could not run (exit 2)", v.fault.ID)
					break
				}
				for _, d := range []*driverRun{cli, suite} {
					if d.code != run.ExitViolations {
						t.Errorf("%s with fault %s (caught by %s, an error): exit %d, want %d", d.name, v.fault.ID, v.fault.Check, d.code, run.ExitViolations)
					}
				}
			}
		})
	}
}

// drivers are the two binaries under test.
type drivers struct{ cli, suite string }

// buildDrivers builds apiconform and the conformance suite's test binary, at once, into a
// temporary folder the test removes.
func buildDrivers(t *testing.T) drivers {
	t.Helper()
	goCmd := goTool(t)
	dir := t.TempDir()
	gotmp := filepath.Join(dir, "gotmp") // the go command's own work folders, removed with dir
	if err := os.Mkdir(gotmp, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	bins := drivers{cli: filepath.Join(dir, "apiconform"+exe), suite: filepath.Join(dir, "conformance.test"+exe)}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	builds := [][]string{
		{"build", "-o", bins.cli, module + "/cmd/apiconform"},
		{"test", "-c", "-o", bins.suite, module + "/suites/conformance"},
	}
	errs := make(chan error, len(builds))
	start := time.Now()
	for _, args := range builds {
		go func() {
			cmd := exec.CommandContext(ctx, goCmd, args...)
			cmd.Env = append(os.Environ(), "GOTMPDIR="+gotmp)
			out, err := cmd.CombinedOutput()
			if err != nil {
				err = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			errs <- err
		}()
	}
	var failed []error
	for range builds {
		if err := <-errs; err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		t.Fatal(errors.Join(failed...))
	}
	t.Logf("built apiconform and the conformance suite in %v", time.Since(start).Round(time.Millisecond))
	return bins
}

// goTool returns the go command of the toolchain running the test, or the one on PATH.
func goTool(t *testing.T) string {
	t.Helper()
	if root := runtime.GOROOT(); root != "" {
		p := filepath.Join(root, "bin", "go")
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build the drivers with: %v", err)
	}
	return p
}

// driverRun is what one driver did: its exit code and output, and what its reports say.
type driverRun struct {
	name    string
	command string // how it ran: its variables, binary and arguments
	code    int
	output  string
	// reportErr says why the reports could not be read; the sets below are empty then.
	reportErr error
	// scenarios and failed are "API / scenario" keys from junit.xml; errorChecks are the check
	// IDs of the error-severity violations of violations.json, and errorChecksOf the same by
	// scenario key.
	scenarios, failed, errorChecks map[string]bool
	errorChecksOf                  map[string]map[string]bool
}

// orderIndependentFailures returns the failed scenarios but those whose error-severity
// violations are all of runScopedChecks.
func (d *driverRun) orderIndependentFailures() map[string]bool {
	out := map[string]bool{}
	for k := range d.failed {
		checks := d.errorChecksOf[k]
		runScoped := len(checks) > 0
		for c := range checks {
			runScoped = runScoped && runScopedChecks[c]
		}
		if !runScoped {
			out[k] = true
		}
	}
	return out
}

// runCLI runs `apiconform run` with flags, its reports into a folder of its own.
func runCLI(t *testing.T, bin string, flags []string) *driverRun {
	t.Helper()
	reports := t.TempDir()
	args := append([]string{"run", "--report-dir=" + reports, "--no-color"}, flags...)
	return runDriver(t, "apiconform run", reports, bin, args, nil)
}

// runSuite runs the conformance suite's binary as `make conform` runs it: the flags in
// APICONFORM_FLAGS, the order randomized.
func runSuite(t *testing.T, bin string, flags []string) *driverRun {
	t.Helper()
	reports := t.TempDir()
	env := "APICONFORM_FLAGS=" + strings.Join(append([]string{"--report-dir=" + reports, "--no-color"}, flags...), " ")
	args := append(slices.Clip(ginkgoArgs), fmt.Sprintf("--ginkgo.seed=%d", rand.Int64N(1<<31)))
	return runDriver(t, "conformance suite", reports, bin, args, []string{env})
}

func runDriver(t *testing.T, name, reports, bin string, args, env []string) *driverRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = reports // anything written relative to the working folder stays in the test's
	cmd.Env = append(scrubbedEnv(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	command := strings.Join(append(slices.Clip(env), filepath.Base(bin)), " ") + " " + strings.Join(args, " ")
	d := &driverRun{name: name, command: command, output: out.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		d.code = exit.ExitCode()
	default:
		t.Fatalf("%s: %s: %v (%v)\n%s", name, command, err, ctx.Err(), tail(d.output, outputLines))
	}
	d.scenarios, d.failed, d.reportErr = readJUnit(filepath.Join(reports, "junit.xml"))
	if d.reportErr == nil {
		d.errorChecks, d.errorChecksOf, d.reportErr = readErrorChecks(filepath.Join(reports, "violations.json"))
	}
	return d
}

// scrubbedEnv is this process's environment without the variables that would point a driver at
// a server, give it credentials or flags, or change its output: APICONFORM_*, CONFLUENT_*,
// APINIZER_*, NO_COLOR. The drivers then run against the embedded mock with the demo credentials.
func scrubbedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		if upper == "NO_COLOR" || strings.HasPrefix(upper, "APICONFORM_") || strings.HasPrefix(upper, "CONFLUENT_") || strings.HasPrefix(upper, "APINIZER_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// The parts of junit.xml the comparison needs.
type junitTestsuites struct {
	XMLName xml.Name         `xml:"testsuites"`
	Suites  []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name  string          `xml:"name,attr"`
	Cases []junitTestcase `xml:"testcase"`
}

type junitTestcase struct {
	Name    string        `xml:"name,attr"`
	Failure *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
}

// readJUnit returns the scenarios of a junit.xml (one testsuite per API) and those that failed,
// each as "API / scenario".
func readJUnit(path string) (all, failed map[string]bool, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var doc junitTestsuites
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	all, failed = map[string]bool{}, map[string]bool{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			key := s.Name + " / " + c.Name
			all[key] = true
			if c.Failure != nil {
				failed[key] = true
			}
		}
	}
	return all, failed, nil
}

// violationRecord is the part of a violations.json entry the comparison needs.
type violationRecord struct {
	API      string `json:"api"`
	Scenario string `json:"scenario"`
	Check    string `json:"check"`
	Severity string `json:"severity"`
}

// readErrorChecks returns the check IDs of the error-severity violations of a violations.json,
// all of them and by scenario ("API / scenario", as readJUnit keys them).
func readErrorChecks(path string) (checks map[string]bool, byScenario map[string]map[string]bool, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var records []violationRecord
	if err := json.Unmarshal(raw, &records); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	checks, byScenario = map[string]bool{}, map[string]map[string]bool{}
	for _, r := range records {
		if r.Severity != string(runner.SeverityError) {
			continue
		}
		checks[r.Check] = true
		key := r.API + " / " + r.Scenario
		if byScenario[key] == nil {
			byScenario[key] = map[string]bool{}
		}
		byScenario[key][r.Check] = true
	}
	return checks, byScenario, nil
}

// compareSets fails the test when the drivers' sets differ, naming what only one has.
func compareSets(t *testing.T, what string, cli, suite map[string]bool) {
	t.Helper()
	var onlyCLI, onlySuite []string
	for k := range cli {
		if !suite[k] {
			onlyCLI = append(onlyCLI, k)
		}
	}
	for k := range suite {
		if !cli[k] {
			onlySuite = append(onlySuite, k)
		}
	}
	if len(onlyCLI)+len(onlySuite) == 0 {
		return
	}
	sort.Strings(onlyCLI)
	sort.Strings(onlySuite)
	t.Errorf("%s differ:\n  only apiconform run: %q\n  only the conformance suite: %q", what, onlyCLI, onlySuite)
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func orNone(err error) string {
	if err == nil {
		return "read"
	}
	return err.Error()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines before]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
