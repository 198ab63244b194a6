// Package conform turns scenario files into Ginkgo specs: Describe(api) registers one spec per
// scenario (labelled with the scenario's labels), the target (a URL, or the embedded mock started
// in-process on loopback), the Conform matcher whose failure lists every violation, and the
// end-of-run reports (API coverage, live drift). The suites under suites/<api> are two lines
// each on top of it.
package conform
