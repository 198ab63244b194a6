package runner

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
)

// Expectation is what a scenario step expects of a response, beyond the contract.
type Expectation struct {
	// Status is the expected status code; 0 expects none in particular.
	Status int
	// Headers must be present in the response.
	Headers []string
	// Body holds gjson assertions on the response body.
	Body []Assertion
}

// Assertion is one gjson assertion on a JSON body, written as `PATH OP VALUE`, `PATH exists` or
// `PATH !exists`, e.g. `errors.0.code == "resource_not_found"` or
// `deploymentResult.deploymentResults.#(environmentName=="production").success == true`.
// OP is one of == != =~ (regular expression) > >= < <=; VALUE is a JSON literal.
type Assertion struct {
	Text  string
	Path  string
	Op    string
	Value gjson.Result
	re    *regexp.Regexp
}

var assertionOps = []string{"==", "!=", "=~", ">=", "<=", ">", "<"}

// ParseAssertion parses an assertion; the error says what is wrong with it.
func ParseAssertion(text string) (Assertion, error) {
	t := strings.TrimSpace(text)
	a := Assertion{Text: t}
	switch {
	case strings.HasSuffix(t, " !exists"):
		a.Path, a.Op = strings.TrimSpace(strings.TrimSuffix(t, " !exists")), "!exists"
	case strings.HasSuffix(t, " exists"):
		a.Path, a.Op = strings.TrimSpace(strings.TrimSuffix(t, " exists")), "exists"
	default:
		i, op := findOperator(t)
		if i < 0 {
			return a, fmt.Errorf("assertion %q: want `PATH OP VALUE` (OP one of %s) or `PATH exists` / `PATH !exists`", t, strings.Join(assertionOps, " "))
		}
		a.Path, a.Op = strings.TrimSpace(t[:i]), op
		raw := strings.TrimSpace(t[i+len(op):])
		if !gjson.Valid(raw) {
			return a, fmt.Errorf("assertion %q: the value %s is not a JSON literal (quote strings: \"text\")", t, raw)
		}
		a.Value = gjson.Parse(raw)
		switch op {
		case "=~":
			if a.Value.Type != gjson.String {
				return a, fmt.Errorf("assertion %q: =~ takes a quoted regular expression", t)
			}
			re, err := regexp.Compile(a.Value.String())
			if err != nil {
				return a, fmt.Errorf("assertion %q: bad regular expression: %v", t, err)
			}
			a.re = re
		case ">", ">=", "<", "<=":
			if a.Value.Type != gjson.Number {
				return a, fmt.Errorf("assertion %q: %s compares numbers", t, op)
			}
		}
	}
	if a.Path == "" {
		return a, fmt.Errorf("assertion %q: the gjson path is empty", t)
	}
	return a, nil
}

// findOperator finds the first operator surrounded by spaces outside quotes and parentheses.
func findOperator(t string) (int, string) {
	depth, inQuote := 0, false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case inQuote:
			if c == '\\' {
				i++
			} else if c == '"' {
				inQuote = false
			}
			continue
		case c == '"':
			inQuote = true
			continue
		case c == '(' || c == '[' || c == '{':
			depth++
			continue
		case c == ')' || c == ']' || c == '}':
			depth--
			continue
		}
		if depth != 0 || c != ' ' {
			continue
		}
		for _, op := range assertionOps {
			if strings.HasPrefix(t[i+1:], op+" ") {
				return i + 1, op
			}
		}
	}
	return -1, ""
}

// Eval evaluates the assertion on body; it returns whether it holds and what the path holds
// (as JSON, or "nothing" when the path matches nothing).
func (a Assertion) Eval(body []byte) (bool, string) {
	got := gjson.GetBytes(body, a.Path)
	actual := "nothing"
	if got.Exists() {
		actual = got.Raw
	}
	switch a.Op {
	case "exists":
		return got.Exists(), actual
	case "!exists":
		return !got.Exists(), actual
	case "==":
		return got.Exists() && jsonEqual(got, a.Value), actual
	case "!=":
		return !got.Exists() || !jsonEqual(got, a.Value), actual
	case "=~":
		return got.Exists() && a.re.MatchString(got.String()), actual
	}
	if !got.Exists() || got.Type != gjson.Number {
		return false, actual
	}
	x, y := got.Float(), a.Value.Float()
	switch a.Op {
	case ">":
		return x > y, actual
	case ">=":
		return x >= y, actual
	case "<":
		return x < y, actual
	case "<=":
		return x <= y, actual
	}
	return false, actual
}

// Expected describes what the assertion wants, for messages.
func (a Assertion) Expected() string {
	switch a.Op {
	case "exists":
		return "a value"
	case "!exists":
		return "nothing"
	case "==":
		return a.Value.Raw
	}
	return a.Op + " " + a.Value.Raw
}

func jsonEqual(a, b gjson.Result) bool {
	if a.Type != b.Type {
		return false
	}
	switch a.Type {
	case gjson.Number:
		return a.Float() == b.Float()
	case gjson.String:
		return a.String() == b.String()
	case gjson.JSON:
		var x, y any
		if json.Unmarshal([]byte(a.Raw), &x) != nil || json.Unmarshal([]byte(b.Raw), &y) != nil {
			return false
		}
		xb, _ := json.Marshal(x)
		yb, _ := json.Marshal(y)
		return string(xb) == string(yb)
	default: // True, False, Null
		return true
	}
}

// pathPointer turns a simple gjson path (dot-separated keys and indexes) into a JSON pointer;
// paths using gjson's query syntax are kept as they are.
func pathPointer(path string) string {
	if strings.ContainsAny(path, "#()*?|@\\") {
		return path
	}
	return pointer(strings.Split(path, ".")...)
}
