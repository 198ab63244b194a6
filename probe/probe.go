package probe

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// Defaults of Options.
const (
	DefaultMaxExamples = 100
	DefaultBudget      = 5 * time.Minute
	// maxShrinkTime bounds the time rapid spends minimising one failure.
	maxShrinkTime = 30 * time.Second
)

// Options tune a probe run. The zero value probes every operation of every target with
// DefaultMaxExamples examples per family, a random seed and no budget.
type Options struct {
	// MaxExamples is how many requests each family of each operation generates (before
	// shrinking a failure); 0: DefaultMaxExamples.
	MaxExamples int
	// Seed makes the run reproducible; 0: a random seed, reported in Report.Seed.
	Seed uint64
	// Budget stops generation once spent; the (operation, family) pairs not reached are not
	// run. 0: no budget.
	Budget time.Duration
	// Operations limits the run to these operation IDs (and the unsupported methods of their
	// paths); empty: every operation.
	Operations []string
	// Families limits the run to these families; empty: all of them.
	Families []Family
	// Known gives, per API name, the values of path parameters that name real resources (see
	// KnownValues): GETs and requests the server must refuse use them.
	Known map[string]map[string][]string
	// OnSubject, when not nil, is called after each operation (and each path's unsupported
	// methods) with what was sent and found.
	OnSubject func(Subject)
	// ReplayFlags are the flags, after --api, that the replay line of each finding repeats so
	// that it runs as this run did: an API from files needs its --spec, --profile and
	// --scenarios (name and value each an element).
	ReplayFlags []string
}

// Report is what a probe run did and found.
type Report struct {
	// Seed is the seed the run used: pass it as --seed to replay the run.
	Seed uint64
	// Results are the run's outcomes, one per operation (or path) and check, then one per
	// family that was not run, for Session.Result.
	Results []run.ScenarioResult
	// Subjects are the operations and paths probed, in order.
	Subjects []Subject
	// Findings are the minimal failing requests, in order.
	Findings []*Finding
	// Requests counts every request sent (setup and clean-up included).
	Requests int
	// BudgetSpent says generation stopped at the budget; Interrupted that the context ended it.
	BudgetSpent bool
	Interrupted bool
}

// Subject is what the probe did to one operation, or to one path's undocumented methods.
type Subject struct {
	API string
	// Name is the operation ID, or the path for the unsupported-method family.
	Name      string
	Operation string
	Requests  int
	// Statuses counts the answers of the requests under test by status (0: no answer).
	Statuses map[int]int
	Families []FamilyRun
	Findings []*Finding
	Duration time.Duration
}

// FamilyRun says how one family of a subject went.
type FamilyRun struct {
	Family Family
	// Examples counts the requests the family generated, shrinking included.
	Examples int
	// NotRun says why the family did not run ("" when it ran).
	NotRun string
	// Stopped says the budget or an interruption cut the family short.
	Stopped bool
}

// Finding is one minimal failing request: the smallest rapid could shrink it to that still
// fails the same checks.
type Finding struct {
	API       string
	Subject   string
	Operation string
	Family    Family
	// Kind is the kind of request within its family (how its body breaks the spec, which edge
	// value, which credentials, which method).
	Kind string
	// Checks are the IDs of the checks the request fails, sorted.
	Checks []string
	// Exchanges are the request's exchanges (retried 429s first), Violations their
	// error-severity violations.
	Exchanges  []*runner.Exchange
	Violations []runner.Violation
	// Intent is what the request was meant to be.
	Intent runner.Intent
	// Curl is the request as a ready-to-run curl command, credentials as shell variables;
	// Setup the commands that put its resources in place first (with the IDs they returned).
	Curl  string
	Setup []string
	// Seed replays the run that found it.
	Seed uint64
	// Flaky says rapid could not make the request fail again (the server's state changed):
	// the failure shown is the first one, not shrunk.
	Flaky bool
	// replay holds Options.ReplayFlags, for the replay line.
	replay []string
}

// Text renders the finding for a reader: what it breaks, the curl commands and the seed.
func (f *Finding) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "minimal failing request (%s family", f.Family)
	if f.Kind != "" && f.Kind != f.Intent.Credentials {
		fmt.Fprintf(&b, ", %s", f.Kind)
	}
	if f.Intent.Invalid != "" {
		fmt.Fprintf(&b, "; %s", f.Intent.Invalid)
	}
	if f.Intent.Credentials != "" && f.Intent.Credentials != runner.CredentialsValid {
		fmt.Fprintf(&b, "; credentials: %s", f.Intent.Credentials)
	}
	b.WriteString("):\n")
	for _, s := range f.Setup {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.WriteString(f.Curl)
	b.WriteByte('\n')
	if f.Flaky {
		b.WriteString("(rapid could not make it fail again: the server's state changed; this is the first failing request, not shrunk)\n")
	}
	fmt.Fprintf(&b, "seed %d: replay with apiconform probe --api %s", f.Seed, f.API)
	for i, arg := range f.replay {
		if i%2 == 1 || !strings.HasPrefix(arg, "--") {
			arg = shellWord(arg)
		}
		b.WriteString(" " + arg)
	}
	fmt.Fprintf(&b, " --operation %s --seed %d", shellWord(f.Operation), f.Seed)
	return b.String()
}

// Run probes every target: for each operation (sorted by ID) each family, then each path's
// undocumented methods, every request through the target's client (the destructive guard,
// pacing and 429 retries applied), every exchange checked with CheckProbe and counted. A
// family whose method the guard refuses is not run. Run returns an error only for an unknown
// operation ID or a fault of the probe itself.
func Run(ctx context.Context, targets []*run.ProbeTarget, opts Options) (*Report, error) {
	if opts.MaxExamples <= 0 {
		opts.MaxExamples = DefaultMaxExamples
	}
	if opts.Seed == 0 {
		opts.Seed = NewSeed()
	}
	if err := checkOperations(targets, opts.Operations); err != nil {
		return nil, err
	}
	d := &driver{ctx: ctx, opts: opts, rep: &Report{Seed: opts.Seed}, start: time.Now()}
	if opts.Budget > 0 {
		d.deadline = d.start.Add(opts.Budget)
	}
	for _, t := range targets {
		if err := d.probeTarget(t); err != nil {
			return d.rep, err
		}
	}
	d.rep.BudgetSpent, d.rep.Interrupted = d.budgetHit, d.interrupted
	return d.rep, nil
}

// NewSeed returns a random seed for a run (never 0).
func NewSeed() uint64 {
	return rand.Uint64N(1<<53-1) + 1 // at most 2^53: exact in JSON numbers too
}

// checkOperations rejects operation IDs no target has.
func checkOperations(targets []*run.ProbeTarget, ids []string) error {
	var known []string
	for _, t := range targets {
		for _, op := range t.API.Operations() {
			known = append(known, op.ID)
		}
	}
	var unknown []string
	for _, id := range ids {
		if !slices.Contains(known, id) {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(known)
		return &UsageError{Msg: fmt.Sprintf("--operation %s: no such operation in the selected APIs (known: %s)",
			strings.Join(unknown, ", "), strings.Join(known, ", "))}
	}
	return nil
}

// UsageError is an error of the options (an unknown operation ID); drivers exit with ExitSetup.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// driver is one probe run.
type driver struct {
	ctx         context.Context
	opts        Options
	rep         *Report
	start       time.Time
	deadline    time.Time
	budgetHit   bool
	interrupted bool
}

// stop says generation must stop: the budget is spent or the context ended.
func (d *driver) stop() bool {
	if d.ctx.Err() != nil {
		d.interrupted = true
		return true
	}
	if !d.deadline.IsZero() && time.Now().After(d.deadline) {
		d.budgetHit = true
		return true
	}
	return false
}

// stopReason says why a family was not reached.
func (d *driver) stopReason() string {
	if d.interrupted {
		return "the run was interrupted before it"
	}
	return fmt.Sprintf("the --budget of %s was spent", d.opts.Budget)
}

func (d *driver) wants(f Family) bool {
	return len(d.opts.Families) == 0 || slices.Contains(d.opts.Families, f)
}

// probeTarget probes one API.
func (d *driver) probeTarget(t *run.ProbeTarget) error {
	pn := &planner{target: t, known: d.opts.Known[t.Name], comp: newCompiler(), plans: map[string]*opPlan{}}
	selected := func(op *runner.Operation) bool {
		return len(d.opts.Operations) == 0 || slices.Contains(d.opts.Operations, op.ID)
	}
	paths := map[string]*pathPlan{}
	var pathOrder []string
	for _, op := range t.API.Operations() {
		if !selected(op) {
			continue
		}
		pl := pn.planOperation(op)
		if err := d.probeOperation(pl); err != nil {
			return err
		}
		if paths[op.Path] == nil {
			paths[op.Path] = &pathPlan{target: t, path: op.Path, base: pl}
			pathOrder = append(pathOrder, op.Path)
		}
	}
	sort.Strings(pathOrder)
	for _, p := range pathOrder {
		pp := paths[p]
		documented := map[string]bool{}
		for _, op := range t.API.Operations() {
			if op.Path == p {
				documented[op.Method] = true
			}
		}
		if documented[http.MethodGet] {
			documented[http.MethodHead] = true // HEAD is GET without the body (RFC 9110)
		}
		for _, m := range probedMethods {
			if documented[m] {
				if m != http.MethodHead || hasMethod(t, p, m) {
					pp.allowed = append(pp.allowed, m)
				}
			} else {
				pp.methods = append(pp.methods, m)
			}
		}
		sort.Strings(pp.allowed)
		if len(pp.methods) == 0 || !d.wants(FamilyMethods) {
			continue
		}
		if err := d.probePath(pp); err != nil {
			return err
		}
	}
	return nil
}

func hasMethod(t *run.ProbeTarget, path, method string) bool {
	for _, op := range t.API.Operations() {
		if op.Path == path && op.Method == method {
			return true
		}
	}
	return false
}

// family is one family of one subject, ready to run.
type family struct {
	name    Family
	subject string
	// draw draws one request; nil when the family cannot run (notRun says why).
	draw   func(*rapid.T) *attempt
	notRun string
}

// operationFamilies lists the families of an operation and why any cannot run.
func (d *driver) operationFamilies(pl *opPlan) []*family {
	var out []*family
	add := func(f Family, draw func(*rapid.T) *attempt, notRun string) {
		if d.wants(f) {
			out = append(out, &family{name: f, subject: pl.op.ID, draw: draw, notRun: notRun})
		}
	}
	noCred := ""
	if len(pl.schemes) > 0 && len(pl.valid) == 0 {
		noCred = fmt.Sprintf("no valid credential is configured for its security schemes (%s): set the environment variables of the scenario file's profiles",
			strings.Join(pl.schemes, ", "))
	}
	refused := ""
	if err := pl.target.Refuses(pl.op.Method); err != nil {
		refused = refusal(pl.op.Method, pl.target)
	}
	reason := func(needsCred bool) string {
		switch {
		case refused != "":
			return refused
		case needsCred && noCred != "":
			return noCred
		}
		return ""
	}
	add(FamilyValid, pl.drawValidAttempt, reason(true))
	if pl.body != nil {
		add(FamilyInvalidBody, pl.drawInvalidBodyAttempt, reason(true))
	}
	if len(pl.params) > 0 {
		add(FamilyPathParams, pl.drawPathAttempt, reason(true))
	}
	if len(pl.schemes) > 0 {
		kinds := pl.credentialKinds()
		add(FamilyCredentials, func(t *rapid.T) *attempt { return pl.drawCredentialsAttempt(t, kinds) }, reason(false))
	}
	return out
}

// refusal is the reason a family whose method the guard refuses was not run.
func refusal(method string, t *run.ProbeTarget) string {
	return fmt.Sprintf("sends %s to %s, which is not loopback; pass %s to send it", method, t.Base.Host, runner.AllowDestructiveFlag)
}

// probeOperation runs the families of one operation and adds its results.
func (d *driver) probeOperation(pl *opPlan) error {
	sub := &Subject{API: pl.target.Name, Name: pl.op.ID, Operation: pl.op.ID}
	fams := d.operationFamilies(pl)
	if len(fams) == 0 {
		return nil // Options.Families leaves it none
	}
	start := time.Now()
	for _, f := range fams {
		if err := d.runFamily(pl.target, sub, f); err != nil {
			return err
		}
	}
	sub.Duration = time.Since(start)
	d.finishSubject(pl.target, sub, d.operationChecks(pl), pl.op.SpecRef)
	return nil
}

// probePath runs the unsupported-method family of one path.
func (d *driver) probePath(pp *pathPlan) error {
	sub := &Subject{API: pp.target.Name, Name: pp.path, Operation: pp.base.op.ID}
	var methods, refused []string
	for _, m := range pp.methods {
		if pp.target.Refuses(m) != nil {
			refused = append(refused, m)
		} else {
			methods = append(methods, m)
		}
	}
	f := &family{name: FamilyMethods, subject: pp.path}
	if len(methods) == 0 {
		f.notRun = refusal(strings.Join(refused, ", "), pp.target)
	} else {
		f.draw = func(t *rapid.T) *attempt { return pp.drawMethodAttempt(t, methods) }
	}
	start := time.Now()
	if err := d.runFamily(pp.target, sub, f); err != nil {
		return err
	}
	sub.Duration = time.Since(start)
	d.finishSubject(pp.target, sub, d.pathChecks(pp.target), "#/paths/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(pp.path))
	return nil
}

// record is one property run: the request as sent and what came back.
type record struct {
	a          *attempt
	req        runner.Request
	setup      []runner.Request
	setupNotes []string
	exchanges  []*runner.Exchange
	violations []runner.Violation
	// failing are the signatures (see signature) of the failures not already found, checks
	// their check IDs.
	failing []string
	checks  []string
	msg     string
}

// runFamily runs one family: rapid's Check until no new check fails, each failure shrunk
// and kept as a Finding. Once a failure is found its checks are set aside, and the family
// runs again to find failures of other checks (each with its own minimal request).
func (d *driver) runFamily(t *run.ProbeTarget, sub *Subject, f *family) error {
	fr := FamilyRun{Family: f.name}
	defer func() { sub.Families = append(sub.Families, fr) }()
	if f.draw == nil {
		fr.NotRun = f.notRun
		return nil
	}
	if f.notRun != "" {
		fr.NotRun = f.notRun
		return nil
	}
	if d.stop() {
		fr.NotRun = d.stopReason()
		return nil
	}
	found := map[string]bool{}
	for round := 0; round < 8; round++ {
		var (
			last     *record
			byMsg    = map[string]*record{}
			firstMsg string
			probeErr error
		)
		prop := func(rt *rapid.T) {
			last = nil
			if probeErr != nil || d.stop() {
				fr.Stopped = fr.Stopped || probeErr == nil
				return
			}
			a := f.draw(rt)
			rec, err := d.perform(t, a, found)
			if err != nil {
				probeErr = err
				return
			}
			fr.Examples++
			sub.Requests += len(rec.exchanges) + len(rec.setup)
			if sub.Statuses == nil {
				sub.Statuses = map[int]int{}
			}
			for _, ex := range rec.exchanges {
				sub.Statuses[ex.Status()]++
			}
			last = rec
			if len(rec.failing) > 0 {
				byMsg[rec.msg] = rec
				if firstMsg == "" {
					firstMsg = rec.msg
				}
				rt.Fatalf("%s", rec.msg) // one call site: rapid compares failures by message and place
			}
		}
		seed := deriveSeed(d.opts.Seed, t.Name, f.subject, string(f.name), round)
		tb := checkRapid(fmt.Sprintf("probe/%s/%s/%s", t.Name, f.subject, f.name), seed, d.opts.MaxExamples, d.shrinkTime(), prop)
		if probeErr != nil {
			var refused *runner.RefusedError
			if errors.As(probeErr, &refused) {
				fr.NotRun = refused.Error()
				return nil
			}
			return fmt.Errorf("probe %s %s (%s family): %w", t.Name, f.subject, f.name, probeErr)
		}
		if tb.panicked != "" {
			return fmt.Errorf("probe %s %s (%s family): %s", t.Name, f.subject, f.name, tb.panicked)
		}
		if !tb.failed || firstMsg == "" {
			break
		}
		minimal, flaky := last, tb.flaky
		if minimal == nil || len(minimal.failing) == 0 {
			minimal = byMsg[firstMsg]
		}
		fd := d.finding(t, f, minimal, flaky)
		sub.Findings = append(sub.Findings, fd)
		d.rep.Findings = append(d.rep.Findings, fd)
		for _, id := range minimal.failing {
			found[id] = true
		}
		if d.stop() {
			break
		}
	}
	return nil
}

// signature identifies a failure within a family: the check, and the kind of request that
// failed it. Each signature is reported once, with its own minimal request.
func signature(check, kind string) string {
	if kind == "" {
		return check
	}
	return check + " [" + kind + "]"
}

// shrinkTime is how long rapid may spend minimising one failure: at most 30 s, and no more
// than what is left of the budget.
func (d *driver) shrinkTime() time.Duration {
	st := maxShrinkTime
	if !d.deadline.IsZero() {
		if left := time.Until(d.deadline); left < st {
			st = max(left, time.Millisecond)
		}
	}
	return st
}

// deriveSeed gives each family of each subject, and each round, a seed of its own, from the
// run's seed: the same --seed replays every one.
func deriveSeed(seed uint64, parts ...any) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, seed)
	for _, p := range parts {
		fmt.Fprintf(h, "\x00%v", p)
	}
	s := h.Sum64()
	if s == 0 {
		s = 1
	}
	return s
}

// perform sends one attempt: the set-up it needs, the request, the clean-up; every exchange
// checked and counted. found are the checks already reported for the family.
func (d *driver) perform(t *run.ProbeTarget, a *attempt, found map[string]bool) (*record, error) {
	pl := a.plan
	rec := &record{a: a}
	params := make(map[string]string, len(a.params))
	for k, v := range a.params {
		params[k] = v
	}
	// A resource of the probe's own, for the last path parameter.
	var created string
	if cr := pl.creator; cr != nil && len(pl.params) > 0 {
		name := pl.params[len(pl.params)-1].name
		if a.sources[name] == sourceCreated {
			id, req, err := d.create(t, cr, a)
			if err != nil {
				return nil, err
			}
			if req != nil {
				rec.setup = append(rec.setup, *req)
			}
			if id != "" {
				created, params[name] = id, id
				rec.setupNotes = append(rec.setupNotes, fmt.Sprintf("# the probe created its own resource (%s %s); it answered %s %q", cr.create.op.Method, cr.create.op.Path, cr.idProp, id))
			}
		}
	}
	// Resources of the scenario file, put in place before a request that must be refused.
	if pl.restore != nil && pl.mutating && a.allKnown() && (a.intent.Invalid != "" || a.intent.Credentials != runner.CredentialsValid) {
		req, err := d.restore(t, pl, params)
		if err != nil {
			return nil, err
		}
		if req != nil {
			rec.setup = append(rec.setup, *req)
			rec.setupNotes = append(rec.setupNotes, fmt.Sprintf("# put the resource in place first (%s)", pl.restore.ID))
		}
	}
	rec.req = d.request(t, a, a.op, params)
	exs, err := t.Send(d.ctx, rec.req)
	d.rep.Requests += len(exs)
	if err != nil {
		return nil, err
	}
	for _, ex := range exs {
		vs := t.Checker.CheckProbe(a.op, ex, &a.intent)
		if !a.routed {
			vs = probeAndTransport(vs)
		}
		t.Count(a.op, ex, vs, &a.intent)
		rec.violations = append(rec.violations, vs...)
	}
	rec.exchanges = exs
	if created != "" {
		name := pl.params[len(pl.params)-1].name
		if err := d.cleanup(t, pl.creator, map[string]string{name: created}); err != nil {
			return nil, err
		}
	}
	if cr := pl.cleanup; cr != nil && !a.intent.UnsupportedMethod {
		// The request under test created something (a valid create, or one the server should
		// have refused): remove it.
		for _, ex := range exs {
			if id := createdID(ex, cr.idProp); id != "" {
				name := templateParams(cr.remove.Path)
				if err := d.cleanup(t, cr, map[string]string{name[len(name)-1]: id}); err != nil {
					return nil, err
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, v := range rec.violations {
		sig := signature(v.Check, a.kind)
		if v.Severity == runner.SeverityError && !found[sig] && !seen[sig] {
			seen[sig] = true
			rec.failing = append(rec.failing, sig)
			rec.checks = append(rec.checks, v.Check)
		}
	}
	sort.Strings(rec.failing)
	sort.Strings(rec.checks)
	rec.checks = slices.Compact(rec.checks)
	if len(rec.failing) > 0 {
		rec.msg = "checks failed: " + strings.Join(rec.failing, ", ")
	}
	return rec, nil
}

// probeAndTransport keeps the violations of the probe and transport checks: a request whose
// URL names another resource (an empty path parameter) says nothing of the operation's
// responses.
func probeAndTransport(vs []runner.Violation) []runner.Violation {
	out := vs[:0:0]
	for _, v := range vs {
		if c, ok := runner.Lookup(v.Check); ok && (c.Scope == runner.ScopeProbe || c.Scope == runner.ScopeTransport) {
			out = append(out, v)
		}
	}
	return out
}

// request builds the runner.Request of an attempt.
func (d *driver) request(t *run.ProbeTarget, a *attempt, op *runner.Operation, params map[string]string) runner.Request {
	r := runner.Request{Op: op, PathParams: params}
	if len(a.query) > 0 {
		r.Query = url.Values{}
		for k, v := range a.query {
			r.Query.Set(k, v)
		}
	}
	if len(a.header) > 0 {
		r.Header = http.Header{}
		for k, v := range a.header {
			r.Header.Set(k, v)
		}
	}
	if a.body.send {
		r.Body = append([]byte{}, a.body.raw...)
		r.ContentType = a.body.contentType
	}
	switch {
	case a.cred.intent == runner.CredentialsValid:
		r.Credential = t.Credentials[a.cred.scheme]
	case a.cred.unknown != nil:
		r.Credential = a.cred.unknown
	case a.cred.header != "":
		if r.Header == nil {
			r.Header = http.Header{}
		}
		r.Header.Set("Authorization", a.cred.header)
	}
	return r
}

// setupCred is the credential set-up and clean-up requests use: the first configured scheme
// the operation accepts.
func setupCred(t *run.ProbeTarget, pl *opPlan) (*runner.Credential, bool) {
	if len(pl.schemes) == 0 {
		return nil, true
	}
	if len(pl.valid) == 0 {
		return nil, false
	}
	return t.Credentials[pl.valid[0]], true
}

// create makes a fresh resource with the creating operation and returns its ID ("" when it
// could not be made: the request then uses its made-up value).
func (d *driver) create(t *run.ProbeTarget, cr *creator, a *attempt) (string, *runner.Request, error) {
	cred, ok := setupCred(t, cr.create)
	if !ok || t.Refuses(cr.create.op.Method) != nil || t.Refuses(cr.remove.Method) != nil {
		return "", nil, nil
	}
	req := runner.Request{Op: cr.create.op, Credential: cred}
	if a.setupBody.send {
		req.Body, req.ContentType = append([]byte{}, a.setupBody.raw...), a.setupBody.contentType
	}
	exs, err := t.Send(d.ctx, req)
	d.rep.Requests += len(exs)
	if err != nil {
		return "", nil, err
	}
	intent := runner.Intent{Credentials: runner.CredentialsValid}
	var id string
	for _, ex := range exs {
		t.Count(cr.create.op, ex, t.Checker.CheckProbe(cr.create.op, ex, &intent), &intent)
		if s := createdID(ex, cr.idProp); s != "" {
			id = s
		}
	}
	return id, &req, nil
}

// createdID returns the ID a 2xx answer to a creating request names (its JSON body's idProp),
// or "".
func createdID(ex *runner.Exchange, idProp string) string {
	if ex.Response == nil || ex.Response.Status < 200 || ex.Response.Status > 299 {
		return ""
	}
	var body map[string]any
	if json.Unmarshal(ex.Response.Body, &body) != nil {
		return ""
	}
	s, _ := body[idProp].(string)
	return s
}

// restore sends the path's POST with the same parameters, to put the resources of the
// scenario file in place.
func (d *driver) restore(t *run.ProbeTarget, pl *opPlan, params map[string]string) (*runner.Request, error) {
	rp := pl.restore
	rpl := &opPlan{op: rp, schemes: rp.SecuritySchemes()}
	for _, s := range rpl.schemes {
		if t.Credentials[s] != nil {
			rpl.valid = append(rpl.valid, s)
		}
	}
	cred, ok := setupCred(t, rpl)
	if !ok || t.Refuses(rp.Method) != nil {
		return nil, nil
	}
	if rb := rp.Op.RequestBody; rb != nil && rb.Value != nil && rb.Value.Required {
		return nil, nil // no body is drawn for it
	}
	req := runner.Request{Op: rp, PathParams: params, Credential: cred}
	exs, err := t.Send(d.ctx, req)
	d.rep.Requests += len(exs)
	if err != nil {
		return nil, err
	}
	intent := runner.Intent{Credentials: runner.CredentialsValid}
	for _, ex := range exs {
		t.Count(rp, ex, t.Checker.CheckProbe(rp, ex, &intent), &intent)
	}
	return &req, nil
}

// cleanup deletes a resource the probe created (a 404 is fine: the request under test may
// have deleted it).
func (d *driver) cleanup(t *run.ProbeTarget, cr *creator, params map[string]string) error {
	rpl := &opPlan{op: cr.remove, schemes: cr.remove.SecuritySchemes()}
	for _, s := range rpl.schemes {
		if t.Credentials[s] != nil {
			rpl.valid = append(rpl.valid, s)
		}
	}
	cred, _ := setupCred(t, rpl)
	req := runner.Request{Op: cr.remove, PathParams: params, Credential: cred}
	exs, err := t.Send(d.ctx, req)
	d.rep.Requests += len(exs)
	if err != nil {
		return err
	}
	intent := runner.Intent{Credentials: runner.CredentialsValid}
	for _, ex := range exs {
		t.Count(cr.remove, ex, t.Checker.CheckProbe(cr.remove, ex, &intent), &intent)
	}
	return nil
}

// finding turns the minimal record of a family into a Finding.
func (d *driver) finding(t *run.ProbeTarget, f *family, rec *record, flaky bool) *Finding {
	fd := &Finding{API: t.Name, Subject: f.subject, Operation: rec.a.plan.op.ID, Family: f.name, Kind: rec.a.kind, Checks: rec.checks,
		Exchanges: rec.exchanges, Intent: rec.a.intent, Seed: d.opts.Seed, Flaky: flaky, replay: d.opts.ReplayFlags}
	for _, v := range rec.violations {
		if v.Severity == runner.SeverityError && slices.Contains(rec.failing, signature(v.Check, rec.a.kind)) {
			fd.Violations = append(fd.Violations, v)
		}
	}
	for i, s := range rec.setup {
		note := ""
		if i < len(rec.setupNotes) {
			note = rec.setupNotes[i] + "\n"
		}
		fd.Setup = append(fd.Setup, note+CurlCommand(curlRequest(t, s, rec.a, true)))
	}
	fd.Curl = CurlCommand(curlRequest(t, rec.req, rec.a, false))
	return fd
}

// curlRequest describes a request for CurlCommand: credentials as the variables their
// profile reads them from.
func curlRequest(t *run.ProbeTarget, r runner.Request, a *attempt, setup bool) CurlRequest {
	u, err := runner.BuildURL(t.Base, r.Op, r.PathParams, r.Query)
	cr := CurlRequest{Method: r.Op.Method}
	if err == nil {
		cr.URL = u.String()
	}
	for _, k := range sortedKeys(r.Header) {
		for _, v := range r.Header[k] {
			cr.Header = append(cr.Header, [2]string{k, v})
		}
	}
	if r.Body != nil {
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
		}
		cr.Header = append(cr.Header, [2]string{"Content-Type", ct})
		cr.Body, cr.HasBody = r.Body, true
	}
	if c := r.Credential; c != nil {
		s := schemeOf(r.Op.API().Doc, c.Scheme)
		cr.Auth = curlAuth(s, c, t.Profiles[c.Scheme], setup || a.cred.intent == runner.CredentialsValid)
	}
	return cr
}

// checkOnceInit makes testing.Short callable outside a test binary, once.
var checkOnceInit sync.Once

// rapidMu serialises Check calls: rapid reads its settings from process-wide flags.
var rapidMu sync.Mutex

// checkRapid runs rapid.Check with prop under the given settings and returns what it said.
func checkRapid(name string, seed uint64, examples int, shrink time.Duration, prop func(*rapid.T)) *checkTB {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	checkOnceInit.Do(func() {
		testing.Init()
		if !flag.Parsed() {
			_ = flag.CommandLine.Parse(nil)
		}
	})
	if testing.Short() {
		examples *= 5 // rapid runs a fifth of the checks under -short
	}
	for k, v := range map[string]string{
		"rapid.checks": strconv.Itoa(examples), "rapid.seed": strconv.FormatUint(seed, 10),
		"rapid.nofailfile": "true", "rapid.failfile": "", "rapid.shrinktime": shrink.String(),
		"rapid.v": "false", "rapid.log": "false", "rapid.debug": "false", "rapid.debugvis": "false",
	} {
		if err := flag.CommandLine.Set(k, v); err != nil {
			panic(fmt.Sprintf("probe: setting rapid's flag %s: %v", k, err))
		}
	}
	tb := &checkTB{name: name}
	func() {
		defer func() {
			if r := recover(); r != nil && r != errFailNow {
				panic(r)
			}
		}()
		rapid.Check(tb, prop)
	}()
	return tb
}

// errFailNow is what checkTB.FailNow panics with; checkRapid recovers it.
var errFailNow = errors.New("probe: rapid stopped the check")

// checkTB is the rapid.TB the probe drives rapid with, outside any test: it keeps what rapid
// reports, and FailNow ends the check with a panic checkRapid recovers.
type checkTB struct {
	name     string
	failed   bool
	flaky    bool
	panicked string
	errs     []string
	logs     int
}

var _ rapid.TB = (*checkTB)(nil)

func (c *checkTB) Helper()      {}
func (c *checkTB) Name() string { return c.name }

// Logf counts rapid's log lines (the minimal case's draws, on the last run); they are not kept.
func (c *checkTB) Logf(string, ...any) { c.logs++ }
func (c *checkTB) Log(...any)          { c.logs++ }

// Skipf, Skip and SkipNow end the check (rapid calls them only for fuzzing).
func (c *checkTB) Skipf(string, ...any) { panic(errFailNow) }
func (c *checkTB) Skip(...any)          { panic(errFailNow) }
func (c *checkTB) SkipNow()             { panic(errFailNow) }

// Errorf records rapid's verdict: a failure (shrunk), a flaky one, or a panic of the probe.
func (c *checkTB) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.failed = true
	c.errs = append(c.errs, msg)
	switch {
	case strings.Contains(msg, "[rapid] flaky test"):
		c.flaky = true
	case strings.Contains(msg, "[rapid] panic after"), strings.Contains(msg, "[rapid] only generated"):
		if c.panicked == "" {
			c.panicked = firstLines(msg, 12)
		}
	}
}
func (c *checkTB) Error(args ...any)                 { c.Errorf("%s", fmt.Sprint(args...)) }
func (c *checkTB) Fatalf(format string, args ...any) { c.Errorf(format, args...); c.FailNow() }
func (c *checkTB) Fatal(args ...any)                 { c.Error(args...); c.FailNow() }
func (c *checkTB) FailNow()                          { c.failed = true; panic(errFailNow) }
func (c *checkTB) Fail()                             { c.failed = true }
func (c *checkTB) Failed() bool                      { return c.failed }

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// feeds says whether a family's requests can fail a check: negative-data-rejected needs
// requests the spec forbids, auth-enforced requests without valid credentials,
// unsupported-method undocumented methods; every family feeds the others.
func feeds(check string, f Family) bool {
	switch check {
	case "negative-data-rejected":
		return f == FamilyInvalidBody || f == FamilyPathParams
	case "auth-enforced":
		return f == FamilyCredentials
	case "unsupported-method":
		return f == FamilyMethods
	}
	return true
}

// operationChecks are the checks an operation's results list, in the registry's order: the
// probe checks its families can fail, then every transport and contract check the session
// runs. The list depends on the spec and the selected checks only, so reports stay stable.
func (d *driver) operationChecks(pl *opPlan) []string {
	var out []string
	for _, c := range pl.target.Checker.Checks() {
		switch c.Scope {
		case runner.ScopeTransport, runner.ScopeContract:
			out = append(out, c.ID)
		case runner.ScopeProbe:
			switch c.ID {
			case "server-error":
				out = append(out, c.ID)
			case "negative-data-rejected":
				if pl.body != nil || pl.constrained {
					out = append(out, c.ID)
				}
			case "auth-enforced":
				if len(pl.schemes) > 0 {
					out = append(out, c.ID)
				}
			}
		}
	}
	return out
}

// pathChecks are the checks a path's unsupported-method results list.
func (d *driver) pathChecks(t *run.ProbeTarget) []string {
	var out []string
	for _, c := range t.Checker.Checks() {
		switch c.ID {
		case "unsupported-method", "server-error", "response-received":
			out = append(out, c.ID)
		}
	}
	return out
}

// finishSubject turns what the families of a subject did into results: one per check (failed
// with its minimal request, passed, or not run when no family that feeds it ran), then one per
// family not run while others ran.
func (d *driver) finishSubject(t *run.ProbeTarget, sub *Subject, checks []string, specRef string) {
	for _, fd := range sub.Findings {
		for _, c := range fd.Checks {
			if !slices.Contains(checks, c) {
				checks = append(checks, c)
			}
		}
	}
	anyRan := false
	for _, fr := range sub.Families {
		anyRan = anyRan || fr.NotRun == ""
	}
	for _, check := range checks {
		sr := run.ScenarioResult{API: t.Name, Name: fmt.Sprintf("probe %s: %s", sub.Name, check), File: specRef,
			Labels: []string{"probe", check}, Duration: sub.Duration}
		var fed bool
		var why string
		for _, fr := range sub.Families {
			if !feeds(check, fr.Family) {
				continue
			}
			if fr.NotRun == "" {
				fed = true
			} else if why == "" {
				why = fr.NotRun
			}
		}
		var fds []*Finding
		for _, f := range sub.Findings {
			if slices.Contains(f.Checks, check) {
				fds = append(fds, f)
			}
		}
		switch {
		case len(fds) > 0:
			// One step per minimal failing request (one per kind of request that fails it).
			var reasons []string
			for _, fd := range fds {
				var vs []runner.Violation
				for _, v := range fd.Violations {
					if v.Check == check {
						vs = append(vs, v)
					}
				}
				name := string(fd.Family) + " family"
				if fd.Kind != "" {
					name += " (" + fd.Kind + ")"
				}
				sr.Steps = append(sr.Steps, run.StepResult{Name: name, Operation: fd.Operation, Exchanges: fd.Exchanges, Violations: vs})
				reasons = append(reasons, fd.Text())
			}
			sr.Outcome, sr.Reason = run.Failed, strings.Join(reasons, "\n\n")
		case !fed && why == "":
			continue // no family of the run can fail it
		case !fed:
			sr.Outcome, sr.Reason = run.NotRun, why
		default:
			sr.Outcome = run.Passed
		}
		d.rep.Results = append(d.rep.Results, sr)
	}
	if anyRan {
		for _, fr := range sub.Families {
			if fr.NotRun != "" {
				d.rep.Results = append(d.rep.Results, run.ScenarioResult{API: t.Name, File: specRef,
					Name: fmt.Sprintf("probe %s: %s family", sub.Name, fr.Family), Labels: []string{"probe", string(fr.Family)},
					Outcome: run.NotRun, Reason: fr.NotRun})
			}
		}
	}
	d.rep.Subjects = append(d.rep.Subjects, *sub)
	if d.opts.OnSubject != nil {
		d.opts.OnSubject(*sub)
	}
}
