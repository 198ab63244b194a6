// Package confluent holds the Confluent Cloud conformance suite: one Ginkgo spec per scenario of
// fixtures/confluent.yaml, run against the embedded mock or the target given by --target or
// APICONFORM_CONFLUENT_TARGET. Run it with `make conform`; see README.md.
package confluent
