package scenario

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/runner"
)

// File is one scenario file: the scenarios of one API, and the credential profiles and
// variables they share.
type File struct {
	// Path names the file in messages.
	Path        string
	API         string              `yaml:"api"`
	Credentials map[string]*Profile `yaml:"credentials"`
	Variables   map[string]string   `yaml:"variables"`
	Scenarios   []*Scenario         `yaml:"scenarios"`
}

// Scenario is a named list of steps. A scenario with one step may write the step's fields at
// the scenario level.
type Scenario struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Labels      []string `yaml:"labels"`
	Steps       []*Step  `yaml:"steps"`
	// File and Line locate the scenario.
	File string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Step is one request and what is expected of its response.
type Step struct {
	Name      string            `yaml:"name"`
	Operation string            `yaml:"operation"`
	Params    map[string]string `yaml:"params"`
	Query     map[string]string `yaml:"query"`
	Headers   map[string]string `yaml:"headers"`
	// Credentials names a profile of the file, or "none" to send no credentials.
	Credentials string `yaml:"credentials"`
	// Body is sent as JSON; RawBody is sent as is (for malformed bodies). At most one is set.
	Body        any    `yaml:"body"`
	RawBody     string `yaml:"raw_body"`
	ContentType string `yaml:"content_type"`
	Expect      Expect `yaml:"expect"`
	// Save maps variable names to a gjson path into the response body, or "header:NAME".
	Save map[string]string `yaml:"save"`
	Line int               `yaml:"-"`
	// assertions holds Expect.Body parsed by Load, for those without a ${variable}.
	assertions []*runner.Assertion
}

// Expect is a step's expectation as written in the file.
type Expect struct {
	Status  int      `yaml:"status"`
	Headers []string `yaml:"headers"`
	Body    []string `yaml:"body"`
}

// Profile is a named credential: a security scheme of the spec and its values (see Value for
// where each comes from).
type Profile struct {
	Scheme   string `yaml:"scheme"`
	Username Value  `yaml:"username"`
	Password Value  `yaml:"password"`
	Token    Value  `yaml:"token"`
	Line     int    `yaml:"-"`
}

// Value is a credential value, written in a file in one of three forms:
//
//   - {env: NAME, demo: VALUE}: the value of the environment variable NAME; when it is unset,
//     VALUE, the mock's demo credential, which is sent to apiconform's own mock only.
//   - VALUE (a plain string), or {demo: VALUE}: a demo value, sent to apiconform's own mock only.
//   - {invalid: VALUE}: a deliberately wrong value (an unknown token, a wrong secret), sent to
//     every target as it is. Never put a real secret here.
type Value struct {
	Env     string `yaml:"env"`
	Demo    string `yaml:"demo"`
	Invalid string `yaml:"invalid"`
}

// IsZero reports whether the value is not given at all.
func (v Value) IsZero() bool { return v == Value{} }

// UnmarshalYAML accepts a plain string, {env, demo}, {demo} or {invalid}.
func (v *Value) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		v.Demo = n.Value
		return nil
	}
	if err := checkKeys(n, "env", "demo", "invalid"); err != nil {
		return err
	}
	type plain Value
	if err := n.Decode((*plain)(v)); err != nil {
		return err
	}
	if v.Invalid != "" && (v.Env != "" || v.Demo != "") {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a credential value is {invalid: VALUE} alone, or {env: NAME, demo: VALUE}", n.Line)}}
	}
	return nil
}

// UnmarshalYAML records the line and rejects unknown keys.
func (f *File) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "api", "credentials", "variables", "scenarios"); err != nil {
		return err
	}
	type plain File
	return n.Decode((*plain)(f))
}

// UnmarshalYAML records the line, rejects unknown keys and folds a one-step scenario's step
// fields into Steps.
func (s *Scenario) UnmarshalYAML(n *yaml.Node) error {
	scenarioKeys := []string{"name", "description", "labels", "steps"}
	if err := checkKeys(n, append(scenarioKeys, stepKeys...)...); err != nil {
		return err
	}
	type plain Scenario // the same fields, without UnmarshalYAML
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*s = Scenario{Name: p.Name, Description: p.Description, Labels: p.Labels, Steps: p.Steps, Line: n.Line}
	if hasAnyKey(n, stepKeys...) {
		if len(p.Steps) > 0 {
			return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a scenario has either `steps` or one step's fields (operation, expect, ...), not both", n.Line)}}
		}
		// The scenario is its own single step; decode the step fields from the same node.
		one := &Step{}
		if err := decodeStep(n, one); err != nil {
			return err
		}
		one.Name = ""
		s.Steps = []*Step{one}
	}
	return nil
}

var stepKeys = []string{"operation", "params", "query", "headers", "credentials", "body", "raw_body", "content_type", "expect", "save"}

// UnmarshalYAML records the line and rejects unknown keys.
func (st *Step) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, append([]string{"name"}, stepKeys...)...); err != nil {
		return err
	}
	return decodeStep(n, st)
}

func decodeStep(n *yaml.Node, st *Step) error {
	type plain Step // the same fields, without UnmarshalYAML
	var p plain
	// A scenario node also holds name, labels, ...: only the step's keys land in p.
	if err := n.Decode(&p); err != nil {
		return err
	}
	*st = Step(p)
	st.Line = n.Line
	if e := findKey(n, "expect"); e != nil {
		if err := checkKeys(e, "status", "headers", "body"); err != nil {
			return err
		}
	}
	return nil
}

// UnmarshalYAML records the line and rejects unknown keys.
func (p *Profile) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "scheme", "username", "password", "token"); err != nil {
		return err
	}
	type plain Profile
	if err := n.Decode((*plain)(p)); err != nil {
		return err
	}
	p.Line = n.Line
	return nil
}

// checkKeys rejects mapping keys outside allowed, naming the line and the known keys.
func checkKeys(n *yaml.Node, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a mapping, got %s", n.Line, kindName(n.Kind))}}
	}
	var bad []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, a := range allowed {
			if k.Value == a {
				ok = true
				break
			}
		}
		if !ok {
			sorted := append([]string(nil), allowed...)
			sort.Strings(sorted)
			bad = append(bad, fmt.Sprintf("line %d: unknown key %q (known: %s)", k.Line, k.Value, strings.Join(sorted, ", ")))
		}
	}
	if len(bad) > 0 {
		return &yaml.TypeError{Errors: bad}
	}
	return nil
}

func hasAnyKey(n *yaml.Node, keys ...string) bool {
	for _, k := range keys {
		if findKey(n, k) != nil {
			return true
		}
	}
	return false
}

func findKey(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "something else"
}

// Parse reads a scenario file without checking it against a spec (see Load). path names the file
// in errors.
func Parse(data []byte, path string) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		return nil, &Error{Problems: yamlProblems(path, err)}
	}
	f.Path = path
	for _, s := range f.Scenarios {
		if s != nil {
			s.File = path
		}
	}
	return &f, nil
}

// yamlProblems turns a YAML error into problems that name the file and line.
func yamlProblems(path string, err error) []Problem {
	var te *yaml.TypeError
	if ok := asTypeError(err, &te); ok {
		out := make([]Problem, 0, len(te.Errors))
		for _, e := range te.Errors {
			line, msg := splitLine(e)
			out = append(out, Problem{File: path, Line: line, Message: msg})
		}
		return out
	}
	line, msg := splitLine(strings.TrimPrefix(err.Error(), "yaml: "))
	return []Problem{{File: path, Line: line, Message: msg}}
}

func asTypeError(err error, te **yaml.TypeError) bool {
	t, ok := err.(*yaml.TypeError)
	if ok {
		*te = t
	}
	return ok
}

// splitLine splits "line N: message" into N and message.
func splitLine(s string) (int, string) {
	s = strings.TrimPrefix(s, "yaml: ")
	if !strings.HasPrefix(s, "line ") {
		return 0, s
	}
	rest := s[len("line "):]
	n := 0
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		n = n*10 + int(rest[i]-'0')
		i++
	}
	return n, strings.TrimPrefix(rest[i:], ": ")
}
