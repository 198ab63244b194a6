package conform

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apiconform/apiconform/runner"
)

// Flags of the suite binaries (pass them after `--` to ginkgo, or with FLAGS= to make conform).
var (
	flagTarget           = flag.String("target", "", "base URL of the server under test (env APICONFORM_TARGET; APICONFORM_<API>_TARGET wins); empty: the embedded mock on loopback")
	flagRequestTimeout   = flag.Duration("request-timeout", runner.DefaultTimeout, "bound on each request, from dialling to the last byte")
	flagMaxBody          = flag.Int64("max-body", runner.DefaultMaxBodyBytes, "bytes of a response body read at most; more is a body-within-cap violation")
	flagContractOnly     = flag.Bool("contract-only", false, "hold responses to the spec only, ignoring scenario expectations (for servers whose state the suite does not control)")
	flagAllowDestructive = flag.Bool("allow-destructive", false, "run scenarios labelled destructive against a target that is not loopback")
	flagStrict           = flag.Bool("strict", false, "turn drift warnings into failures")
	flagLenient          = flag.Bool("lenient", false, "require only headers the spec marks required: true (default: every documented header)")
	flagDryRun           = flag.Bool("dry-run", false, "print every request the suite would send, with credentials redacted, and send none")
	flagCACert           = flag.String("ca-cert", "", "PEM file of a private CA to trust for https targets")
	flagInsecure         = flag.Bool("insecure", false, "skip TLS certificate verification (the run says so)")
	flagRate             = flag.Float64("rate", 0, "requests per second at most (0: no limit)")
	flagMaxRetries       = flag.Int("max-retries", 3, "retries of a 429 a scenario does not expect, after Retry-After")
	flagMaxRetryWait     = flag.Duration("max-retry-wait", 30*time.Second, "longest wait for one retry; a server asking for more is not retried")
	flagChecks           = flag.String("checks", "", "comma-separated check IDs to run (default: all)")
	flagSkipChecks       = flag.String("skip-checks", "", "comma-separated check IDs not to run")
	flagReportDir        = flag.String("report-dir", "", "folder for coverage and drift reports (default: reports/ at the module root)")
	flagScenarios        = flag.String("scenarios", "", "a scenario file to run instead of the embedded fixtures/<api>.yaml (format: fixtures/README.md)")
	flagMockFaults       = flag.String("mock-fault", "", "with the embedded mock: comma-separated fault IDs it injects (see `apiconform mock --list-faults`)")
)

// Config is a suite's resolved configuration.
type Config struct {
	API string
	// Target is the server under test; nil means the embedded mock.
	Target           *url.URL
	TargetSource     string
	RequestTimeout   time.Duration
	MaxBody          int64
	ContractOnly     bool
	AllowDestructive bool
	Strict           bool
	Lenient          bool
	DryRun           bool
	CACert           string
	Insecure         bool
	Rate             float64
	MaxRetries       int
	MaxRetryWait     time.Duration
	Checks           []runner.Check
	ReportDir        string
	MockFaults       []string
	// Scenarios is a scenario file on disk; empty means the embedded one.
	Scenarios string
}

// loadConfig resolves the flags and environment for api. Precedence for the target:
// APICONFORM_<API>_TARGET, then --target, then APICONFORM_TARGET, then the embedded mock.
func loadConfig(api string, getenv func(string) string) (*Config, error) {
	c := &Config{
		API: api, RequestTimeout: *flagRequestTimeout, MaxBody: *flagMaxBody, ContractOnly: *flagContractOnly,
		AllowDestructive: *flagAllowDestructive, Strict: *flagStrict, Lenient: *flagLenient, DryRun: *flagDryRun,
		CACert: *flagCACert, Insecure: *flagInsecure, Rate: *flagRate, MaxRetries: *flagMaxRetries,
		MaxRetryWait: *flagMaxRetryWait, ReportDir: *flagReportDir, MockFaults: splitList(*flagMockFaults),
		Scenarios: *flagScenarios,
	}
	perAPI := "APICONFORM_" + strings.ToUpper(api) + "_TARGET"
	for _, src := range []struct{ name, value string }{
		{perAPI, getenv(perAPI)}, {"--target", *flagTarget}, {"APICONFORM_TARGET", getenv("APICONFORM_TARGET")},
	} {
		if src.value == "" {
			continue
		}
		u, err := runner.ParseTarget(src.value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.name, err)
		}
		c.Target, c.TargetSource = u, src.name
		break
	}
	if c.Target != nil && len(c.MockFaults) > 0 {
		return nil, fmt.Errorf("--mock-fault applies to the embedded mock only, but the target is %s (from %s)", c.Target.Host, c.TargetSource)
	}
	checks, err := runner.Select(splitList(*flagChecks), splitList(*flagSkipChecks))
	if err != nil {
		return nil, fmt.Errorf("--checks/--skip-checks: %w", err)
	}
	c.Checks = checks
	if c.RequestTimeout <= 0 {
		return nil, fmt.Errorf("--request-timeout must be positive, got %v", c.RequestTimeout)
	}
	if c.Rate < 0 || c.MaxRetries < 0 {
		return nil, fmt.Errorf("--rate and --max-retries must not be negative")
	}
	if c.ReportDir == "" {
		c.ReportDir = filepath.Join(moduleRoot(), "reports")
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// moduleRoot finds the folder holding go.mod above the working directory (the suite binary runs
// in its package folder), or the working directory.
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}
