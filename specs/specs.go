// Package specs holds the OpenAPI documents apiconform holds servers to, embedded so that the
// binary and the tests need no files on disk, and loads them (or newer vendor versions from a
// path) into validated kin-openapi documents.
package specs

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Names of the embedded specs.
const (
	Confluent = "confluent"
	Apinizer  = "apinizer"
)

//go:embed confluent/confluent.yaml apinizer/apinizer.yaml
var embedded embed.FS

var embeddedPaths = map[string]string{
	Confluent: "confluent/confluent.yaml",
	Apinizer:  "apinizer/apinizer.yaml",
}

// Names returns the names of the embedded specs, sorted.
func Names() []string {
	names := make([]string, 0, len(embeddedPaths))
	for name := range embeddedPaths {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Source returns the embedded document's bytes and the path it is known by (for messages).
func Source(name string) ([]byte, string, error) {
	p, ok := embeddedPaths[name]
	if !ok {
		return nil, "", fmt.Errorf("no embedded spec named %q (have %s)", name, strings.Join(Names(), ", "))
	}
	data, err := embedded.ReadFile(p)
	if err != nil {
		return nil, "", fmt.Errorf("embedded spec %q: %w", name, err)
	}
	return data, "specs/" + p, nil
}

// Load loads, resolves and validates the embedded spec with the given name, for checking: unlike
// LoadBytes, the document it returns records no source positions (Origin), which cost a third
// of the load and which nothing that checks responses reads. Its errors are LoadBytes's, line
// numbers included.
func Load(name string) (*openapi3.T, error) {
	data, file, err := Source(name)
	if err != nil {
		return nil, err
	}
	if doc, err := load(data, file, false); err == nil {
		return doc, nil
	}
	return LoadBytes(data, file) // again, with origins, for the error's line
}

// LoadFile loads, resolves and validates the OpenAPI document at path; relative `$ref`s resolve
// against the file's folder.
func LoadFile(path string) (*openapi3.T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		why := err
		var pe *os.PathError
		if errors.As(err, &pe) {
			why = pe.Err // the path is said once
		}
		return nil, &LoadError{File: path, Problem: "cannot read the file: " + why.Error(), Err: err}
	}
	return LoadBytes(data, path)
}

// LoadBytes loads, resolves and validates an OpenAPI document held in data. file names the
// document in errors and is the base for relative `$ref`s. The document records where each of
// its elements is in the source (Origin), and errors give the line.
func LoadBytes(data []byte, file string) (*openapi3.T, error) {
	return load(data, file, true)
}

// load is LoadBytes; origins says whether the document records source positions.
func load(data []byte, file string, origins bool) (doc *openapi3.T, err error) {
	defer func() {
		// kin-openapi is robust, but a hostile document must never crash the caller.
		if r := recover(); r != nil {
			doc, err = nil, &LoadError{File: file, Problem: fmt.Sprintf("the loader failed on this document: %v", r)}
		}
	}()
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, &LoadError{File: file, Problem: "the document is empty"}
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = readLocalRef
	loader.IncludeOrigin = origins
	location := &url.URL{Path: filepath.ToSlash(file)}
	doc, err = loader.LoadFromDataWithPath(data, location)
	if err != nil {
		return nil, &LoadError{File: file, Line: lineOf(err.Error()), Problem: "cannot parse or resolve: " + err.Error(), Err: err}
	}
	if doc.OpenAPI == "" {
		return nil, &LoadError{File: file, Problem: "not an OpenAPI 3 document: the `openapi` field is missing"}
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return nil, &LoadError{File: file, Problem: fmt.Sprintf("unsupported OpenAPI version %q (want 3.x)", doc.OpenAPI)}
	}
	if err := doc.Validate(context.Background(), openapi3.EnableMultiError()); err != nil {
		return nil, &LoadError{File: file, Line: originLine(err), Problem: "invalid OpenAPI document: " + err.Error(), Err: err}
	}
	return doc, nil
}

// MaxRefBytes bounds the size of a file an external `$ref` names.
const MaxRefBytes = 16 << 20

// readLocalRef resolves external `$ref`s from local files only: loading a spec never reaches the
// network, and never reads a device, a pipe or a file over MaxRefBytes (a `$ref` to /dev/zero or
// a FIFO would otherwise exhaust memory or block forever).
func readLocalRef(_ *openapi3.Loader, location *url.URL) ([]byte, error) {
	if location.Scheme != "" && location.Scheme != "file" {
		return nil, fmt.Errorf("external $ref %q: only local files are followed, not %s URLs", location, location.Scheme)
	}
	path := filepath.FromSlash(location.Path)
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("external $ref %s: not a regular file", path)
	}
	if info.Size() > MaxRefBytes {
		return nil, fmt.Errorf("external $ref %s: %d bytes, over the %d-byte limit", path, info.Size(), MaxRefBytes)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxRefBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxRefBytes {
		return nil, fmt.Errorf("external $ref %s: over the %d-byte limit", path, MaxRefBytes)
	}
	return data, nil
}

// LoadError is returned by the Load functions when a document cannot be read, parsed, resolved or
// validated. Line is 0 when the position is not known.
type LoadError struct {
	File    string
	Line    int
	Problem string
	Err     error
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Problem)
}

func (e *LoadError) Unwrap() error { return e.Err }

// lineOf finds "line N" in a YAML or JSON parser message.
func lineOf(msg string) int {
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0
	}
	n := 0
	for _, c := range msg[i+len("line "):] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

var originType = reflect.TypeFor[*openapi3.Origin]()

// originLine walks a validation error chain and returns the line of the innermost element whose
// origin kin-openapi recorded (documents are loaded with IncludeOrigin), or 0.
func originLine(err error) int {
	line := 0
	var walk func(error)
	walk = func(err error) {
		for err != nil {
			if l := originFieldLine(err); l > 0 {
				line = l
			}
			switch e := err.(type) {
			case interface{ Unwrap() []error }:
				for _, inner := range e.Unwrap() {
					if line == 0 {
						walk(inner)
					}
				}
				return
			case openapi3.MultiError:
				for _, inner := range e {
					if line == 0 {
						walk(inner)
					}
				}
				return
			}
			err = errors.Unwrap(err)
		}
	}
	walk(err)
	return line
}

func originFieldLine(err error) int {
	v := reflect.ValueOf(err)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 0
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0
	}
	f := v.FieldByName("Origin")
	if !f.IsValid() || f.Type() != originType || f.IsNil() {
		return 0
	}
	o := f.Interface().(*openapi3.Origin)
	if o.Key == nil {
		return 0
	}
	return o.Key.Line
}
