// Package bench holds the whole-run benchmarks: `apiconform run` and the Ginkgo conformance
// suite (suites/conformance), each built once per benchmark process and run as a whole process
// against its embedded mock on loopback, timed from the outside (wall time and peak resident
// memory of each process), and the same run in process through the run layer (run.Open,
// Session.Run), to show what process startup adds. Run them with `make bench`; see
// docs/performance.md.
package bench
