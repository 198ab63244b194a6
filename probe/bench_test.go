package probe

import (
	"context"
	"testing"

	"github.com/apiconform/apiconform/run"
)

// BenchmarkProbe measures generated, checked requests per second against the embedded mock:
// each iteration probes every operation and family of the API(s) with 100 examples each, in a
// fresh session (opened and closed outside the timer, so that each starts with the mock's
// state and rate limits new). req/s counts every request sent (set-up and clean-up included),
// each checked; 429-share is the part the Confluent mock's rate limit (1,000 a minute per key)
// answered with 429.
func BenchmarkProbe(b *testing.B) {
	known := knownForTest(b)
	for _, c := range []struct {
		name string
		apis []string
	}{{"apinizer", []string{"apinizer"}}, {"confluent", []string{"confluent"}}, {"both", nil}} {
		b.Run(c.name, func(b *testing.B) {
			reqs, limited, answered := 0, 0, 0
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s, err := run.Open(run.Config{APIs: c.apis})
				if err != nil {
					b.Fatal(err)
				}
				targets := s.ProbeTargets()
				b.StartTimer()
				rep, err := Run(context.Background(), targets, Options{MaxExamples: 100, Seed: uint64(i + 1), Known: known})
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
				reqs += rep.Requests
				for _, sub := range rep.Subjects {
					for st, n := range sub.Statuses {
						answered += n
						if st == 429 {
							limited += n
						}
					}
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(reqs)/b.Elapsed().Seconds(), "req/s")
			if answered > 0 {
				b.ReportMetric(float64(limited)/float64(answered), "429-share")
			}
		})
	}
}
