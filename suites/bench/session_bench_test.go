package bench_test

import (
	"context"
	"testing"

	"github.com/apiconform/apiconform/run"
)

// BenchmarkSessionRun is BenchmarkRun's work in process, through the run layer: one op opens a
// session (load and route both specs, load the scenarios, start the embedded mock on loopback),
// runs every scenario and closes it. No report is written. Set against BenchmarkRun, it shows
// what the process (exec, runtime and package init, a cold heap) and the reports add.
func BenchmarkSessionRun(b *testing.B) {
	cfg := run.Config{Getenv: func(string) string { return "" }}
	b.ReportAllocs()
	for range b.N {
		s, err := run.Open(cfg)
		if err != nil {
			b.Fatal(err)
		}
		res := s.Run(context.Background())
		s.Close()
		if res.ExitCode != run.ExitConformant {
			b.Fatalf("verdict %q (exit %d, %d violations), want conformant: %s", res.Verdict, res.ExitCode, len(res.Violations()), res.Problem)
		}
	}
}
