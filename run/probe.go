package run

import (
	"context"
	"net/url"
	"sort"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/scenario"
)

// ProbeTarget is one API of a session as a driver that generates its own requests (apiconform
// probe) needs it: the spec, where requests go, how to send and check them, and the valid
// credentials of each security scheme.
type ProbeTarget struct {
	Name string
	API  *runner.API
	Base *url.URL
	// Checker checks each exchange (Checker.CheckProbe).
	Checker *runner.Checker
	// Credentials maps a security scheme to a valid credential of it: the scenario file's
	// profiles whose values all come from environment variables (the user's own credentials,
	// or the mock's demo ones against apiconform's mock). A scheme without one is absent.
	Credentials map[string]*runner.Credential
	// Profiles maps the same schemes to the profile the credential came from, whose Env names
	// say which variables hold it (to show a request without its secrets).
	Profiles map[string]*scenario.Profile
	// File is the API's scenario file (the embedded one, or --scenarios), and Vars its variables
	// with the APICONFORM_VAR_<name> overrides: the names of real resources of the target.
	File    *scenario.File
	Vars    map[string]string
	session *Session
	api     *apiRun
}

// ProbeTargets returns every API of the session, for a driver of generated requests. The
// session must not be CheckOnly.
func (s *Session) ProbeTargets() []*ProbeTarget {
	out := make([]*ProbeTarget, 0, len(s.apis))
	for _, a := range s.apis {
		t := &ProbeTarget{Name: a.name, API: a.api, Base: a.base, Checker: a.checker, session: s, api: a, File: a.file, Vars: a.vars,
			Credentials: map[string]*runner.Credential{}, Profiles: map[string]*scenario.Profile{}}
		if a.file != nil {
			names := make([]string, 0, len(a.file.Credentials))
			for n := range a.file.Credentials {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				p := a.file.Credentials[n]
				c := a.creds.Profiles[n]
				if p == nil || c == nil || !fromEnvironment(p) || t.Credentials[p.Scheme] != nil {
					continue
				}
				t.Credentials[p.Scheme], t.Profiles[p.Scheme] = c, p
			}
		}
		out = append(out, t)
	}
	return out
}

// fromEnvironment says whether every value of a profile is read from an environment variable.
func fromEnvironment(p *scenario.Profile) bool {
	n := 0
	for _, v := range []scenario.Value{p.Username, p.Password, p.Token} {
		switch {
		case v.IsZero():
		case v.Env == "" || v.Invalid != "":
			return false
		default:
			n++
		}
	}
	return n > 0
}

// Send sends req as the scenarios do: through the session's client (the destructive guard
// included), paced by --rate, 429s it does not expect retried. It returns every exchange, the
// retried 429s first.
func (t *ProbeTarget) Send(ctx context.Context, req runner.Request) ([]*runner.Exchange, error) {
	s := t.session
	opts := scenario.Options{Pacer: s.pacer, MaxRetries: s.cfg.MaxRetries, MaxRetryWait: s.cfg.MaxRetryWait}
	if opts.MaxRetryWait == 0 {
		opts.MaxRetryWait = DefaultMaxRetryWait
	}
	return scenario.Send(ctx, t.api.target.Runner, req, 0, opts)
}

// Refuses says whether the destructive guard would refuse a request with this method (a
// *runner.RefusedError), or nil: to plan, before sending.
func (t *ProbeTarget) Refuses(method string) error {
	return t.session.client.Refuses(method, t.Base)
}

// Count adds an exchange the driver sent, and its violations, to the Result's coverage and live
// drift (not to its failures: the driver reports those as ScenarioResults). An exchange of a
// method the path does not document (intent.UnsupportedMethod) counts as an exchange, not in
// the operation's coverage.
func (t *ProbeTarget) Count(op *runner.Operation, ex *runner.Exchange, vs []runner.Violation, intent *runner.Intent) {
	s := t.session
	s.traffic.mu.Lock()
	defer s.traffic.mu.Unlock()
	acc := s.traffic.generated[t.Name]
	if acc == nil {
		acc = &generatedAcc{coverage: newCoverageAcc(), drift: newDriftAcc()}
		s.traffic.generated[t.Name] = acc
	}
	acc.exchanges++
	if ex.Response != nil {
		acc.responses++
	}
	if intent == nil || !intent.UnsupportedMethod {
		acc.coverage.add(op, ex)
	}
	acc.drift.add("", vs)
}

// generatedAcc accumulates the exchanges a driver of generated requests counted.
type generatedAcc struct {
	exchanges, responses int
	coverage             *coverageAcc
	drift                *driftAcc
}
