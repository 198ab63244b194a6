package drift

import (
	"sort"
	"strings"

	"github.com/apiconform/apiconform/specs"
)

// Operations is a set of operations, each keyed by method and path template with the names of
// path parameters ignored: "DELETE /org/v2/environments/{}" stands for
// "DELETE /org/v2/environments/{id}" and "DELETE /org/v2/environments/{environment_id}" alike.
type Operations map[string]bool

// Has reports whether the set holds the operation with this method and path template.
func (o Operations) Has(method, path string) bool {
	return o[operationKey(method, path)]
}

// Add puts the operation with this method and path template in the set.
func (o Operations) Add(method, path string) {
	o[operationKey(method, path)] = true
}

// Keys returns the set's keys, sorted.
func (o Operations) Keys() []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// OperationsOf returns the operations of the documents.
func OperationsOf(docs ...*Document) Operations {
	ops := Operations{}
	for _, d := range docs {
		if d == nil || d.spec == nil || d.spec.Paths == nil {
			continue
		}
		for path, item := range d.spec.Paths.Map() {
			if item == nil {
				continue
			}
			for method := range item.Operations() {
				ops.Add(method, path)
			}
		}
	}
	return ops
}

// CoveredOperations returns the operations apiconform's suites exercise: exactly those of the
// pinned embedded specs (specs.Names). It fails only if an embedded spec does not load, which the
// specs package's own tests rule out.
func CoveredOperations() (Operations, error) {
	var docs []*Document
	for _, name := range specs.Names() {
		d, err := LoadPinned(name)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return OperationsOf(docs...), nil
}

func operationKey(method, path string) string {
	return strings.ToUpper(method) + " " + templateShape(path)
}

// templateShape blanks the names of path parameters: "/a/{id}/b" becomes "/a/{}/b".
func templateShape(path string) string {
	var b strings.Builder
	inParam := false
	for _, r := range path {
		switch {
		case r == '{':
			inParam = true
			b.WriteString("{}")
		case r == '}':
			inParam = false
		case !inParam:
			b.WriteRune(r)
		}
	}
	return b.String()
}
