package specs_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// FuzzLoadBytes feeds arbitrary documents to the loader and, when they load, to runner.NewAPI
// (what every run does with a spec): nothing may panic, and a refusal is a *LoadError naming the
// file. The document is placed in testdata/, so relative $refs reach the testdata documents.
// The seeds are the embedded specs, the testdata documents and testdata/fuzz/FuzzLoadBytes.
func FuzzLoadBytes(f *testing.F) {
	for _, name := range specs.Names() {
		data, _, err := specs.Source(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/x":{"$ref":"minimal.yaml#/paths/~1things~1{id}"}}}`))
	f.Add([]byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n"))
	file := filepath.Join("testdata", "fuzz-input.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := specs.LoadBytes(data, file)
		if err != nil {
			var le *specs.LoadError
			if !errors.As(err, &le) || le.File != file || le.Problem == "" {
				t.Fatalf("a refusal that is not a *LoadError naming the file: %T %v", err, err)
			}
			return
		}
		if doc == nil {
			t.Fatal("LoadBytes returned neither a document nor an error")
		}
		_, _ = runner.NewAPI("fuzz", doc)
	})
}
