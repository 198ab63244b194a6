package mock

import (
	"fmt"
	"sort"
	"strings"
)

// Fault is one way the mock can be told to break its contract (Options.Faults, apiconform mock
// --fault). Check is the runner check ID that must catch it; Doc says what breaks and which
// request of the demo state shows it.
type Fault struct {
	ID    string `json:"id"`
	API   string `json:"api"`
	Check string `json:"check"`
	Doc   string `json:"doc"`
}

// fault identifies a fault in a server's fault set.
type fault uint32

const (
	faultDropRequestID fault = 1 << iota
	faultDuplicateRequestID
	faultErrorStatusNumber
	faultErrorExtraProperty
	faultErrorStatusMismatch
	faultRateLimitResetEpoch
	faultRateLimitRemainingAboveLimit
	faultRateLimitNonInteger
	faultMissingRetryAfter
	faultMissingWWWAuthenticate
	faultUndocumentedStatus
	faultTextPlainError
	faultOversizedBody
	faultHangUp
	faultApinizerMissingErrorDescription
	faultApinizerSuccessString
	faultRateLimitOnErrors
	faultLongIDServerError
	faultDeleteWithoutCredentials
	faultApinizerPersistentString
	faultPutEnvironment
)

// faultTable is the one table of faults: each ID, its bit, and the check that catches it. Never
// rename an ID: suites and users name them.
var faultTable = []struct {
	bit fault
	Fault
}{
	{faultDropRequestID, Fault{ID: "drop-request-id", API: "confluent", Check: "header-present",
		Doc: "Confluent responses carry no X-Request-Id; shown by DELETE of env-demo2 with demo-key (204)"}},
	{faultDuplicateRequestID, Fault{ID: "duplicate-request-id", API: "confluent", Check: "request-id-unique",
		Doc: "every Confluent response carries the same X-Request-Id; shown by two GETs of env-demo2 with demo-key"}},
	{faultErrorStatusNumber, Fault{ID: "error-status-number", API: "confluent", Check: "body-schema",
		Doc: "errors[].status is a JSON number, not a string; shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{faultErrorExtraProperty, Fault{ID: "error-extra-property", API: "confluent", Check: "body-schema",
		Doc: "each error item carries an undeclared property (hint); shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{faultErrorStatusMismatch, Fault{ID: "error-status-mismatch", API: "confluent", Check: "error-status-match",
		Doc: "errors[].status differs from the HTTP status (\"500\", or \"503\" on a 500); shown by DELETE of env-nope with demo-key (404)"}},
	{faultRateLimitResetEpoch, Fault{ID: "ratelimit-reset-epoch", API: "confluent", Check: "ratelimit-semantics",
		Doc: "X-RateLimit-Reset is UTC epoch seconds, not relative seconds; shown by DELETE of env-demo2 with demo-key (204)"}},
	{faultRateLimitRemainingAboveLimit, Fault{ID: "ratelimit-remaining-above-limit", API: "confluent", Check: "ratelimit-semantics",
		Doc: "X-RateLimit-Remaining is X-RateLimit-Limit + 1; shown by DELETE of env-demo2 with demo-key (204)"}},
	{faultRateLimitNonInteger, Fault{ID: "ratelimit-non-integer", API: "confluent", Check: "header-schema",
		Doc: "X-RateLimit-Reset is sent with a fraction (e.g. 59.5), not an integer; shown by DELETE of env-demo2 with demo-key (204)"}},
	{faultMissingRetryAfter, Fault{ID: "missing-retry-after", API: "confluent", Check: "header-present",
		Doc: "a 429 carries no Retry-After; shown by DELETE of env-demo2 with ratelimited-key (429)"}},
	{faultMissingWWWAuthenticate, Fault{ID: "missing-www-authenticate", API: "confluent", Check: "header-present",
		Doc: "a 401 carries no WWW-Authenticate; shown by any Confluent 401, e.g. DELETE of env-demo2 without credentials"}},
	{faultUndocumentedStatus, Fault{ID: "undocumented-status", API: "confluent", Check: "status-documented",
		Doc: "a successful DELETE answers 202 (undocumented) instead of 204; shown by DELETE of env-demo2 with demo-key"}},
	{faultTextPlainError, Fault{ID: "text-plain-error", API: "confluent", Check: "content-type",
		Doc: "error bodies are text/plain prose, not an application/json Failure; shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{faultOversizedBody, Fault{ID: "oversized-body", API: "confluent", Check: "body-within-cap",
		Doc: "error bodies are padded past 10 MiB, the runner's default cap; shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{faultHangUp, Fault{ID: "hang-up", API: "confluent", Check: "response-received",
		Doc: "a Confluent DELETE gets no response: the connection is closed at once (nothing is deleted); shown by DELETE of env-demo2 with demo-key"}},
	{faultApinizerMissingErrorDescription, Fault{ID: "apinizer-missing-error-description", API: "apinizer", Check: "body-schema",
		Doc: "Apinizer error bodies have no error_description; shown by any Apinizer error, e.g. undeploy of orders-api from production with demo-token (400)"}},
	{faultApinizerSuccessString, Fault{ID: "apinizer-success-string", API: "apinizer", Check: "body-schema",
		Doc: "the top-level success of a 200 is the string \"true\", not a boolean; shown by undeploy of petstore-api from staging with demo-token (200)"}},
	{faultRateLimitOnErrors, Fault{ID: "ratelimit-headers-on-errors", API: "confluent", Check: "drift-header",
		Doc: "Confluent errors to an authenticated request (403, 404, 409) carry X-RateLimit-* headers, which the spec documents only on successes and 429: drift, a warning unless --strict; shown by DELETE of env-nope with demo-key (404)"}},
	// The faults below are found by generated requests (apiconform probe), not by the scenarios.
	{faultLongIDServerError, Fault{ID: "long-id-server-error", API: "confluent", Check: "server-error",
		Doc: "an environment ID holding a / (sent as %2F) or longer than 64 characters gets a 500 instead of a 400; shown by GET of env-%2F with demo-key"}},
	{faultDeleteWithoutCredentials, Fault{ID: "delete-without-credentials", API: "confluent", Check: "auth-enforced",
		Doc: "a DELETE of an environment without an Authorization header is carried out as if a key that may delete had sent it (204); shown by DELETE of env-demo2 without credentials"}},
	{faultApinizerPersistentString, Fault{ID: "apinizer-persistent-string-accepted", API: "apinizer", Check: "negative-data-rejected",
		Doc: "an undeploy body whose persistent is a string (\"yes\") is accepted with 200 as if it were true; shown by undeploy of petstore-api from staging with demo-token and {\"persistent\": \"yes\"}"}},
	{faultPutEnvironment, Fault{ID: "put-environment-accepted", API: "confluent", Check: "unsupported-method",
		Doc: "PUT on /org/v2/environments/{id}, a method the path does not document, is answered 200; shown by PUT of env-demo2 with demo-key"}},
}

// Faults returns the fault table: every fault ID, the API it breaks, the runner check ID that
// must catch it, and the request that shows it.
func Faults() []Fault {
	out := make([]Fault, len(faultTable))
	for i, f := range faultTable {
		out[i] = f.Fault
	}
	return out
}

// faultSet is the set of faults a server is built with.
type faultSet fault

func (s faultSet) has(f fault) bool { return fault(s)&f != 0 }

// parseFaults turns fault IDs into a set; an unknown ID is an error listing the known ones.
// CheckFaults returns the error New would give for these fault IDs (an unknown ID, naming the
// known ones), or nil.
func CheckFaults(ids []string) error {
	_, _, err := parseFaults(ids)
	return err
}

func parseFaults(ids []string) (faultSet, []string, error) {
	var set faultSet
	var names, unknown []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		found := false
		for _, f := range faultTable {
			if f.ID == id {
				if !set.has(f.bit) {
					names = append(names, id)
				}
				set |= faultSet(f.bit)
				found = true
				break
			}
		}
		if !found {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) > 0 {
		known := make([]string, len(faultTable))
		for i, f := range faultTable {
			known[i] = f.ID
		}
		sort.Strings(unknown)
		return 0, nil, fmt.Errorf("unknown fault ID(s) %s; known: %s", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	sort.Strings(names)
	return set, names, nil
}
