// Package parity holds TestDriversAgree: `apiconform run` and the Ginkgo suite behind
// `make conform` (suites/conformance), each built from this tree, give the same verdicts on the
// embedded mock, with no fault and with each of the mock's faults (mock.Faults): the same exit
// code, the same failed scenarios (junit.xml; but those failed only by a check over the whole
// run, request-id-unique, whose victim depends on the order Ginkgo randomizes) and the same
// checks with error-severity violations (violations.json). The package has no code besides the
// test; `go test -short` skips it.
package parity
