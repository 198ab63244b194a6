package conform

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"

	"github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega" //nolint:revive // the Gomega DSL reads best unqualified

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
	"github.com/apiconform/apiconform/specs"
)

// suite is the state of one API's suite in one Ginkgo process.
type suite struct {
	api    string
	cfg    *Config
	file   *scenario.File
	apiDoc *runner.API
	target *scenario.Target
	vars   map[string]string
	mock   *httptest.Server
	opts   scenario.Options
	// redactor scrubs every credential the suite resolved from what it reports.
	redactor *runner.Redactor
	// ready is true once the configuration and the scenario file loaded.
	ready bool
}

// Describe registers the conformance suite of api (specs.Confluent or specs.Apinizer): one spec
// per scenario of fixtures/<api>.yaml, the embedded mock or the configured target, and the
// end-of-run coverage and drift reports. Call it once, at the top level of the suite package:
//
//	var _ = conform.Describe(specs.Confluent)
func Describe(api string) bool {
	s := &suite{api: api}
	ginkgo.BeforeSuite(s.setUp)
	ginkgo.AfterSuite(s.tearDown)
	ginkgo.ReportAfterSuite(api+" coverage and drift", s.report)
	return ginkgo.Describe(api, ginkgo.Label(api), s.build)
}

// build runs while Ginkgo builds the spec tree (flags are parsed by then): it loads and checks
// the scenario file, then generates one table entry per scenario. A scenario file with problems
// becomes one failing spec that names file and line; nothing is sent.
func (s *suite) build() {
	cfg, err := loadConfig(s.api, os.Getenv)
	if err == nil {
		s.cfg = cfg
		err = s.load()
	}
	s.ready = err == nil
	if err != nil {
		ginkgo.It("loads the configuration and the scenario file", func() {
			ginkgo.Fail(err.Error())
		})
		return
	}
	entries := make([]ginkgo.TableEntry, 0, len(s.file.Scenarios))
	for _, sc := range s.file.Scenarios {
		entries = append(entries, ginkgo.Entry(sc.Name, ginkgo.Label(sc.Labels...), sc))
	}
	ginkgo.DescribeTable("scenarios", s.run, entries)
}

// load reads the spec and the scenario file; problems are reported before any request.
func (s *suite) load() error {
	doc, err := specs.Load(s.api)
	if err != nil {
		return err
	}
	s.apiDoc, err = runner.NewAPI(s.api, doc)
	if err != nil {
		return err
	}
	data, path, err := fixtures.Read(s.api + ".yaml")
	if s.cfg.Scenarios != "" {
		path = s.cfg.Scenarios
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return fmt.Errorf("scenario file: %w", err)
	}
	s.file, err = scenario.Load(data, path, s.apiDoc)
	if err != nil {
		return err
	}
	s.vars = map[string]string{}
	for k, v := range s.file.Variables {
		if o := os.Getenv("APICONFORM_VAR_" + k); o != "" {
			v = o
		}
		s.vars[k] = v
	}
	return nil
}

// setUp starts the embedded mock when there is no target, and builds the runner.
func (s *suite) setUp() {
	if !s.ready {
		return // build reported why, as a failing spec
	}
	base := s.cfg.Target
	if base == nil {
		state, err := mock.DefaultState()
		Expect(err).NotTo(HaveOccurred(), "the embedded mock state")
		handler, err := mock.New(state, mock.Options{Faults: s.cfg.MockFaults})
		Expect(err).NotTo(HaveOccurred(), "--mock-fault")
		s.mock = httptest.NewServer(handler) // always 127.0.0.1
		base, _ = url.Parse(s.mock.URL)
	}
	creds, err := scenario.ResolveProfiles(s.file, os.Getenv, s.cfg.Target == nil)
	Expect(err).NotTo(HaveOccurred(), "credentials")
	profiles := creds.Profiles
	redactor := runner.NewRedactor(creds.Secrets...)
	s.redactor = redactor
	client, err := runner.NewClient(runner.ClientOptions{
		Timeout: s.cfg.RequestTimeout, MaxBodyBytes: s.cfg.MaxBody, CACertFile: s.cfg.CACert,
		Insecure: s.cfg.Insecure, Redactor: redactor, AllowDestructive: s.cfg.AllowDestructive,
	})
	Expect(err).NotTo(HaveOccurred(), "the HTTP client")
	checker := runner.NewChecker(s.cfg.Checks, runner.CheckOptions{Lenient: s.cfg.Lenient, ContractOnly: s.cfg.ContractOnly, Strict: s.cfg.Strict}, redactor)
	s.target = &scenario.Target{Runner: &runner.Runner{API: s.apiDoc, Client: client, Checker: checker, Base: base}, Profiles: profiles}
	s.opts = scenario.Options{Pacer: scenario.NewPacer(s.cfg.Rate), MaxRetries: s.cfg.MaxRetries, MaxRetryWait: s.cfg.MaxRetryWait}
	fmt.Fprintln(os.Stdout, s.banner(base))
}

func (s *suite) banner(base *url.URL) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiconform %s: target %s", s.api, base.Redacted())
	if s.cfg.Target == nil {
		b.WriteString(" (embedded mock")
		if len(s.cfg.MockFaults) > 0 {
			fmt.Fprintf(&b, " with faults %s", strings.Join(s.cfg.MockFaults, ","))
		}
		b.WriteString(")")
	} else {
		fmt.Fprintf(&b, " (from %s)", s.cfg.TargetSource)
	}
	if s.cfg.Insecure {
		b.WriteString("; INSECURE: TLS certificates are not verified")
	}
	if s.cfg.ContractOnly {
		b.WriteString("; contract only")
	}
	if s.cfg.DryRun {
		b.WriteString("; dry run: nothing is sent")
	}
	return b.String()
}

func (s *suite) tearDown() {
	if s.mock != nil {
		s.mock.Close()
	}
}

// run executes one scenario as one spec.
func (s *suite) run(ctx ginkgo.SpecContext, sc *scenario.Scenario) {
	base := s.target.Runner.Base
	if hasLabel(sc, "destructive") && !runner.IsLoopback(base) && !s.cfg.AllowDestructive {
		ginkgo.Skip(fmt.Sprintf("%s: destructive scenario not sent to %s, which is not loopback; pass --allow-destructive to run it", skipPrefix, base.Host))
	}
	opts := s.opts
	var dry strings.Builder
	if s.cfg.DryRun {
		opts.DryRun = &dry
	}
	outcome := scenario.Execute(context.WithoutCancel(ctx), s.target, sc, s.vars, opts)
	if s.cfg.DryRun {
		ginkgo.AddReportEntry("dry run: "+sc.Name, dry.String(), ginkgo.ReportEntryVisibilityAlways)
		Expect(outcome.Err()).NotTo(HaveOccurred())
		return
	}
	ginkgo.AddReportEntry(recordEntry, newRecord(s.api, outcome), ginkgo.ReportEntryVisibilityNever)
	ginkgo.AddReportEntry("exchanges", transcript(outcome, s.redactor), ginkgo.ReportEntryVisibilityFailureOrVerbose)
	Expect(outcome).To(Conform())
}

const skipPrefix = "apiconform safety"

func hasLabel(sc *scenario.Scenario, l string) bool {
	for _, x := range sc.Labels {
		if x == l {
			return true
		}
	}
	return false
}
