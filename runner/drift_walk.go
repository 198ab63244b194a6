package runner

import (
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// The drift checks that look into the body (drift-property, drift-enum) walk the decoded body
// (Input.documentedJSON, facts.go) with the schema that describes each of its values.

// maxDriftFindings bounds the findings of one drift check on one body.
const maxDriftFindings = 20

// walkSchema visits each value of v with the schema that describes it (properties, items,
// allOf members), depth first, as far as the check can find anything: plan gives the walk's
// nodes worked out for the API's schemas (API.reach), which leave out every schema under which
// the check can find nothing; a schema without a plan is walked all the way. The path given to
// visit is only valid during the call: siblings share its backing array. member is true when s
// is visited as an allOf member of a schema visited for the same value (a part of one object's
// description, not the whole).
func walkSchema(s *openapi3.Schema, v any, path []string, plan func(*openapi3.Schema) (*walkNode, bool), visit visitFunc) {
	if node, known := plan(s); known {
		if node != nil {
			walkNodes(node, v, path, false, visit)
		}
		return
	}
	walkAll(s, v, path, false, visit)
}

// visitFunc is what a drift walk calls on each value with the schema that describes it.
type visitFunc func(s *openapi3.Schema, v any, path []string, member bool)

// walkNodes walks v along a drift walk's nodes.
func walkNodes(n *walkNode, v any, path []string, member bool, visit visitFunc) {
	if len(path) > 32 {
		return
	}
	visit(n.schema, v, path, member)
	for _, sub := range n.allOf {
		walkNodes(sub, v, path, true, visit)
	}
	switch x := v.(type) {
	case map[string]any:
		for _, p := range n.properties {
			if child, ok := x[p.name]; ok {
				walkNodes(p.node, child, append(path, p.name), false, visit)
			}
		}
	case []any:
		if n.items != nil {
			for i, item := range x {
				walkNodes(n.items, item, append(path, strconv.Itoa(i)), false, visit)
			}
		}
	}
}

// walkAll walks v with s and every schema under it.
func walkAll(s *openapi3.Schema, v any, path []string, member bool, visit visitFunc) {
	if s == nil || len(path) > 32 {
		return
	}
	visit(s, v, path, member)
	for _, sub := range s.AllOf {
		if sub != nil {
			walkAll(sub.Value, v, path, true, visit)
		}
	}
	switch x := v.(type) {
	case map[string]any:
		for k, p := range s.Properties {
			if child, ok := x[k]; ok && p != nil {
				walkAll(p.Value, child, append(path, k), false, visit)
			}
		}
	case []any:
		if s.Items != nil {
			for i, item := range x {
				walkAll(s.Items.Value, item, append(path, strconv.Itoa(i)), false, visit)
			}
		}
	}
}
