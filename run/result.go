package run

import (
	"fmt"
	"time"

	"github.com/apiconform/apiconform/runner"
)

// Outcome is how one scenario ended.
type Outcome string

// Outcomes of a scenario.
const (
	// Passed: every step ran and no response broke the contract or the expectation.
	Passed Outcome = "passed"
	// Failed: a response broke the contract (or, without ContractOnly, the scenario's
	// expectation), or the scenario could not go on where it expects it would.
	Failed Outcome = "failed"
	// Skipped: nothing was sent; Reason says why (a mutating request toward a host that is not
	// loopback, credentials not set) and what allows it.
	Skipped Outcome = "skipped"
	// NotRun: the scenario could not go on (a save found nothing, a setup step answered a
	// status the next steps cannot use, a request was refused, the run was interrupted, a dry
	// run); every response it got conformed. Reason says why.
	NotRun Outcome = "not run"
)

// Verdict is what a run says of the target.
type Verdict string

// Verdicts of a run, each with its exit code (ExitCode).
const (
	// Conformant: every scenario that ran conforms (exit 0).
	Conformant Verdict = "conformant"
	// BrokeContract: the target broke the contract, or drifted under Strict (exit 1).
	BrokeContract Verdict = "broke the contract"
	// CouldNotRun: the tool could not do its job: no response arrived at all, nothing was
	// checked, or the run was interrupted (exit 2). Usage and setup errors are errors of Open, with the same exit code.
	CouldNotRun Verdict = "could not run"
	// DryRunDone: a dry run prepared every request and sent none (exit 0).
	DryRunDone Verdict = "dry run"
)

// Exit codes, the same for every driver.
const (
	ExitConformant = 0
	ExitViolations = 1
	ExitSetup      = 2
)

// Result is everything a run observed, as plain data: renderers (package report) need nothing
// else.
type Result struct {
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	// Mode is how the run held responses.
	Mode Mode        `json:"mode"`
	APIs []APIResult `json:"apis"`
	// Verdict and ExitCode sum the run up; Problem says why it could not run.
	Verdict  Verdict `json:"verdict"`
	ExitCode int     `json:"exit_code"`
	Problem  string  `json:"problem,omitempty"`
	// Notices are things the run did that a reader should know (a mock reset, TLS unverified).
	Notices []string `json:"notices,omitempty"`
	// Unmatched counts (and lists) the exchanges given to Check that no operation of any API
	// describes: outside the specs (a warning; an error under Strict).
	Unmatched Unmatched `json:"unmatched"`
	// Interrupted says the run was cancelled (SIGINT) before it ended: the scenarios it did not
	// finish are not run.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Mode is the settings that change what a run reports.
type Mode struct {
	ContractOnly     bool   `json:"contract_only,omitempty"`
	Strict           bool   `json:"strict,omitempty"`
	Lenient          bool   `json:"lenient,omitempty"`
	DryRun           bool   `json:"dry_run,omitempty"`
	AllowDestructive bool   `json:"allow_destructive,omitempty"`
	Insecure         bool   `json:"insecure,omitempty"`
	Labels           string `json:"labels,omitempty"`
	// Traffic says the session checked traffic seen elsewhere (CheckOnly) instead of scenarios.
	Traffic bool `json:"traffic,omitempty"`
}

// APIResult is what the run observed of one API.
type APIResult struct {
	API string `json:"api"`
	// Spec names the pinned document: its title, version and where it was read from.
	Spec SpecInfo `json:"spec"`
	// Target is the base URL (credentials in it redacted), TargetKind what it is, and
	// TargetSource where it came from (a flag, a variable, the default).
	Target       string           `json:"target"`
	TargetKind   TargetKind       `json:"target_kind"`
	TargetSource string           `json:"target_source"`
	Scenarios    []ScenarioResult `json:"scenarios"`
	// Observed is what Session.Check saw of the API's traffic (proxied or recorded), or nil.
	Observed *Observed `json:"observed,omitempty"`
	// Generated counts the requests a driver generated and sent (apiconform probe).
	Generated          int `json:"generated,omitempty"`
	generatedResponses int
	Counts             Counts `json:"counts"`
	// Responses counts the responses that arrived; coverage and drift speak of them only.
	Responses int      `json:"responses"`
	Coverage  Coverage `json:"coverage"`
	Drift     Drift    `json:"drift"`
}

// SpecInfo names a pinned OpenAPI document.
type SpecInfo struct {
	Title   string `json:"title"`
	Version string `json:"version"`
	Source  string `json:"source"`
}

// TargetKind says what a target is; the demo credentials go to the mocks only.
type TargetKind string

// Kinds of target.
const (
	EmbeddedMock TargetKind = "embedded mock"
	OwnMock      TargetKind = "apiconform mock"
	Server       TargetKind = "server"
	// Recorded: no target; the session checks recorded traffic.
	Recorded TargetKind = "recorded traffic"
)

// Counts are the outcomes of an API's scenarios.
type Counts struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	NotRun  int `json:"not_run"`
}

// Total returns the number of scenarios counted.
func (c Counts) Total() int { return c.Passed + c.Failed + c.Skipped + c.NotRun }

func (c *Counts) add(o Outcome) {
	switch o {
	case Passed:
		c.Passed++
	case Failed:
		c.Failed++
	case Skipped:
		c.Skipped++
	case NotRun:
		c.NotRun++
	}
}

// ScenarioResult is how one scenario went.
type ScenarioResult struct {
	API    string   `json:"api"`
	Name   string   `json:"name"`
	File   string   `json:"file"`
	Line   int      `json:"line"`
	Labels []string `json:"labels"`
	// Outcome is how it ended; Reason says why for skipped, not run, and a failure that is not
	// a violation (the scenario could not go on where it expects it would).
	Outcome  Outcome       `json:"outcome"`
	Reason   string        `json:"reason,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	Steps    []StepResult  `json:"steps,omitempty"`
	// DryRun holds the requests a dry run would have sent, redacted.
	DryRun string `json:"dry_run,omitempty"`
}

// StepResult is one step of a scenario: every exchange it made (429s retried first, the
// exchange held to the step's expectation last) and every violation.
type StepResult struct {
	Name       string             `json:"name"`
	Operation  string             `json:"operation"`
	Exchanges  []*runner.Exchange `json:"exchanges,omitempty"`
	Violations []runner.Violation `json:"violations,omitempty"`
	// Error says why the scenario could not go on after this step.
	Error string `json:"error,omitempty"`
}

// Violations returns every violation of every step, in order.
func (s ScenarioResult) Violations() []runner.Violation {
	var out []runner.Violation
	for _, st := range s.Steps {
		out = append(out, st.Violations...)
	}
	return out
}

// ExchangeResult is an exchange checked with Session.Check, and what the checks found.
type ExchangeResult struct {
	Exchange   *runner.Exchange   `json:"exchange"`
	Violations []runner.Violation `json:"violations,omitempty"`
}

// Violations returns every violation of the API kept in full: its scenarios', then those of its
// observed traffic (at most MaxObservedViolations of those: Observed counts the rest).
func (a APIResult) Violations() []runner.Violation {
	var out []runner.Violation
	for _, s := range a.Scenarios {
		out = append(out, s.Violations()...)
	}
	if a.Observed != nil {
		out = append(out, a.Observed.Violations...)
	}
	return out
}

// Counts sums the outcomes of every API.
func (r *Result) Counts() Counts {
	var c Counts
	for _, a := range r.APIs {
		c.Passed += a.Counts.Passed
		c.Failed += a.Counts.Failed
		c.Skipped += a.Counts.Skipped
		c.NotRun += a.Counts.NotRun
	}
	return c
}

// Violations returns every violation of the run, API by API.
func (r *Result) Violations() []runner.Violation {
	var out []runner.Violation
	for _, a := range r.APIs {
		out = append(out, a.Violations()...)
	}
	return out
}

// finish counts outcomes and responses and decides the verdict. Coverage and drift are already
// there.
func (r *Result) finish() {
	anyResponse, anyExchange, anyChecked, failed := false, false, false, false
	var firstTransport string
	for i := range r.APIs {
		a := &r.APIs[i]
		a.Counts = Counts{}
		a.Responses = a.generatedResponses
		if a.Generated > 0 {
			anyExchange = true
			anyResponse = anyResponse || a.generatedResponses > 0
		}
		for _, s := range a.Scenarios {
			a.Counts.add(s.Outcome)
			if s.Outcome == Failed {
				failed = true
			}
			for _, st := range s.Steps {
				for _, ex := range st.Exchanges {
					anyExchange = true
					if ex.Response != nil {
						a.Responses++
						anyResponse = true
					} else if ex.Err != nil && firstTransport == "" {
						firstTransport = ex.Err.Message
					}
				}
			}
		}
		if o := a.Observed; o != nil {
			anyExchange, anyChecked = true, true
			for _, g := range o.Groups {
				if g.Status != 0 {
					a.Responses += g.Exchanges
					anyResponse = true
				}
			}
			if o.Failed > 0 {
				failed = true
			}
			if firstTransport == "" {
				for _, ex := range o.Examples {
					if ex.Exchange.Err != nil {
						firstTransport = ex.Exchange.Err.Message
						break
					}
				}
			}
		}
		if a.Counts.Passed+a.Counts.Failed+a.Counts.NotRun > 0 {
			anyChecked = true
		}
	}
	if r.Mode.Strict && r.Unmatched.Count > 0 {
		failed = true
	}
	switch {
	case r.Mode.DryRun && failed:
		r.Verdict, r.ExitCode = CouldNotRun, ExitSetup
		r.Problem = "a request of the dry run could not be prepared (see the failed scenarios)"
	case r.Mode.DryRun:
		r.Verdict, r.ExitCode = DryRunDone, ExitConformant
	case anyExchange && !anyResponse:
		r.Verdict, r.ExitCode = CouldNotRun, ExitSetup
		r.Problem = "no response arrived from the target"
		if firstTransport != "" {
			r.Problem += ": " + firstTransport
		}
	case failed:
		r.Verdict, r.ExitCode = BrokeContract, ExitViolations
	case r.Interrupted:
		r.Verdict, r.ExitCode = CouldNotRun, ExitSetup
		r.Problem = "the run was interrupted before it ended"
	case !anyChecked && r.Unmatched.Count > 0:
		// Traffic outside the specs is a warning: there is nothing to hold to them.
		r.Verdict, r.ExitCode = Conformant, ExitConformant
		r.Notices = append(r.Notices, fmt.Sprintf("none of the %d exchange(s) matched an operation of the specs: nothing was held to them (is --base-path right?)", r.Unmatched.Count))
	case !anyChecked && r.Mode.Traffic:
		r.Verdict, r.ExitCode = CouldNotRun, ExitSetup
		r.Problem = "nothing was checked: no exchange was observed"
	case !anyChecked:
		r.Verdict, r.ExitCode = CouldNotRun, ExitSetup
		r.Problem = "nothing was checked: every selected scenario was skipped"
	default:
		r.Verdict, r.ExitCode = Conformant, ExitConformant
	}
}
