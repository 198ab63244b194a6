package specs_test

import (
	"testing"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// BenchmarkSpecLoad measures what a process does once per embedded spec before its first
// request: parse and resolve the YAML (specs.Load), validate it, then index the operations and
// build the router (runner.NewAPI): <spec>/all. <spec>/load-validate and <spec>/route split
// it into its two phases.
func BenchmarkSpecLoad(b *testing.B) {
	for _, name := range specs.Names() {
		b.Run(name+"/all", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				doc, err := specs.Load(name)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := runner.NewAPI(name, doc); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/load-validate", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := specs.Load(name); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/route", func(b *testing.B) {
			doc, err := specs.Load(name)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := runner.NewAPI(name, doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
