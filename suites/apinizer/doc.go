// Package apinizer holds the Apinizer APIOps conformance suite: one Ginkgo spec per scenario of
// fixtures/apinizer.yaml, run against the embedded mock or the target given by --target or
// APICONFORM_APINIZER_TARGET. Run it with `make conform`; see README.md.
package apinizer
