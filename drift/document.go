package drift

import (
	"fmt"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/flatten/allof"

	"github.com/apiconform/apiconform/specs"
)

// Document is an OpenAPI document ready to compare, returned by LoadFile, LoadBytes and
// LoadPinned. File names it in reports: the path it was loaded from, or for an embedded spec the
// path it has in the repository ("specs/confluent/confluent.yaml").
//
// The loaders merge each `allOf` into one schema (oasdiff's --flatten-allof), so that a vendor
// spec that composes its schemas and a hand-written one that does not compare by what they
// describe, not by how they are written. Where the merge fails (contradictory branches), the
// document is kept as written and Compare says so in the report's notes.
type Document struct {
	File string
	spec *openapi3.T
	// unmerged says why the `allOf`s were kept as written; empty when they were merged.
	unmerged string
}

// LoadFile loads and validates the OpenAPI document at path. It returns a *specs.LoadError
// naming the file (and the line where known) when the document cannot be read, parsed, resolved
// or validated.
func LoadFile(path string) (*Document, error) {
	return loadDocument(path, func() (*openapi3.T, error) { return specs.LoadFile(path) })
}

// LoadBytes loads and validates an OpenAPI document held in data; file names it in reports and
// errors and is the base of relative `$ref`s. Errors are as for LoadFile.
func LoadBytes(data []byte, file string) (*Document, error) {
	return loadDocument(file, func() (*openapi3.T, error) { return specs.LoadBytes(data, file) })
}

// LoadPinned loads the embedded spec with the given name (see specs.Names), the contract the
// suites are pinned to. An unknown name gives an error listing the known ones.
func LoadPinned(name string) (*Document, error) {
	data, file, err := specs.Source(name)
	if err != nil {
		return nil, err
	}
	return LoadBytes(data, file)
}

// loadDocument loads the document with fn and merges its `allOf`s. The merge works in place, so when it
// fails the document is loaded again, as written.
func loadDocument(file string, fn func() (*openapi3.T, error)) (*Document, error) {
	spec, err := fn()
	if err != nil {
		return nil, err
	}
	merged, mergeErr := mergeAllOf(spec)
	if mergeErr == nil {
		return &Document{File: file, spec: merged}, nil
	}
	if spec, err = fn(); err != nil {
		return nil, err
	}
	return &Document{File: file, spec: spec, unmerged: mergeErr.Error()}, nil
}

func mergeAllOf(spec *openapi3.T) (merged *openapi3.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			merged, err = nil, fmt.Errorf("the allOf merge failed: %v", r)
		}
	}()
	merged, err = allof.MergeSpec(spec)
	if err == nil && merged == nil {
		err = fmt.Errorf("the allOf merge returned no document")
	}
	return merged, err
}

// operation returns the document's operation at method and path, matching the path template
// exactly first, then by shape (parameter names ignored). It returns nil when there is none.
func (d *Document) operation(method, path string) *openapi3.Operation {
	if d == nil || d.spec == nil || d.spec.Paths == nil || method == "" || path == "" {
		return nil
	}
	if item := d.spec.Paths.Value(path); item != nil {
		if op := item.GetOperation(method); op != nil {
			return op
		}
	}
	want := templateShape(path)
	paths := d.spec.Paths.Map()
	keys := make([]string, 0, len(paths))
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		if item := paths[p]; item != nil && templateShape(p) == want {
			if op := item.GetOperation(method); op != nil {
				return op
			}
		}
	}
	return nil
}
