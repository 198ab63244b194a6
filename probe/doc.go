// Package probe generates requests from the specs and holds every answer to the checks: the
// engine of `apiconform probe` (docs/probe.md).
//
// For each operation of each target (a run.ProbeTarget) the probe runs up to four families of
// requests, and one more per path: valid requests, invalid bodies, path parameters at the
// edges, the credentials matrix, and the methods a path does not document (see Family). Each
// family of each operation is a property of pgregory.net/rapid: rapid draws the requests
// (values from the operation's kin-openapi schemas, generate.go; requests, cases.go), the
// driver sends each through the target (the destructive guard, pacing and 429 retries of the
// run layer), checks the exchange with Checker.CheckProbe and counts it for coverage and drift,
// and the property fails when an error-severity violation comes back. rapid then shrinks the
// request to the smallest that still fails the same way, and the driver reports it as a
// Finding: the exchange, its violations, and a ready-to-run curl command (curl.go) with the
// user's credentials written as the environment variables that hold them.
//
// # Driving rapid outside a test
//
// rapid.Check wants a testing.TB; the binary has none. checkTB implements rapid.TB: it keeps
// rapid's verdict (a failure, a flaky one, a panic of the probe) and its FailNow panics with a
// sentinel that checkRapid recovers. rapid reads its settings from flags it registers on
// flag.CommandLine; checkRapid sets them before each Check, under a mutex (rapid.checks =
// MaxExamples, rapid.seed = a seed derived from the run's seed for this family, rapid.nofailfile
// so that nothing is written to disk, rapid.shrinktime at most 30 s and within the budget), and
// calls testing.Init and flag.Parse once, since rapid's Check calls testing.Short. rapid's own
// deadline only looks at a *testing.T, so the budget is the driver's: once spent, the property
// returns at once without sending anything, and the families not reached are not run.
//
// # Capturing the minimal case
//
// Every property run records its request, exchanges and violations. A failing run is kept by
// its failure message, which names the failures' signatures (check and kind of request): rapid
// compares failures by message and call site, so shrinking keeps the same failure. After
// rapid minimises, it runs the minimal case once more, last: that last run is the Finding. When
// it does not fail (rapid could not reproduce the failure, or the budget ran out meanwhile),
// the last failing run with the first message is. A family then runs again with the found
// signatures set aside, to find the other failures, each with its own minimal request.
//
// # Determinism and safety
//
// The same seed sends the same requests: each family's rapid seed is derived from the run's
// seed, the operation and the family; every choice is a rapid draw; maps are walked in sorted
// order. Values the probe makes up start with Prefix ("apiconform-probe-") wherever the schema
// allows. Real resources (the values the scenario file gives path parameters, KnownValues) are
// used only by safe requests and by requests the server must refuse; a mutating request is
// sent to them only when the path has a POST that puts them back first. A fresh resource is
// made with the operation that creates it (a POST on the parent path) and deleted afterwards,
// as is anything a creating request under test created. Every request goes through
// ProbeTarget.Send: a method the guard refuses is never planned, and its family is reported
// as not run.
package probe
