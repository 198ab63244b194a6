// Package conform is the Ginkgo driver of the run layer (package run): a few dozen lines that
// turn a run.Session into specs. Main opens the session from the flags in APICONFORM_FLAGS (the
// flags of `apiconform run`) before Ginkgo starts, and ends the process with one line and exit 2
// when they are wrong; Describe registers one spec per planned scenario, labelled with its
// labels and its API, skipped with the plan's reason where the plan skips it; the end of the
// suite writes the same reports as `apiconform run`, and Ginkgo's own JUnit and JSON beside them.
// The suite package suites/conformance is three lines on top of it.
package conform
