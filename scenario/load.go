package scenario

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/apiconform/apiconform/runner"
)

// Problem is one thing wrong with a scenario file, located by file and line.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Error is returned by Parse and Load with every problem found in a file.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Labels are the labels a scenario may carry; any other is a problem (a typo would silently
// escape a --label-filter).
var Labels = map[string]string{
	"destructive": "deletes or undeploys something (informative, for filtering: the method guard, not this label, keeps mutating requests off non-loopback targets)",
	"auth":        "exercises authentication or authorization",
	"errors":      "expects an error response",
	"ratelimit":   "exercises rate limiting",
	"stateful":    "several steps that depend on server state (create, delete, read back)",
	"roundtrip":   "sets up state with a companion operation, then undoes it",
	"demo-state":  "relies on the mock's demo state (its credentials or resources); use --contract-only against other servers",
	"happy-path":  "expects success",
	"validation":  "sends a malformed request",
}

// BuiltinVariables are set by the executor for every scenario.
var BuiltinVariables = []string{
	"run_id", // unique per scenario execution: letters and digits, for names that must not collide
}

// NoCredentials is the profile name that sends no credentials.
const NoCredentials = "none"

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// Load parses a scenario file and checks it against api: every operation ID exists, labels are
// known, credential profiles exist and fit the operation's security schemes, path parameters are
// all given, every ${variable} is set before it is used, assertions parse. It returns every
// problem at once.
func Load(data []byte, path string, api *runner.API) (*File, error) {
	f, err := Parse(data, path)
	if err != nil {
		return nil, err
	}
	var probs []Problem
	add := func(line int, format string, args ...any) {
		probs = append(probs, Problem{File: path, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	if f.API != api.Name {
		add(1, "the file says api %q, but is loaded for %q", f.API, api.Name)
	}
	for name, p := range f.Credentials {
		switch {
		case p == nil:
			add(0, "credentials profile %q is empty", name)
		case name == NoCredentials:
			add(p.Line, "credentials profile name %q is reserved for sending no credentials", name)
		case api.Doc.Components == nil || api.Doc.Components.SecuritySchemes[p.Scheme] == nil:
			add(p.Line, "credentials profile %q names security scheme %q, which the spec does not define (known: %s)", name, p.Scheme, strings.Join(schemeNames(api), ", "))
		}
	}
	if len(f.Scenarios) == 0 {
		add(1, "the file has no scenarios")
	}
	names := map[string]int{}
	for i, s := range f.Scenarios {
		if s == nil {
			add(0, "scenario %d is empty", i+1)
			continue
		}
		if s.Name == "" {
			add(s.Line, "scenario %d has no name", i+1)
		} else if first, dup := names[s.Name]; dup {
			add(s.Line, "scenario name %q is already used at line %d", s.Name, first)
		} else {
			names[s.Name] = s.Line
		}
		for _, l := range s.Labels {
			if _, ok := Labels[l]; !ok {
				add(s.Line, "scenario %q: unknown label %q (known: %s)", s.Name, l, strings.Join(knownLabels(), ", "))
			}
		}
		if len(s.Steps) == 0 {
			add(s.Line, "scenario %q has no steps", s.Name)
		}
		defined := map[string]bool{}
		for _, v := range BuiltinVariables {
			defined[v] = true
		}
		for k := range f.Variables {
			defined[k] = true
		}
		for j, st := range s.Steps {
			checkStep(f, api, s, j, st, defined, add)
		}
	}
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].Line < probs[j].Line })
		return nil, &Error{Problems: probs}
	}
	return f, nil
}

func checkStep(f *File, api *runner.API, s *Scenario, j int, st *Step, defined map[string]bool, add func(int, string, ...any)) {
	where := fmt.Sprintf("scenario %q step %d", s.Name, j+1)
	if st == nil {
		add(s.Line, "%s is empty", where)
		return
	}
	op := api.Operation(st.Operation)
	switch {
	case st.Operation == "":
		add(st.Line, "%s names no operation", where)
	case op == nil:
		add(st.Line, "%s: unknown operation ID %q (known: %s)", where, st.Operation, strings.Join(opIDs(api), ", "))
	}
	if op != nil {
		for _, name := range pathParams(op.Path) {
			if _, ok := st.Params[name]; !ok {
				add(st.Line, "%s: path parameter %q of %s has no value in params", where, name, op.Path)
			}
		}
		for name := range st.Params {
			if !strings.Contains(op.Path, "{"+name+"}") {
				add(st.Line, "%s: params.%s is not a path parameter of %s", where, name, op.Path)
			}
		}
	}
	switch cred := st.Credentials; {
	case cred == "":
		add(st.Line, "%s: say which credentials profile to use (or %q)", where, NoCredentials)
	case cred == NoCredentials:
	case f.Credentials[cred] == nil:
		add(st.Line, "%s: unknown credentials profile %q (known: %s)", where, cred, strings.Join(profileNames(f), ", "))
	case op != nil && !slices.Contains(op.SecuritySchemes(), f.Credentials[cred].Scheme):
		add(st.Line, "%s: profile %q uses scheme %q, which %s does not accept (accepts: %s)", where, cred, f.Credentials[cred].Scheme, op.ID, strings.Join(op.SecuritySchemes(), ", "))
	}
	if st.Body != nil && st.RawBody != "" {
		add(st.Line, "%s: give body or raw_body, not both", where)
	}
	if st.Expect.Status != 0 && (st.Expect.Status < 100 || st.Expect.Status > 599) {
		add(st.Line, "%s: expect.status %d is not an HTTP status", where, st.Expect.Status)
	}
	st.assertions = make([]*runner.Assertion, len(st.Expect.Body))
	for i, text := range st.Expect.Body {
		a, err := runner.ParseAssertion(text)
		if err != nil {
			add(st.Line, "%s: %v", where, err)
			continue
		}
		if !varRef.MatchString(text) {
			st.assertions[i] = &a // no variable: parsed once, here
		}
	}
	for _, text := range stepTexts(st) {
		for _, m := range varRef.FindAllStringSubmatch(text, -1) {
			if !defined[m[1]] {
				add(st.Line, "%s uses ${%s}, which no earlier step saves and no variables entry sets", where, m[1])
			}
		}
	}
	for name, from := range st.Save {
		if from == "" || from == "header:" {
			add(st.Line, "%s: save.%s says nothing to save (a gjson path, or header:NAME)", where, name)
		}
		defined[name] = true
	}
}

// stepTexts returns every string of a step that is interpolated.
func stepTexts(st *Step) []string {
	var out []string
	for _, m := range []map[string]string{st.Params, st.Query, st.Headers} {
		for _, v := range m {
			out = append(out, v)
		}
	}
	out = append(out, st.RawBody)
	out = append(out, st.Expect.Body...)
	walkStrings(st.Body, func(s string) { out = append(out, s) })
	return out
}

func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walkStrings(e, fn)
		}
	case map[string]any:
		for k, e := range x {
			fn(k)
			walkStrings(e, fn)
		}
	}
}

func pathParams(template string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(template, -1) {
		out = append(out, m[1])
	}
	return out
}

func opIDs(api *runner.API) []string {
	var out []string
	for _, op := range api.Operations() {
		out = append(out, op.ID)
	}
	return out
}

func schemeNames(api *runner.API) []string {
	var out []string
	if api.Doc.Components != nil {
		for n := range api.Doc.Components.SecuritySchemes {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func profileNames(f *File) []string {
	out := []string{NoCredentials}
	for n := range f.Credentials {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func knownLabels() []string {
	out := make([]string, 0, len(Labels))
	for l := range Labels {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
