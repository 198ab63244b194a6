// Package run is apiconform's run layer: it knows no test framework and no command line. Every
// driver (the Ginkgo suites, `apiconform run`, the fault matrix, the benchmarks) goes through it.
//
// Open wires a run once from a Config (specs, scenario files, targets, credentials, redaction,
// the HTTP client and its destructive guard, the checks) and plans it: which scenarios are
// selected, and which are skipped before anything is sent, with the reason (a mutating request
// toward a host that is not loopback, credentials not set). Session.Run executes the plan and
// returns a Result; Session.Execute runs one planned scenario (the Ginkgo suites run one spec
// each); Session.Check checks one exchange observed elsewhere.
//
// A Result is plain data: per scenario an Outcome (passed, failed, skipped, not run) with its
// reason, exchanges and violations; coverage; live drift; the verdict and its exit code. The
// report package renders it.
package run
