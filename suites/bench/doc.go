// Package bench holds the whole-suite benchmark: both conformance suite binaries, built once,
// run against their embedded mock on loopback, timed from the outside (wall time and peak
// resident memory of each process). Run it with `make bench`; see docs/performance.md.
package bench
