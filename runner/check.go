package runner

import (
	"fmt"
	"sort"
	"strings"
)

// Scope says what a check holds a response to.
type Scope string

// Scopes.
const (
	// ScopeTransport checks that a complete response arrived at all.
	ScopeTransport Scope = "transport"
	// ScopeContract checks hold the response to the spec; they run in every mode.
	ScopeContract Scope = "contract"
	// ScopeScenario checks hold the response to the scenario's expectations; --contract-only
	// turns them off.
	ScopeScenario Scope = "scenario"
	// ScopeDrift checks record what the server does that the spec does not describe; they are
	// warnings unless the run is strict.
	ScopeDrift Scope = "drift"
	// ScopeRequest checks hold an observed request (proxied or recorded traffic) to the
	// operation: they run only through Checker.CheckObserved, never on apiconform's own
	// requests, some of which are wrong on purpose.
	ScopeRequest Scope = "request"
	// ScopeProbe checks hold the answer to a request apiconform generated (apiconform probe) to
	// what that request was meant to be (Intent): they run only through Checker.CheckProbe.
	ScopeProbe Scope = "probe"
)

// Check is a named, registered unit of checking. Run returns the findings of one exchange; the
// Checker stamps each with the check's ID and severity and the exchange's operation and request.
type Check struct {
	ID       string
	Severity Severity
	Scope    Scope
	// Doc is a one-line description, shown by `apiconform checks`.
	Doc string
	Run func(in *Input) []Violation
}

// Input is what a check sees of one exchange. Response is never nil for contract, scenario and
// drift checks: they run only when a response arrived.
type Input struct {
	Op       *Operation
	Exchange *Exchange
	Response *RecordedResponse
	// Documented is the spec's response for the status, or nil when the status is undocumented
	// (documentedResponse, facts.go).
	Documented *responseFacts
	// Expect is the scenario's expectation; nil when there is none (contract-only runs).
	Expect *Expectation
	// PathParams are the request's path parameters, for the request checks (observed traffic).
	PathParams map[string]string
	// Intent says what a generated request was meant to be (probe checks); nil otherwise.
	Intent  *Intent
	Options CheckOptions
	// RunState is shared by every exchange of one run (request-id-unique).
	RunState *RunState

	// The facts of the exchange that checks read, each worked out once, on first use (facts.go).
	exchangeFacts
}

// checks is the one table of every check, in the order they run. Add a check here, in its own
// check_<id>.go file with its tests; never rename an ID: users filter on them.
var checks = []Check{
	{ID: "response-received", Severity: SeverityError, Scope: ScopeTransport, Run: checkResponseReceived,
		Doc: "a complete HTTP response arrived (no refused connection, reset, timeout or TLS failure)"},
	{ID: "body-within-cap", Severity: SeverityError, Scope: ScopeContract, Run: checkBodyWithinCap,
		Doc: "the response body is no larger than the client's cap (default 10 MiB)"},
	{ID: "no-redirect", Severity: SeverityError, Scope: ScopeContract, Run: checkNoRedirect,
		Doc: "the response is not an undocumented redirect (redirects are never followed)"},
	{ID: "status-documented", Severity: SeverityError, Scope: ScopeContract, Run: checkStatusDocumented,
		Doc: "the status is declared for the operation (or a default response exists)"},
	{ID: "content-type", Severity: SeverityError, Scope: ScopeContract, Run: checkContentType,
		Doc: "the response's media type is one the spec declares for the status; no body where none is declared"},
	{ID: "body-schema", Severity: SeverityError, Scope: ScopeContract, Run: checkBodySchema,
		Doc: "the body validates against the declared schema (every error, each with its JSON pointer)"},
	{ID: "header-present", Severity: SeverityError, Scope: ScopeContract, Run: checkHeaderPresent,
		Doc: "the headers the spec documents for the response are present (only required ones when lenient)"},
	{ID: "header-schema", Severity: SeverityError, Scope: ScopeContract, Run: checkHeaderSchema,
		Doc: "each documented response header that is present has the declared type and constraints"},
	{ID: "error-status-match", Severity: SeverityError, Scope: ScopeContract, Run: checkErrorStatusMatch,
		Doc: "each status an error body carries (where the API profile says, e.g. errors[].status) equals the HTTP status"},
	{ID: "ratelimit-semantics", Severity: SeverityError, Scope: ScopeContract, Run: checkRateLimitSemantics,
		Doc: "the API profile's rate-limit headers: 0 <= Remaining <= Limit, Reset as the profile says (relative or epoch seconds), Retry-After on 429 a non-negative integer"},
	{ID: "request-id-unique", Severity: SeverityError, Scope: ScopeContract, Run: checkRequestIDUnique,
		Doc: "no two responses in one run share a request ID (the header the API profile names)"},
	{ID: "drift-status", Severity: SeverityWarning, Scope: ScopeDrift, Run: checkDriftStatus,
		Doc: "drift: the server answered a status the pinned spec does not describe"},
	{ID: "drift-header", Severity: SeverityWarning, Scope: ScopeDrift, Run: checkDriftHeader,
		Doc: "drift: a contract-like response header (auth, Retry-After, deprecation, the API profile's, any documented elsewhere) undocumented for the status"},
	{ID: "drift-property", Severity: SeverityWarning, Scope: ScopeDrift, Run: checkDriftProperty,
		Doc: "drift: a body property the schema does not name, where the schema allows extra properties"},
	{ID: "drift-enum", Severity: SeverityWarning, Scope: ScopeDrift, Run: checkDriftEnum,
		Doc: "drift: a value outside an extensible enum, or an error code outside the known codes (extensions the API profile names)"},
	{ID: "request-parameters", Severity: SeverityError, Scope: ScopeRequest, Run: checkRequestParameters,
		Doc: "observed traffic: the request's path, query, header and cookie parameters are the operation's"},
	{ID: "request-body", Severity: SeverityError, Scope: ScopeRequest, Run: checkRequestBody,
		Doc: "observed traffic: the request body has a declared media type and validates against its schema"},
	{ID: "request-security", Severity: SeverityError, Scope: ScopeRequest, Run: checkRequestSecurity,
		Doc: "observed traffic: the request carries a credential of a kind the operation accepts"},
	{ID: "server-error", Severity: SeverityError, Scope: ScopeProbe, Run: checkServerError,
		Doc: "probe: a generated request gets no 5xx (a documented 500 is still a server bug when the request was the probe's)"},
	{ID: "negative-data-rejected", Severity: SeverityError, Scope: ScopeProbe, Run: checkNegativeDataRejected,
		Doc: "probe: a request the spec forbids (an invalid body or parameter) gets no 2xx"},
	{ID: "auth-enforced", Severity: SeverityError, Scope: ScopeProbe, Run: checkAuthEnforced,
		Doc: "probe: a secured operation answers no 2xx to a request without valid credentials"},
	{ID: "unsupported-method", Severity: SeverityError, Scope: ScopeProbe, Run: checkUnsupportedMethod,
		Doc: "probe: a method the path does not document gets a 4xx (a 405 with Allow), never a 2xx or 5xx"},
	{ID: "status-expected", Severity: SeverityError, Scope: ScopeScenario, Run: checkStatusExpected,
		Doc: "the status equals what the scenario expects"},
	{ID: "header-expected", Severity: SeverityError, Scope: ScopeScenario, Run: checkHeaderExpected,
		Doc: "the headers the scenario expects are present"},
	{ID: "body-expected", Severity: SeverityError, Scope: ScopeScenario, Run: checkBodyExpected,
		Doc: "the body satisfies the scenario's gjson assertions"},
}

// All returns every registered check, in run order.
func All() []Check {
	return append([]Check(nil), checks...)
}

// IDs returns the IDs of every registered check, in run order.
func IDs() []string {
	ids := make([]string, len(checks))
	for i, c := range checks {
		ids[i] = c.ID
	}
	return ids
}

// Lookup returns the check with the given ID.
func Lookup(id string) (Check, bool) {
	for _, c := range checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Select returns the registered checks to run: only those in enable when it is not empty, minus
// those in disable. An unknown ID is an error that lists the known ones.
func Select(enable, disable []string) ([]Check, error) {
	var unknown []string
	for _, id := range append(append([]string(nil), enable...), disable...) {
		if _, ok := Lookup(id); !ok {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown check ID(s) %s; known: %s", strings.Join(unknown, ", "), strings.Join(IDs(), ", "))
	}
	in := func(list []string, id string) bool {
		for _, x := range list {
			if x == id {
				return true
			}
		}
		return false
	}
	var out []Check
	for _, c := range checks {
		if len(enable) > 0 && !in(enable, c.ID) {
			continue
		}
		if in(disable, c.ID) {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
