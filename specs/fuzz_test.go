package specs_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/specs"
)

// loadBytesSeeds are FuzzLoadBytes's seeds beyond testdata/*.yaml (each a few hundred bytes) and
// testdata/fuzz/FuzzLoadBytes: small documents that between them use what the embedded specs
// use (path-level and operation-level parameters, $refs to parameters, responses, schemas and
// another file, allOf, enums and x-extensible-enum, response headers, an optional request body,
// basic and bearer security, x-required-permission(s), the x-apiconform profile). They are kept
// small on purpose: the fuzzer mutates and minimizes inputs of the size it is given, and the
// embedded specs (40 KB and 12 KB, tens of milliseconds to load and index) made every execution
// and every minimization step slow (issue 15). The embedded specs go through the same property
// in TestLoadBytesPropertyOnEmbeddedSpecs.
var loadBytesSeeds = []string{
	// two edge cases, refused: a path item $ref to another file's path of other parameters, a
	// schema that is only a $ref to itself
	`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/x":{"$ref":"minimal.yaml#/paths/~1things~1{id}"}}}`,
	"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/A'}}}\n",
	// the shapes of the embedded specs, valid
	`openapi: 3.0.3
info: {title: c, version: '1'}
security: [{k: []}, {s: []}]
paths:
  /e/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string, pattern: '^env-'}}]
    get:
      operationId: getE
      x-required-permission: Describe
      responses:
        '200':
          description: ok
          headers: {X-RateLimit-Limit: {schema: {type: integer}}}
          content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}
        '404': {$ref: '#/components/responses/F'}
components:
  securitySchemes:
    k: {type: http, scheme: basic}
    s: {type: http, scheme: bearer}
  responses:
    F: {description: f, content: {application/json: {schema: {type: object, required: [errors], properties: {errors: {type: array, items: {type: object, properties: {status: {type: string}}}}}}}}}
  schemas:
    E:
      allOf:
      - {type: object, required: [id], properties: {id: {type: string, readOnly: true}}}
      - {type: object, properties: {k: {type: string, enum: [a, b], x-extensible-enum: [a, b]}}}
x-apiconform:
  request-id-header: X-Request-Id
  rate-limit: {limit-header: X-RateLimit-Limit, reset: relative-seconds}
  error-status: {items: errors, field: status}
  extensible-enum-extension: x-extensible-enum
`,
	`openapi: 3.0.3
info: {title: a, version: '1'}
paths:
  /p/{n}/:
    parameters: [{$ref: '#/components/parameters/n'}]
    delete:
      operationId: undeploy
      x-required-permissions: [A, B]
      security: [{b: []}]
      requestBody: {required: false, content: {application/json: {schema: {type: object, properties: {persistent: {type: boolean}}}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}, example: {success: true}}}}
        '400': {description: bad, content: {application/json: {schema: {type: object, required: [error], properties: {error: {type: string, x-known-codes: [bad_request]}}}}}}
components:
  parameters: {n: {name: n, in: path, required: true, schema: {type: string}}}
  securitySchemes: {b: {type: http, scheme: bearer}}
x-apiconform: {error-code: {field: error, known-codes-extension: x-known-codes}, contract-header-prefixes: [X-RateLimit-]}
`,
}

// fuzzSpecFile is where the fuzzed document is taken to be: in testdata/, so relative $refs
// reach the testdata documents.
var fuzzSpecFile = filepath.Join("testdata", "fuzz-input.yaml")

// FuzzLoadBytes feeds arbitrary documents to the loader and, when they load, to runner.NewAPI
// (what every run does with a spec): nothing may panic, and a refusal is a *LoadError naming the
// file. The document is placed in testdata/, so relative $refs reach the testdata documents.
// The seeds are testdata/*.yaml, loadBytesSeeds and testdata/fuzz/FuzzLoadBytes.
func FuzzLoadBytes(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range loadBytesSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoadBytes(t, data, fuzzSpecFile)
	})
}

// TestLoadBytesPropertyOnEmbeddedSpecs holds the embedded specs to FuzzLoadBytes's property (and
// requires that they load): they are too large to be good seeds (see loadBytesSeeds).
func TestLoadBytesPropertyOnEmbeddedSpecs(t *testing.T) {
	for _, name := range specs.Names() {
		t.Run(name, func(t *testing.T) {
			data, _, err := specs.Source(name)
			if err != nil {
				t.Fatal(err)
			}
			if !checkLoadBytes(t, data, fuzzSpecFile) {
				t.Fatal("the embedded spec does not load from bytes")
			}
		})
	}
}

// TestLoadBytesSeeds: the seeds written for FuzzLoadBytes after the two edge cases load and
// index, so that the fuzzer starts from documents that reach runner.NewAPI, not only the parser.
func TestLoadBytesSeeds(t *testing.T) {
	for i, s := range loadBytesSeeds[2:] {
		doc, err := specs.LoadBytes([]byte(s), fuzzSpecFile)
		if err != nil {
			t.Errorf("seed %d does not load: %v", i+2, err)
			continue
		}
		if _, err := runner.NewAPI("seed", doc); err != nil {
			t.Errorf("seed %d: runner.NewAPI: %v", i+2, err)
		}
	}
}

// checkLoadBytes is FuzzLoadBytes's property for one document; it says whether it loaded.
func checkLoadBytes(t *testing.T, data []byte, file string) bool {
	t.Helper()
	doc, err := specs.LoadBytes(data, file)
	if err != nil {
		var le *specs.LoadError
		if !errors.As(err, &le) || le.File != file || le.Problem == "" {
			t.Fatalf("a refusal that is not a *LoadError naming the file: %T %v", err, err)
		}
		return false
	}
	if doc == nil {
		t.Fatal("LoadBytes returned neither a document nor an error")
	}
	_, _ = runner.NewAPI("fuzz", doc)
	return true
}
