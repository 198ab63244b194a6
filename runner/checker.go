package runner

import (
	"hash/maphash"
	"net/http"
	"strings"
	"sync"
)

// CheckOptions tune the checks.
type CheckOptions struct {
	// Lenient makes header-present require only headers marked `required: true`; by default every
	// documented header is expected (vendor specs often mark none required, yet their contract
	// says every response carries, say, its request-ID header).
	Lenient bool
	// ContractOnly turns off the scenario checks (status-expected, header-expected,
	// body-expected): the response is held to the spec only.
	ContractOnly bool
	// Strict turns drift warnings into errors.
	Strict bool
}

// RunState is what checks remember across the exchanges of one run. Safe for concurrent use.
//
// Its memory is bounded, whatever the run's length (a proxy may run for days): it remembers the
// last MaxRememberedRequestIDs request IDs, each as a 64-bit hash (maphash, seeded per run; two
// IDs of one run share a hash with odds below 1 in 10^8 at the bound) with the request that got
// it, its path cut at maxRememberedPath bytes. A repeat of an ID older than that goes unseen.
type RunState struct {
	mu   sync.Mutex
	seed maphash.Seed
	// index maps an ID's hash to its slot in ring; ring holds the IDs seen, the oldest
	// overwritten first once it is full (next is the slot written next).
	index map[uint64]int
	ring  []seenRequestID
	next  int
}

// MaxRememberedRequestIDs is how many request IDs a RunState remembers: the last ones seen.
const MaxRememberedRequestIDs = 1 << 18

// maxRememberedPath bounds the path a RunState keeps of the request that got an ID.
const maxRememberedPath = 128

// ownMethod returns method as a string of its own: the constant for a standard method (no
// allocation), else a copy.
func ownMethod(method string) string {
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace} {
		if method == m {
			return m
		}
	}
	return strings.Clone(method)
}

// seenRequestID is a request ID a RunState remembers: its hash and the request that got it.
type seenRequestID struct {
	hash    uint64
	request requestRef
}

// requestRef names the request a response answered ("DELETE /path" once rendered).
type requestRef struct{ method, path string }

func (r requestRef) String() string { return r.method + " " + r.path }

// NewRunState returns an empty RunState.
func NewRunState() *RunState {
	return &RunState{seed: maphash.MakeSeed(), index: map[uint64]int{}}
}

// rememberRequestID records id as seen for request; it returns the request that saw it first
// when id is not new (among the last MaxRememberedRequestIDs).
func (s *RunState) rememberRequestID(id string, request requestRef) (first requestRef, dup bool) {
	h := maphash.String(s.seed, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if slot, ok := s.index[h]; ok {
		return s.ring[slot].request, true
	}
	// Copies, never the caller's strings: a server's request line read by net/http is one string
	// that Method and the path may be slices of, query included.
	request.method = ownMethod(request.method)
	if len(request.path) > maxRememberedPath {
		request.path = request.path[:maxRememberedPath] + "..."
	} else {
		request.path = strings.Clone(request.path)
	}
	if len(s.ring) < MaxRememberedRequestIDs {
		s.ring = append(s.ring, seenRequestID{h, request})
		s.index[h] = len(s.ring) - 1
		return requestRef{}, false
	}
	delete(s.index, s.ring[s.next].hash)
	s.ring[s.next] = seenRequestID{h, request}
	s.index[h] = s.next
	s.next = (s.next + 1) % MaxRememberedRequestIDs
	return requestRef{}, false
}

// Checker runs a set of checks on exchanges. Safe for concurrent use.
type Checker struct {
	checks   []Check
	opts     CheckOptions
	state    *RunState
	redactor *Redactor
}

// NewChecker returns a Checker that runs checks (see All and Select) with opts. redactor scrubs
// every violation (nil: no secret values are known).
func NewChecker(checks []Check, opts CheckOptions, redactor *Redactor) *Checker {
	return &Checker{checks: checks, opts: opts, state: NewRunState(), redactor: redactor}
}

// Checks returns the checks this Checker runs.
func (c *Checker) Checks() []Check { return c.checks }

// Check runs every applicable check on ex, an exchange of op, and returns all violations, in
// check order. expect is the scenario's expectation, or nil.
func (c *Checker) Check(op *Operation, ex *Exchange, expect *Expectation) []Violation {
	return c.check(&Input{Op: op, Exchange: ex, Expect: expect}, sentByScenario)
}

// CheckObserved checks an exchange apiconform did not send (proxied or recorded traffic) of op,
// whose request had the given path parameters: the request checks, then every check Check runs
// but the scenario ones. A body past the cap is a warning here (body-within-cap): the cap is
// apiconform's, and the body passed through in full.
func (c *Checker) CheckObserved(op *Operation, params map[string]string, ex *Exchange) []Violation {
	vs := c.check(&Input{Op: op, Exchange: ex, PathParams: params}, observedTraffic)
	for i := range vs {
		if vs[i].Check == "body-within-cap" && !c.opts.Strict {
			vs[i].Severity = SeverityWarning
		}
	}
	return vs
}

// CheckProbe checks an exchange of a request the probe generated for op, meant as intent says:
// the probe checks, then the transport checks and, unless the method is one the path does not
// document (the operation says nothing of it then), the contract and drift checks.
func (c *Checker) CheckProbe(op *Operation, ex *Exchange, intent *Intent) []Violation {
	return c.check(&Input{Op: op, Exchange: ex, Intent: intent}, generatedRequest)
}

// exchangeKind says who sent a request, which decides the checks that apply.
type exchangeKind int

const (
	sentByScenario exchangeKind = iota
	observedTraffic
	generatedRequest
)

// applies says whether a check of scope runs on this exchange.
func (c *Checker) applies(scope Scope, in *Input, kind exchangeKind) bool {
	switch scope {
	case ScopeTransport:
		return true
	case ScopeRequest:
		return kind == observedTraffic
	case ScopeProbe:
		return kind == generatedRequest && in.Response != nil
	case ScopeScenario:
		return kind == sentByScenario && !c.opts.ContractOnly && in.Expect != nil && in.Response != nil
	}
	// contract and drift
	if kind == generatedRequest && in.Intent != nil && in.Intent.UnsupportedMethod {
		return false
	}
	return in.Response != nil
}

func (c *Checker) check(in *Input, kind exchangeKind) []Violation {
	op, ex := in.Op, in.Exchange
	in.Response, in.Options, in.RunState = ex.Response, c.opts, c.state
	in.Documented = documentedResponse(op, ex.Response)
	var out []Violation
	for _, chk := range c.checks {
		if !c.applies(chk.Scope, in, kind) {
			continue
		}
		for _, v := range chk.Run(in) {
			v.Check = chk.ID
			v.Severity = chk.Severity
			if chk.Scope == ScopeDrift && c.opts.Strict {
				v.Severity = SeverityError
			}
			v.OperationID = op.ID
			v.Method = ex.Request.Method
			v.Path = ex.Request.Path
			v.Status = ex.Status()
			v.RequestID = op.api.requestID(ex.Response)
			out = append(out, c.redactor.Violation(v))
		}
	}
	return out
}
