// Package conformance is the Ginkgo suite of both APIs: one spec per scenario of
// fixtures/confluent.yaml and fixtures/apinizer.yaml (or the files --scenarios names), labelled
// with the scenario's labels and its API, run against the embedded mock or the target. Run it
// with `make conform` (flags through FLAGS=, the label filter through LABELS=); see README.md.
package conformance
