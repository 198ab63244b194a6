package run

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/mock"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
	"github.com/apiconform/apiconform/specs"
)

// Session is one wired run: open it with Open, run it with Run (or Execute, scenario by
// scenario), check traffic seen elsewhere with Check, and Close it. Safe for concurrent use.
type Session struct {
	cfg      Config
	apis     []*apiRun
	client   *runner.Client
	redactor *runner.Redactor
	pacer    *scenario.Pacer
	mock     *http.Server
	started  time.Time
	notices  []string
	// mockProbes remembers which loopback targets answered as apiconform's mock.
	mockProbes map[string]bool

	traffic     sessionTraffic
	interrupted atomic.Bool
}

// apiRun is one API of the session, wired.
type apiRun struct {
	name    string
	api     *runner.API
	spec    SpecInfo
	file    *scenario.File
	base    *url.URL
	source  string
	kind    TargetKind
	target  *scenario.Target
	vars    map[string]string
	plan    []*Planned
	creds   *scenario.Credentials
	checker *runner.Checker
}

// Planned is one selected scenario, and why it will be skipped ("" when it will run). Skips are
// decided before anything is sent.
type Planned struct {
	API      string
	Scenario *scenario.Scenario
	// Labels are the scenario's labels and its API's name, as the label filter saw them.
	Labels []string
	// Skip says why nothing of it will be sent, and what would allow it.
	Skip string
	run  *apiRun
}

// UsageError is an error of Open caused by the configuration or its files: a bad flag value, a
// file that does not load, a label filter that selects nothing, half-set credentials. Drivers
// exit with ExitSetup on any error of Open.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error { return &UsageError{Msg: fmt.Sprintf(format, args...)} }

// Open wires a run from cfg: it loads the specs and scenario files, resolves the targets
// (starting the embedded mock when one is needed, recognising and resetting apiconform's own
// mock on loopback), resolves credentials, builds the client and the checks, and plans which
// selected scenarios will run and which are skipped, and why. Nothing is sent to the target but,
// on loopback, a GET asking whether it is apiconform's mock and, if it is, the reset of its
// state. Close releases what Open started.
func Open(cfg Config) (*Session, error) {
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.CheckOnly && len(cfg.Scenarios) > 0 {
		return nil, usagef("--scenarios: this command checks traffic, it runs no scenario")
	}
	files, err := readScenarioFiles(cfg.Scenarios)
	if err != nil {
		return nil, err
	}
	if err := validate(&cfg, files); err != nil {
		return nil, err
	}
	checks, err := runner.Select(cfg.Checks, cfg.SkipChecks)
	if err != nil {
		return nil, usagef("--checks/--skip-checks: %v", err)
	}
	filter, err := parseLabels(cfg.Labels)
	if err != nil {
		return nil, err
	}
	s := &Session{cfg: cfg, started: time.Now(), pacer: scenario.NewPacer(cfg.Rate), traffic: sessionTraffic{byAPI: map[string]*observedAcc{}, generated: map[string]*generatedAcc{}}}
	if err := s.wire(checks, filter, files); err != nil {
		s.Close() // the embedded mock, if it was started
		return nil, err
	}
	return s, nil
}

// wire does Open's work once the configuration is valid.
func (s *Session) wire(checks []runner.Check, filter types.LabelFilter, files map[string]*loadedFile) error {
	cfg := s.cfg
	var err error
	for _, name := range cfg.APIs {
		a, err := loadAPI(name, files[name], cfg)
		if err != nil {
			return err
		}
		s.traffic.byAPI[name] = newObservedAcc()
		s.notices = append(s.notices, a.api.ProfileNotes()...)
		if err := s.resolveTarget(a); err != nil {
			return err
		}
		s.apis = append(s.apis, a)
	}
	if s.mock == nil && len(cfg.MockFaults) > 0 {
		return usagef("--mock-fault applies to the embedded mock only, but every API has a target (%s)", s.apis[0].base.Redacted())
	}
	var secrets []string
	for _, a := range s.apis {
		if a.file == nil {
			a.creds = &scenario.Credentials{}
			continue
		}
		a.creds, err = scenario.ResolveProfiles(a.file, cfg.Getenv, a.kind != Server)
		if err != nil {
			return &UsageError{Msg: err.Error()}
		}
		secrets = append(secrets, a.creds.Secrets...)
	}
	s.redactor = runner.NewRedactor(secrets...)
	s.client, err = runner.NewClient(runner.ClientOptions{
		Timeout: cfg.RequestTimeout, MaxBodyBytes: cfg.MaxBody, CACertFile: cfg.CACert, Insecure: cfg.Insecure,
		Redactor: s.redactor, Transport: cfg.Transport, AllowDestructive: cfg.AllowDestructive,
	})
	if err != nil {
		return &UsageError{Msg: err.Error()}
	}
	opts := runner.CheckOptions{Lenient: cfg.Lenient, ContractOnly: cfg.ContractOnly, Strict: cfg.Strict}
	for _, a := range s.apis {
		a.checker = runner.NewChecker(checks, opts, s.redactor)
		a.target = &scenario.Target{
			Runner:   &runner.Runner{API: a.api, Client: s.client, Checker: a.checker, Base: a.base},
			Profiles: a.creds.Profiles,
		}
	}
	if !cfg.CheckOnly {
		if err := s.plan(filter); err != nil {
			return err
		}
	}
	if cfg.Insecure {
		s.notices = append(s.notices, "INSECURE: TLS certificates are not verified (--insecure)")
	}
	return s.resetOwnMocks()
}

// validate fills in the APIs and checks the values a flag could get wrong; files are the
// scenario files by the API each names.
func validate(cfg *Config, files map[string]*loadedFile) error {
	known := specs.Names()
	if cfg.SpecFile != "" && len(cfg.APIs) == 0 && len(files) == 1 {
		for name := range files {
			cfg.APIs = []string{name} // the API of the one scenario file
		}
	}
	cfg.APIs = slices.Compact(slices.Sorted(slices.Values(cfg.APIs))) // --api x --api x is one API
	if cfg.SpecFile != "" && len(cfg.APIs) == 0 && len(files) == 0 && !cfg.CheckOnly {
		return usagef("--spec %s: give the API's scenario file too (--scenarios FILE, whose api: names the API), or --api NAME for the embedded API it replaces (one of %s)", cfg.SpecFile, strings.Join(known, ", "))
	}
	if cfg.SpecFile != "" && len(cfg.APIs) != 1 {
		return usagef("--spec %s is the spec of one API: say which with --api (one of %s, or a new API's name)", cfg.SpecFile, strings.Join(known, ", "))
	}
	if cfg.ProfileFile != "" && len(cfg.APIs) != 1 {
		return usagef("--profile %s is the profile of one API: say which with --api (one of %s)", cfg.ProfileFile, strings.Join(known, ", "))
	}
	if len(cfg.APIs) == 0 {
		cfg.APIs = known
	}
	seen := map[string]bool{}
	var apis []string
	for _, a := range cfg.APIs {
		if !slices.Contains(known, a) {
			if cfg.SpecFile == "" {
				return usagef("--api %q: no such API (known: %s; another API needs its spec: --spec FILE)", a, strings.Join(known, ", "))
			}
			if !apiName.MatchString(a) {
				return usagef("api %q: an API's name is lower-case letters, digits and dashes, starting with a letter", a)
			}
		}
		if !seen[a] {
			seen[a] = true
			apis = append(apis, a)
		}
	}
	sort.Strings(apis)
	cfg.APIs = apis
	for api, f := range files {
		if !slices.Contains(apis, api) {
			if !slices.Contains(known, api) && cfg.SpecFile == "" {
				return usagef("%s:1: the file says api %q; want one of %s (another API needs its spec: --spec FILE)", f.path, api, strings.Join(known, ", "))
			}
			return usagef("--scenarios %s is for api %s, which this run does not select (--api %s)", f.path, api, strings.Join(apis, ","))
		}
	}
	for _, a := range apis {
		if slices.Contains(known, a) {
			continue
		}
		if !cfg.CheckOnly && files[a] == nil {
			return usagef("api %s has no embedded scenarios: give its scenario file (--scenarios FILE, with api: %s)", a, a)
		}
		if !cfg.CheckOnly && cfg.Target == "" && cfg.Getenv(targetVar(a)) == "" && cfg.Getenv("APICONFORM_TARGET") == "" {
			return usagef("api %s has no embedded mock: give the server to hold to it (--target URL or %s)", a, targetVar(a))
		}
	}
	switch {
	case cfg.RequestTimeout < 0:
		return usagef("--request-timeout %v: must be positive", cfg.RequestTimeout)
	case cfg.MaxBody < 0:
		return usagef("--max-body %d: must be positive", cfg.MaxBody)
	case cfg.Rate < 0:
		return usagef("--rate %v: must not be negative", cfg.Rate)
	case cfg.MaxRetries < 0:
		return usagef("--max-retries %d: must not be negative", cfg.MaxRetries)
	case cfg.MaxRetryWait < 0:
		return usagef("--max-retry-wait %v: must not be negative", cfg.MaxRetryWait)
	}
	if err := mock.CheckFaults(cfg.MockFaults); err != nil {
		return usagef("--mock-fault: %v", err)
	}
	return nil
}

// parseLabels parses a label filter with Ginkgo's own parser; its error is made one plain line.
func parseLabels(expr string) (types.LabelFilter, error) {
	if strings.TrimSpace(expr) == "" {
		return func([]string) bool { return true }, nil
	}
	f, err := types.ParseLabelFilter(expr)
	if err != nil {
		msg := err.Error()
		var ge types.GinkgoError
		if errors.As(err, &ge) {
			lines := strings.Split(strings.TrimSpace(stripFormatting(ge.Message)), "\n")
			msg = strings.TrimSpace(lines[len(lines)-1])
		}
		return nil, usagef("--labels %q: %s (syntax: https://onsi.github.io/ginkgo/#spec-labels)", expr, msg)
	}
	return f, nil
}

// stripFormatting removes Ginkgo's {{colour}} markers from a message.
func stripFormatting(s string) string {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+j+2:]
	}
}

// apiName is what an API's name may be: it becomes part of an environment variable's name.
var apiName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// targetVar is the environment variable that names an API's target.
func targetVar(api string) string {
	return "APICONFORM_" + strings.ToUpper(strings.ReplaceAll(api, "-", "_")) + "_TARGET"
}

// readScenarioFiles reads the scenario files and sorts them by the API each names.
func readScenarioFiles(paths []string) (map[string]*loadedFile, error) {
	out := map[string]*loadedFile{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, usagef("--scenarios %s: %v", p, unwrapPathError(err))
		}
		f, err := scenario.Parse(data, p)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		if prev := out[f.API]; prev != nil {
			return nil, usagef("--scenarios %s and %s are both for api %s: give one file per API", prev.path, p, f.API)
		}
		out[f.API] = &loadedFile{data: data, path: p}
	}
	return out, nil
}

type loadedFile struct {
	data []byte
	path string
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// profileFor returns the profile an API is checked with: --profile's file, else the spec's own
// (nil), else, for a spec file that replaces an embedded API's spec and carries no profile (a
// vendor revision), the embedded spec's: the API is the same, only its spec is newer.
func profileFor(name string, doc *openapi3.T, cfg Config) (*runner.Profile, error) {
	if cfg.ProfileFile != "" {
		p, err := runner.ReadProfile(cfg.ProfileFile)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		return p, nil
	}
	if cfg.SpecFile == "" || !slices.Contains(specs.Names(), name) {
		return nil, nil
	}
	own, err := runner.SpecProfile(cfg.SpecFile, doc)
	if err != nil {
		return nil, &UsageError{Msg: err.Error()}
	}
	if own != nil {
		return own, nil
	}
	embedded, err := specs.Load(name)
	if err != nil {
		return nil, fmt.Errorf("embedded spec of %s: %w", name, err)
	}
	return runner.SpecProfile(name, embedded)
}

// loadAPI loads an API's spec (the embedded one, or cfg.SpecFile) and, unless cfg.CheckOnly, its
// scenario file (the embedded one unless f is given).
func loadAPI(name string, f *loadedFile, cfg Config) (*apiRun, error) {
	var doc *openapi3.T
	var err error
	_, source, _ := specs.Source(name)
	if cfg.SpecFile != "" {
		source = cfg.SpecFile
		if doc, err = specs.LoadFile(cfg.SpecFile); err != nil {
			return nil, &UsageError{Msg: "--spec " + err.Error()}
		}
	} else if doc, err = specs.Load(name); err != nil {
		return nil, &UsageError{Msg: err.Error()}
	}
	profile, err := profileFor(name, doc, cfg)
	if err != nil {
		return nil, err
	}
	api, err := runner.NewAPIWithProfile(name, doc, profile)
	if err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("%s: %v", source, err)}
	}
	a := &apiRun{name: name, api: api, spec: SpecInfo{Source: source}}
	if doc.Info != nil {
		a.spec.Title, a.spec.Version = doc.Info.Title, doc.Info.Version
	}
	if cfg.CheckOnly {
		return a, nil
	}
	if f == nil {
		data, path, err := fixtures.Read(name + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("embedded scenarios of %s: %w", name, err)
		}
		f = &loadedFile{data: data, path: path}
	}
	a.file, err = scenario.Load(f.data, f.path, api)
	if err != nil {
		return nil, &UsageError{Msg: err.Error()}
	}
	a.vars = map[string]string{}
	for k, v := range a.file.Variables {
		if o := cfg.Getenv("APICONFORM_VAR_" + k); o != "" {
			v = o
		}
		a.vars[k] = v
	}
	return a, nil
}

// resolveTarget finds the API's target: APICONFORM_<API>_TARGET, Config.Target,
// APICONFORM_TARGET, else the embedded mock (started once for every API that needs it).
func (s *Session) resolveTarget(a *apiRun) error {
	perAPI := targetVar(a.name)
	for _, src := range []struct{ name, value string }{
		{perAPI, s.cfg.Getenv(perAPI)}, {"--target", s.cfg.Target}, {"APICONFORM_TARGET", s.cfg.Getenv("APICONFORM_TARGET")},
	} {
		if src.value == "" {
			continue
		}
		u, err := runner.ParseTarget(src.value)
		if err != nil {
			return usagef("%s: %v", src.name, err)
		}
		a.base, a.source, a.kind = u, src.name, Server
		// Only an API the mock serves is asked whether its target is the mock (GET /_mock/info).
		if !s.cfg.DryRun && !s.cfg.CheckOnly && slices.Contains(specs.Names(), a.name) && runner.IsLoopback(u) && s.isOwnMock(u) {
			a.kind = OwnMock
		}
		return nil
	}
	if s.cfg.CheckOnly {
		// Recorded traffic: no target at all.
		a.base, a.source, a.kind = &url.URL{}, "recordings", Recorded
		return nil
	}
	if s.mock == nil {
		if err := s.startMock(); err != nil {
			return err
		}
	}
	a.base, a.source, a.kind = &url.URL{Scheme: "http", Host: s.mock.Addr}, "default", EmbeddedMock
	return nil
}

// startMock serves the embedded mock on a free loopback port.
func (s *Session) startMock() error {
	state := s.cfg.MockState
	if state == nil {
		var err error
		if state, err = mock.DefaultState(); err != nil {
			return fmt.Errorf("the embedded mock's state: %w", err)
		}
	}
	handler, err := mock.New(state, mock.Options{Faults: s.cfg.MockFaults})
	if err != nil {
		return usagef("--mock-fault: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("cannot start the embedded mock on loopback: %w", err)
	}
	s.mock = &http.Server{Handler: handler, Addr: ln.Addr().String(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.mock.Serve(ln) }()
	return nil
}

// isOwnMock asks a loopback target whether it is apiconform's mock, once per base URL.
func (s *Session) isOwnMock(base *url.URL) bool {
	if known, ok := s.mockProbes[base.String()]; ok {
		return known
	}
	if s.mockProbes == nil {
		s.mockProbes = map[string]bool{}
	}
	s.mockProbes[base.String()] = probeOwnMock(base)
	return s.mockProbes[base.String()]
}

// probeOwnMock asks a loopback target whether it is apiconform's mock (GET /_mock/info).
func probeOwnMock(base *url.URL) bool {
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + mock.InfoPath
	u.RawPath = ""
	ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return false
	}
	resp, err := loopbackClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var info mock.Info
	return resp.StatusCode == http.StatusOK && decodeSmallJSON(resp, &info) == nil && info.Server == mock.InfoServer
}

// resetOwnMocks restores the starting state of every apiconform mock that is a target, once per
// mock, so that scenarios that use up demo state pass on every run.
func (s *Session) resetOwnMocks() error {
	done := map[string]bool{}
	for _, a := range s.apis {
		if a.kind != OwnMock || done[a.base.Host] {
			continue
		}
		done[a.base.Host] = true
		u := *a.base
		u.Path = strings.TrimSuffix(a.base.Path, "/") + mock.ResetPath
		u.RawPath = ""
		ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
		resp, err := loopbackClient.Do(req)
		cancel()
		if err != nil {
			return fmt.Errorf("the target %s is apiconform's mock, but resetting its state failed: %v", a.base.Host, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			return fmt.Errorf("the target %s is apiconform's mock, but POST %s answered %d", a.base.Host, mock.ResetPath, resp.StatusCode)
		}
		s.notices = append(s.notices, fmt.Sprintf("the target %s is apiconform's mock: its state was reset (POST %s) and its demo credentials are used", a.base.Host, mock.ResetPath))
	}
	return nil
}

// loopbackClient talks to loopback targets only (the mock probe and reset): no proxy, no
// redirects.
var loopbackClient = &http.Client{
	Transport:     &runner.Guard{Next: &http.Transport{Proxy: nil}},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       ProbeTimeout,
}

// plan selects the scenarios the label filter matches and decides, before anything is sent,
// which will be skipped and why.
func (s *Session) plan(filter types.LabelFilter) error {
	selected := 0
	for _, a := range s.apis {
		for _, sc := range a.file.Scenarios {
			labels := append(append([]string(nil), sc.Labels...), a.name)
			if !filter(labels) {
				continue
			}
			selected++
			a.plan = append(a.plan, &Planned{API: a.name, Scenario: sc, Labels: labels, Skip: s.skipReason(a, sc), run: a})
		}
	}
	if selected == 0 {
		return usagef("--labels %q selects no scenario; the labels are: %s", s.cfg.Labels, strings.Join(s.knownLabels(), ", "))
	}
	return nil
}

// skipReason says why a scenario may not be sent to its target, or "".
func (s *Session) skipReason(a *apiRun, sc *scenario.Scenario) string {
	for _, st := range sc.Steps {
		op := a.api.Operation(st.Operation)
		if op == nil {
			continue
		}
		if err := s.client.Refuses(op.Method, a.base); err != nil {
			return fmt.Sprintf("sends %s %s to %s, which is not loopback; pass %s to send it",
				op.Method, op.Path, a.base.Host, runner.AllowDestructiveFlag)
		}
	}
	return a.creds.UnresolvedFor(sc)
}

// knownLabels lists every label of the loaded scenarios and every API name, sorted.
func (s *Session) knownLabels() []string {
	seen := map[string]bool{}
	for _, a := range s.apis {
		seen[a.name] = true
		for _, sc := range a.file.Scenarios {
			for _, l := range sc.Labels {
				seen[l] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Plan returns the selected scenarios of every API, API by API in file order, with the reason
// each skipped one will be skipped.
func (s *Session) Plan() []*Planned {
	var out []*Planned
	for _, a := range s.apis {
		out = append(out, a.plan...)
	}
	return out
}

// Targets describes each API's target, for a banner.
func (s *Session) Targets() []APIResult {
	out := make([]APIResult, 0, len(s.apis))
	for _, a := range s.apis {
		out = append(out, s.apiHeader(a))
	}
	return out
}

func (s *Session) apiHeader(a *apiRun) APIResult {
	return APIResult{API: a.name, Spec: a.spec, Target: a.base.Redacted(), TargetKind: a.kind, TargetSource: a.source}
}

// Notices returns what Open did that a reader should know (a mock reset, TLS unverified).
func (s *Session) Notices() []string { return append([]string(nil), s.notices...) }

// Config returns the session's configuration, with its defaults filled in.
func (s *Session) Config() Config { return s.cfg }

// MarkInterrupted records that the run was cancelled before it ended (a driver that does not
// go through Execute calls it), so that the Result says so.
func (s *Session) MarkInterrupted() { s.interrupted.Store(true) }

// Close stops the embedded mock, if Open started one.
func (s *Session) Close() {
	if s.mock != nil {
		_ = s.mock.Close()
	}
}
