package probe

import (
	"encoding/json"
	"flag"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"pgregory.net/rapid"

	"github.com/apiconform/apiconform/specs"
)

// requestSchemas returns every JSON request body schema of the embedded specs, and a few
// made-up schemas with the constraints the specs do not use.
func requestSchemas(t *testing.T) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	for _, api := range specs.Names() {
		doc, err := specs.Load(api)
		if err != nil {
			t.Fatal(err)
		}
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				if mt := op.RequestBody.Value.Content["application/json"]; mt != nil && mt.Schema != nil {
					out[api+" "+method+" "+path] = mt.Schema.Value
				}
			}
		}
	}
	var made openapi3.T
	if err := json.Unmarshal([]byte(`{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
	"components":{"schemas":{"Made":{"type":"object","additionalProperties":false,"required":["id","count","tags","inner"],
	"properties":{
	  "id":{"type":"string","pattern":"^env-[a-z0-9]{3,8}$"},
	  "name":{"type":"string","minLength":3,"maxLength":20},
	  "count":{"type":"integer","minimum":2,"maximum":9},
	  "ratio":{"type":"number","minimum":0,"maximum":1,"exclusiveMaximum":true},
	  "step":{"type":"integer","multipleOf":5},
	  "kind":{"type":"string","enum":["a","b"]},
	  "when":{"type":"string","format":"date-time"},
	  "tags":{"type":"array","minItems":1,"maxItems":3,"uniqueItems":true,"items":{"type":"string","maxLength":30}},
	  "note":{"type":"string","nullable":true},
	  "inner":{"type":"object","required":["flag"],"additionalProperties":false,"properties":{"flag":{"type":"boolean"},"n":{"type":"integer"}}},
	  "both":{"allOf":[{"type":"object","required":["x"],"properties":{"x":{"type":"string"}}},{"properties":{"y":{"type":"integer"}}}]},
	  "either":{"oneOf":[{"type":"string","maxLength":5},{"type":"integer"}]}
	}}}}}`), &made); err != nil {
		t.Fatal(err)
	}
	out["made-up"] = made.Components.Schemas["Made"].Value
	return out
}

// rapidSettings fixes rapid's flags for a test that calls rapid.Check itself (a probe run
// earlier in the process may have left others), for the test's duration.
func rapidSettings(t *testing.T) {
	rapidMu.Lock()
	t.Cleanup(rapidMu.Unlock)
	for k, v := range map[string]string{"rapid.checks": "100", "rapid.seed": "20261201", "rapid.nofailfile": "true"} {
		if err := flag.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
}

// Every valid value the generator draws validates against its schema.
func TestDrawValidValidates(t *testing.T) {
	rapidSettings(t)
	for name, s := range requestSchemas(t) {
		t.Run(name, func(t *testing.T) {
			n := newCompiler().compile(s)
			rapid.Check(t, func(rt *rapid.T) {
				v := drawValid(rt, n, "v", 0)
				if err := s.VisitJSON(roundTrip(t, v)); err != nil {
					rt.Fatalf("%s: not valid: %v", encodeJSON(v), err)
				}
			})
		})
	}
}

// Every invalid body of a JSON kind fails its schema; the others are not JSON or not sent.
func TestDrawInvalidBodyFailsTheSchema(t *testing.T) {
	rapidSettings(t)
	for name, s := range requestSchemas(t) {
		t.Run(name, func(t *testing.T) {
			b := &bodyPlan{mediaType: "application/json", node: newCompiler().compile(s), required: true}
			b.targets = targets(b.node)
			b.kinds = bodyKinds(b)
			seen := map[string]bool{}
			rapid.Check(t, func(rt *rapid.T) {
				d := drawInvalidBody(rt, b)
				seen[d.kind] = true
				if d.invalid == "" {
					rt.Fatalf("kind %s: no reason given", d.kind)
				}
				switch d.kind {
				case badNotJSON:
					var v any
					if json.Unmarshal(d.raw, &v) == nil {
						rt.Fatalf("not-json body %q is JSON", d.raw)
					}
					return
				case badContentType:
					if isJSON(d.contentType) {
						rt.Fatalf("content-type kind sent %s", d.contentType)
					}
					return
				case badNoBody:
					if d.send {
						rt.Fatalf("no-body kind sent a body")
					}
					return
				}
				var v any
				if err := json.Unmarshal(d.raw, &v); err != nil {
					rt.Fatalf("%s body %q: %v", d.kind, d.raw, err)
				}
				if err := s.VisitJSON(v); err == nil {
					rt.Fatalf("%s body %s (%s) passes the schema", d.kind, d.raw, d.invalid)
				}
			})
			for _, k := range b.kinds {
				if !seen[k] && !testing.Short() { // -short: rapid draws a fifth as many
					t.Errorf("kind %s never drawn", k)
				}
			}
		})
	}
}

// Made-up strings start with the prefix where the schema leaves room; shrinking leads to it.
func TestDrawStringPrefix(t *testing.T) {
	rapidSettings(t)
	n := newCompiler().compile(&openapi3.Schema{Type: &openapi3.Types{"string"}})
	rapid.Check(t, func(rt *rapid.T) {
		if s := drawString(rt, n, "s"); !strings.HasPrefix(s, Prefix) {
			rt.Fatalf("%q lacks the prefix", s)
		}
	})
	short := newCompiler().compile(&openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: openapi3.Uint64Ptr(4)})
	rapid.Check(t, func(rt *rapid.T) {
		if s := drawString(rt, short, "s"); len([]rune(s)) > 4 {
			rt.Fatalf("%q is past maxLength 4", s)
		}
	})
}

// Edge values: a long one is 65 to LongValue characters, the others keep the prefix.
func TestDrawEdge(t *testing.T) {
	rapidSettings(t)
	seen := map[string]bool{}
	rapid.Check(t, func(rt *rapid.T) {
		v, kind := drawEdge(rt, "id")
		seen[kind] = true
		switch kind {
		case edgeLong:
			if len(v) < 65 || len(v) > LongValue {
				rt.Fatalf("long value of %d characters", len(v))
			}
		case edgeEmpty:
			if v != "" {
				rt.Fatalf("empty kind gave %q", v)
			}
		case edgeSlash:
			if !strings.Contains(v, "/") {
				rt.Fatalf("slash kind gave %q", v)
			}
		default:
			if !strings.HasPrefix(v, Prefix) {
				rt.Fatalf("%s kind gave %q", kind, v)
			}
		}
	})
	for _, k := range edgeKinds {
		if !seen[k] && !testing.Short() {
			t.Errorf("edge kind %s never drawn", k)
		}
	}
}

// roundTrip encodes and decodes v, as the server sees it.
func roundTrip(t *testing.T, v any) any {
	var out any
	if err := json.Unmarshal(encodeJSON(v), &out); err != nil {
		t.Fatal(err)
	}
	return out
}
