package run

import (
	"net/http"
	"time"

	"github.com/apiconform/apiconform/mock"
)

// Config is everything a run needs to know. Every field has a working zero value: the zero
// Config runs every embedded API's embedded scenarios against the embedded mock, with every
// check, sending nothing that changes state anywhere but on loopback.
type Config struct {
	// APIs names the APIs to run (specs.Names()); empty: all of them.
	APIs []string
	// Target is the base URL of the server under test for every API; empty: the embedded mock.
	// APICONFORM_<API>_TARGET (read through Getenv) wins over it for its API, and
	// APICONFORM_TARGET is used when both are empty.
	Target string
	// Scenarios are scenario files to run instead of the embedded ones; each replaces the
	// embedded file of the API it names (its `api:` key). At most one per API.
	Scenarios []string
	// Labels is a Ginkgo label-filter expression ("auth && !destructive") over each scenario's
	// labels and its API's name; empty selects every scenario.
	Labels string
	// Checks, when not empty, are the only check IDs run; SkipChecks are not run.
	Checks, SkipChecks []string
	// ContractOnly holds responses to the spec only, not to the scenarios' expectations; a
	// scenario that cannot go on then ends as not run instead of failing.
	ContractOnly bool
	// Strict turns drift warnings into errors.
	Strict bool
	// Lenient makes header-present require only headers marked required.
	Lenient bool
	// AllowDestructive lets mutating requests (any method but GET, HEAD, OPTIONS) leave for a
	// target that is not loopback. Without it, the scenarios that would send one are skipped.
	AllowDestructive bool
	// DryRun prepares every request and sends none.
	DryRun bool
	// RequestTimeout bounds each request (0: 30 s).
	RequestTimeout time.Duration
	// MaxBody caps the bytes of a response body read (0: 10 MiB).
	MaxBody int64
	// Rate caps the requests per second (0: no cap).
	Rate float64
	// MaxRetries is how often a 429 that a step does not expect is retried (0: never).
	MaxRetries int
	// MaxRetryWait bounds one wait before a retry (0: 30 s).
	MaxRetryWait time.Duration
	// CACert names a PEM file of a private CA to trust; Insecure skips certificate checks.
	CACert   string
	Insecure bool
	// MockFaults are fault IDs the embedded mock injects (only when it is the target).
	MockFaults []string
	// MockState is the embedded mock's starting state (nil: the demo state, mock.DefaultState).
	MockState *mock.State
	// Getenv reads credentials, targets (APICONFORM_*_TARGET) and scenario variable overrides
	// (APICONFORM_VAR_<name>); nil: os.Getenv.
	Getenv func(string) string
	// Transport replaces the HTTP transport (tests). The destructive guard stays under it.
	Transport http.RoundTripper
	// OnScenario, when not nil, is called by Run after each scenario, in order.
	OnScenario func(ScenarioResult)

	// CheckOnly opens a session for traffic seen elsewhere (Session.Check: the proxy, recorded
	// exchanges): no scenario file is loaded, nothing is planned or sent, no mock is started
	// or reset.
	CheckOnly bool
	// SpecFile is an OpenAPI document on disk. For an embedded API (the one in APIs) it replaces
	// the embedded spec (a newer vendor revision: "would our traffic still conform to it?"). For
	// any other name it adds an API from files alone: its name is the one in APIs or, when APIs
	// is empty, the `api:` of the one scenario file; it needs that scenario file (unless
	// CheckOnly) and a Target, as it has no embedded scenarios and no mock.
	SpecFile string
	// ProfileFile is an API profile (runner.Profile, YAML or JSON) for the one API in APIs: it
	// replaces the profile in the spec's x-apiconform extension.
	ProfileFile string
	// BasePath is removed from the path of each observed request before it is routed to an
	// operation (the server's base path); empty: the target's path, if any.
	BasePath string
}

// Defaults of Config's zero values.
const (
	DefaultMaxRetryWait = 30 * time.Second
	// ProbeTimeout bounds the GET that asks a loopback target whether it is apiconform's mock.
	ProbeTimeout = 2 * time.Second
)
