package mock

import (
	"fmt"
	"sort"
	"strings"

	"github.com/apiconform/apiconform/mock/apinizer"
	"github.com/apiconform/apiconform/mock/confluent"
	"github.com/apiconform/apiconform/mock/internal/core"
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

// faultTable is the one table of faults: each ID, its bit (core.Fault), the API it breaks, and
// the check that catches it. An API is given the bits of the faults whose API is its name (see
// faultsOf): the code that breaks the contract asks its request whether a fault is on, never
// which API it is for. Never rename an ID: suites and users name them.
var faultTable = []struct {
	bit core.Fault
	Fault
}{
	{core.DropRequestID, Fault{ID: "drop-request-id", API: confluent.Name, Check: "header-present",
		Doc: "Confluent responses carry no X-Request-Id; shown by DELETE of env-demo2 with demo-key (204)"}},
	{core.DuplicateRequestID, Fault{ID: "duplicate-request-id", API: confluent.Name, Check: "request-id-unique",
		Doc: "every Confluent response carries the same X-Request-Id; shown by two GETs of env-demo2 with demo-key"}},
	{core.ErrorStatusNumber, Fault{ID: "error-status-number", API: confluent.Name, Check: "body-schema",
		Doc: "errors[].status is a JSON number, not a string; shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{core.ErrorExtraProperty, Fault{ID: "error-extra-property", API: confluent.Name, Check: "body-schema",
		Doc: "each error item carries an undeclared property (hint); shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{core.ErrorStatusMismatch, Fault{ID: "error-status-mismatch", API: confluent.Name, Check: "error-status-match",
		Doc: "errors[].status differs from the HTTP status (\"500\", or \"503\" on a 500); shown by DELETE of env-nope with demo-key (404)"}},
	{core.RateLimitResetEpoch, Fault{ID: "ratelimit-reset-epoch", API: confluent.Name, Check: "ratelimit-semantics",
		Doc: "X-RateLimit-Reset is UTC epoch seconds, not relative seconds; shown by DELETE of env-demo2 with demo-key (204)"}},
	{core.RateLimitRemainingAboveLimit, Fault{ID: "ratelimit-remaining-above-limit", API: confluent.Name, Check: "ratelimit-semantics",
		Doc: "X-RateLimit-Remaining is X-RateLimit-Limit + 1; shown by DELETE of env-demo2 with demo-key (204)"}},
	{core.RateLimitNonInteger, Fault{ID: "ratelimit-non-integer", API: confluent.Name, Check: "header-schema",
		Doc: "X-RateLimit-Reset is sent with a fraction (e.g. 59.5), not an integer; shown by DELETE of env-demo2 with demo-key (204)"}},
	{core.MissingRetryAfter, Fault{ID: "missing-retry-after", API: confluent.Name, Check: "header-present",
		Doc: "a 429 carries no Retry-After; shown by DELETE of env-demo2 with ratelimited-key (429)"}},
	{core.MissingWWWAuthenticate, Fault{ID: "missing-www-authenticate", API: confluent.Name, Check: "header-present",
		Doc: "a 401 carries no WWW-Authenticate; shown by any Confluent 401, e.g. DELETE of env-demo2 without credentials"}},
	{core.UndocumentedStatus, Fault{ID: "undocumented-status", API: confluent.Name, Check: "status-documented",
		Doc: "a successful DELETE answers 202 (undocumented) instead of 204; shown by DELETE of env-demo2 with demo-key"}},
	{core.TextPlainError, Fault{ID: "text-plain-error", API: confluent.Name, Check: "content-type",
		Doc: "error bodies are text/plain prose, not an application/json Failure; shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{core.OversizedBody, Fault{ID: "oversized-body", API: confluent.Name, Check: "body-within-cap",
		Doc: "error bodies are padded past 10 MiB, the runner's default cap; shown by any Confluent error, e.g. DELETE of env-nope with demo-key (404)"}},
	{core.HangUp, Fault{ID: "hang-up", API: confluent.Name, Check: "response-received",
		Doc: "a Confluent DELETE gets no response: the connection is closed at once (nothing is deleted); shown by DELETE of env-demo2 with demo-key"}},
	{core.ApinizerMissingErrorDescription, Fault{ID: "apinizer-missing-error-description", API: apinizer.Name, Check: "body-schema",
		Doc: "Apinizer error bodies have no error_description; shown by any Apinizer error, e.g. undeploy of orders-api from production with demo-token (400)"}},
	{core.ApinizerSuccessString, Fault{ID: "apinizer-success-string", API: apinizer.Name, Check: "body-schema",
		Doc: "the top-level success of a 200 is the string \"true\", not a boolean; shown by undeploy of petstore-api from staging with demo-token (200)"}},
	{core.RateLimitOnErrors, Fault{ID: "ratelimit-headers-on-errors", API: confluent.Name, Check: "drift-header",
		Doc: "Confluent errors to an authenticated request (403, 404, 409) carry X-RateLimit-* headers, which the spec documents only on successes and 429: drift, a warning unless --strict; shown by DELETE of env-nope with demo-key (404)"}},
	// The faults below are found by generated requests (apiconform probe), not by the scenarios.
	{core.LongIDServerError, Fault{ID: "long-id-server-error", API: confluent.Name, Check: "server-error",
		Doc: "an environment ID holding a / (sent as %2F) or longer than 64 characters gets a 500 instead of a 400; shown by GET of env-%2F with demo-key"}},
	{core.DeleteWithoutCredentials, Fault{ID: "delete-without-credentials", API: confluent.Name, Check: "auth-enforced",
		Doc: "a DELETE of an environment without an Authorization header is carried out as if a key that may delete had sent it (204); shown by DELETE of env-demo2 without credentials"}},
	{core.ApinizerPersistentString, Fault{ID: "apinizer-persistent-string-accepted", API: apinizer.Name, Check: "negative-data-rejected",
		Doc: "an undeploy body whose persistent is a string (\"yes\") is accepted with 200 as if it were true; shown by undeploy of petstore-api from staging with demo-token and {\"persistent\": \"yes\"}"}},
	{core.PutEnvironment, Fault{ID: "put-environment-accepted", API: confluent.Name, Check: "unsupported-method",
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

// faultsOf returns the faults of set that the table gives to api.
func faultsOf(set core.FaultSet, api string) core.FaultSet {
	var out core.FaultSet
	for _, f := range faultTable {
		if f.API == api && set.Has(f.bit) {
			out = out.With(f.bit)
		}
	}
	return out
}

// CheckFaults returns the error New would give for these fault IDs (an unknown ID, naming the
// known ones), or nil.
func CheckFaults(ids []string) error {
	_, _, err := parseFaults(ids)
	return err
}

// parseFaults turns fault IDs into a set, and the sorted list of their IDs; an unknown ID is an
// error listing the known ones.
func parseFaults(ids []string) (core.FaultSet, []string, error) {
	var set core.FaultSet
	var names, unknown []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		found := false
		for _, f := range faultTable {
			if f.ID == id {
				if !set.Has(f.bit) {
					names = append(names, id)
				}
				set = set.With(f.bit)
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
