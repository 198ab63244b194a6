package mock

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/mock/internal/core"
)

// DefaultStateFile is the embedded fixture DefaultState parses.
const DefaultStateFile = "mock-state.yaml"

// DefaultState parses the embedded starting state, fixtures/mock-state.yaml: the demo
// credentials, environments, projects and proxies docs/mock.md lists.
func DefaultState() (*State, error) {
	data, file, err := fixtures.Read(DefaultStateFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return LoadState(data, file)
}

// LoadState parses and checks a starting state held in data (YAML, the shape of
// fixtures/mock-state.yaml). file names the data in errors. The error is a *StateError listing
// every problem found, each with its line: unknown fields, wrong types, and broken rules
// (duplicate or malformed IDs, references to things that do not exist, unknown permissions).
func LoadState(data []byte, file string) (*State, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &StateError{File: file, Problems: []StateProblem{{Problem: "the state is empty"}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &StateError{File: file, Problems: yamlProblems(err)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var s State
	if err := dec.Decode(&s); err != nil {
		return nil, &StateError{File: file, Problems: yamlProblems(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := 0
		if err == nil {
			line = extra.Line
		}
		return nil, &StateError{File: file, Problems: []StateProblem{{Line: line, Problem: "the file holds more than one YAML document; a state is one"}}}
	}
	if probs := validate(&s); len(probs) > 0 {
		out := make([]StateProblem, len(probs))
		for i, p := range probs {
			out[i] = StateProblem{Line: lineAt(&root, p.Path), Path: core.PathString(p.Path), Problem: p.Msg}
		}
		return nil, &StateError{File: file, Problems: out}
	}
	return &s, nil
}

// StateError is returned by LoadState, and by New for a State built in code, when a state cannot
// be used. It lists every problem found.
type StateError struct {
	File     string
	Problems []StateProblem
}

// StateProblem is one problem of a state. Line is 0 when unknown (a State built in code); Path
// is the YAML path of the offending value, e.g. confluent.api_keys[1].secret, when known.
type StateProblem struct {
	Line    int
	Path    string
	Problem string
}

func (e *StateError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
		}
		b.WriteString(": ")
		if p.Path != "" {
			b.WriteString(p.Path + ": ")
		}
		b.WriteString(p.Problem)
	}
	return b.String()
}

// yamlProblems turns a yaml.v3 error ("yaml: line 3: ...", or a *yaml.TypeError of
// "line 5: ..." entries) into problems with lines.
func yamlProblems(err error) []StateProblem {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		out := make([]StateProblem, 0, len(te.Errors))
		for _, msg := range te.Errors {
			out = append(out, yamlProblem(msg))
		}
		return out
	}
	return []StateProblem{yamlProblem(strings.TrimPrefix(err.Error(), "yaml: "))}
}

func yamlProblem(msg string) StateProblem {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				return StateProblem{Line: n, Problem: typeNames(rest[i+2:])}
			}
		}
	}
	return StateProblem{Problem: msg}
}

// vendorType is a Go type of an API's part of the state as yaml.v3 names it in an error
// ("confluent.APIKey").
var vendorType = regexp.MustCompile(`\b(confluent|apinizer)\.[A-Z][A-Za-z]*`)

// mockNames are the names package mock gives the types of the APIs' packages whose names differ.
var mockNames = map[string]string{"confluent.State": "ConfluentState", "apinizer.State": "ApinizerState", "apinizer.Token": "ApinizerToken"}

// typeNames names the Go types in a yaml.v3 error as package mock does, unqualified: "field x
// not found in type APIKey".
func typeNames(msg string) string {
	msg = vendorType.ReplaceAllStringFunc(msg, func(t string) string {
		if name, ok := mockNames[t]; ok {
			return name
		}
		return t[strings.IndexByte(t, '.')+1:]
	})
	return strings.ReplaceAll(msg, "mock.", "")
}

// lineAt returns the line of the node at path (mapping keys and sequence indices) in the YAML
// document root, or of the deepest node on the way that exists; 0 when there is none.
func lineAt(root *yaml.Node, path []any) int {
	n := root
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return 0
		}
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch key := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == key {
						next = n.Content[i+1]
						line = n.Content[i].Line
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && key >= 0 && key < len(n.Content) {
				next = n.Content[key]
			}
		}
		if next == nil {
			return line
		}
		n = next
		line = n.Line
	}
	return line
}
