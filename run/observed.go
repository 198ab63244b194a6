package run

import (
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/apiconform/apiconform/runner"
)

// Bounds of what a session keeps of observed traffic in full; everything is counted.
const (
	// MaxObservedExamples failing exchanges are kept in full per API (for reports).
	MaxObservedExamples = 50
	// MaxObservedViolations violations are kept per API; the others are counted only.
	MaxObservedViolations = 10_000
	// MaxUnmatchedPaths distinct unmatched requests are listed; the others are counted only.
	MaxUnmatchedPaths = 100
)

// Observed is what Session.Check saw of one API's traffic. Everything is counted; only the first
// failing exchanges and the first violations are kept in full, so that memory stays bounded
// whatever the size of a recording.
type Observed struct {
	Exchanges int `json:"exchanges"`
	// Failed counts the exchanges with an error-severity violation.
	Failed int `json:"failed"`
	// Examples are the first MaxObservedExamples failing exchanges, with their violations.
	Examples []ExchangeResult `json:"examples,omitempty"`
	// Violations are the first MaxObservedViolations violations, in order;
	// ViolationsDropped counts those not kept.
	Violations        []runner.Violation `json:"violations,omitempty"`
	ViolationsDropped int                `json:"violations_dropped,omitempty"`
	// ByCheck counts every violation by check ID.
	ByCheck map[string]int `json:"by_check,omitempty"`
	// Groups count the exchanges per operation and status, sorted.
	Groups []ObservedGroup `json:"groups"`
}

// ObservedGroup is the observed exchanges of one operation answered with one status (0: no
// response).
type ObservedGroup struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Status    int    `json:"status"`
	Exchanges int    `json:"exchanges"`
	Failed    int    `json:"failed"`
	// Checks are the IDs of the error-severity checks that fired in the group, sorted.
	Checks []string `json:"checks,omitempty"`
}

// Unmatched lists observed requests that no operation of any API describes: outside the specs.
type Unmatched struct {
	Count int `json:"count"`
	// Requests are the first MaxUnmatchedPaths distinct "METHOD /path" with how often each came.
	Requests []UnmatchedRequest `json:"requests,omitempty"`
	// Dropped counts the occurrences of requests not listed.
	Dropped int `json:"dropped,omitempty"`
}

// UnmatchedRequest is one distinct request outside the specs.
type UnmatchedRequest struct {
	Request string `json:"request"`
	Count   int    `json:"count"`
}

// observedAcc accumulates one API's observed traffic. Guarded by Session.mu.
type observedAcc struct {
	obs      Observed
	groups   map[groupKey]*ObservedGroup
	checks   map[groupKey]map[string]bool
	coverage *coverageAcc
	drift    *driftAcc
}

type groupKey struct {
	op     string
	status int
}

func newObservedAcc() *observedAcc {
	return &observedAcc{groups: map[groupKey]*ObservedGroup{}, checks: map[groupKey]map[string]bool{},
		coverage: newCoverageAcc(), drift: newDriftAcc(), obs: Observed{ByCheck: map[string]int{}}}
}

// add records one checked exchange of op.
func (o *observedAcc) add(op *runner.Operation, ex *runner.Exchange, vs []runner.Violation) {
	o.obs.Exchanges++
	failed := runner.HasErrors(vs)
	k := groupKey{op.ID, ex.Status()}
	g := o.groups[k]
	if g == nil {
		g = &ObservedGroup{Operation: op.ID, Method: op.Method, Path: op.Path, Status: ex.Status()}
		o.groups[k] = g
		o.checks[k] = map[string]bool{}
	}
	g.Exchanges++
	if failed {
		o.obs.Failed++
		g.Failed++
		if len(o.obs.Examples) < MaxObservedExamples {
			o.obs.Examples = append(o.obs.Examples, ExchangeResult{Exchange: ex, Violations: vs})
		}
	}
	for _, v := range vs {
		o.obs.ByCheck[v.Check]++
		if v.Severity == runner.SeverityError {
			o.checks[k][v.Check] = true
		}
		if len(o.obs.Violations) < MaxObservedViolations {
			o.obs.Violations = append(o.obs.Violations, v)
		} else {
			o.obs.ViolationsDropped++
		}
	}
	o.coverage.add(op, ex)
	o.drift.add("", vs)
}

// snapshot returns a copy of what was observed, groups sorted.
func (o *observedAcc) snapshot() *Observed {
	if o == nil || o.obs.Exchanges == 0 {
		return nil
	}
	cp := o.obs
	cp.Examples = append([]ExchangeResult(nil), o.obs.Examples...)
	cp.Violations = append([]runner.Violation(nil), o.obs.Violations...)
	cp.ByCheck = make(map[string]int, len(o.obs.ByCheck))
	for k, v := range o.obs.ByCheck {
		cp.ByCheck[k] = v
	}
	cp.Groups = make([]ObservedGroup, 0, len(o.groups))
	for k, g := range o.groups {
		gc := *g
		for id := range o.checks[k] {
			gc.Checks = append(gc.Checks, id)
		}
		sort.Strings(gc.Checks)
		cp.Groups = append(cp.Groups, gc)
	}
	sort.Slice(cp.Groups, func(i, j int) bool {
		a, b := cp.Groups[i], cp.Groups[j]
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		return a.Status < b.Status
	})
	return &cp
}

// unmatchedAcc counts observed requests outside the specs. Guarded by Session.mu.
type unmatchedAcc struct {
	count   int
	byReq   map[string]int
	order   []string
	dropped int
}

func (u *unmatchedAcc) add(method, rawURL string) {
	u.count++
	path := rawURL
	if p, err := url.Parse(rawURL); err == nil {
		path = p.EscapedPath()
	}
	key := strings.ToUpper(method) + " " + path
	if u.byReq == nil {
		u.byReq = map[string]int{}
	}
	if _, ok := u.byReq[key]; !ok {
		if len(u.order) >= MaxUnmatchedPaths {
			u.dropped++
			return
		}
		u.order = append(u.order, key)
	}
	u.byReq[key]++
}

func (u *unmatchedAcc) snapshot() Unmatched {
	out := Unmatched{Count: u.count, Dropped: u.dropped}
	for _, k := range u.order {
		out.Requests = append(out.Requests, UnmatchedRequest{Request: k, Count: u.byReq[k]})
	}
	return out
}

// sessionTraffic is the observed-traffic state of a Session.
type sessionTraffic struct {
	mu        sync.Mutex
	byAPI     map[string]*observedAcc
	unmatched unmatchedAcc
	// generated accumulates what ProbeTarget.Count counted, per API.
	generated map[string]*generatedAcc
}
