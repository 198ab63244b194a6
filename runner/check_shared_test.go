package runner

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/apiconform/apiconform/internal/fastjson"
	"github.com/apiconform/apiconform/specs"
)

// sharedCases are responses whose bodies exercise what the checks share per exchange (facts.go:
// the media type, the decoded body) and body-schema's validation of the decoded body: conformant
// and broken bodies, bodies json.Unmarshal and kin-openapi's decoder disagree on, and odd media
// types.
var sharedCases = []struct {
	name, api, op string
	status        int
	ct, body      string
}{
	{"conformant 404", "confluent", "deleteOrgV2Environment", 404, "application/json", failure(404, "resource_not_found")},
	{"status as number", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[{"id":"e","status":404,"title":"t"}]}`},
	{"extra property", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[{"id":"e","status":"404","title":"t","hint":"x"}],"meta":{"a":1}}`},
	{"duplicate errors", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[{"id":"e","status":"404","title":"t"},{"id":"e","status":"404","title":"t"}]}`},
	{"distinct errors", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[{"id":"e","status":"404","title":"t"},{"id":"f","status":"404","title":"t"}]}`},
	{"numbers that differ only in text", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[{"id":"e","status":1.0},{"id":"e","status":1}]}`},
	{"not an object", "confluent", "deleteOrgV2Environment", 404, "application/json", `[1,2]`},
	{"null", "confluent", "deleteOrgV2Environment", 404, "application/json", `null`},
	{"unparseable", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[`},
	{"trailing data", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[],"x":1} {"y":2}`},
	{"whitespace around", "confluent", "deleteOrgV2Environment", 404, "application/json", " \t" + failure(404, "x") + "\r\n "},
	{"garbage after", "confluent", "deleteOrgV2Environment", 404, "application/json", failure(404, "x") + "x"},
	{"number out of float64 range", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[],"big":1e400}`},
	{"duplicate keys", "confluent", "deleteOrgV2Environment", 404, "application/json", `{"errors":[{"status":"500"}],"errors":[{"status":"404"}]}`},
	{"invalid UTF-8", "confluent", "deleteOrgV2Environment", 404, "application/json", "{\"errors\":[{\"id\":\"\xff\",\"status\":\"404\",\"title\":\"t\"}]}"},
	{"media type with parameters", "confluent", "deleteOrgV2Environment", 404, "application/json; charset=utf-8", failure(404, "x")},
	{"media type in capitals", "confluent", "deleteOrgV2Environment", 404, "Application/JSON", failure(404, "x")},
	{"undeclared media type", "confluent", "deleteOrgV2Environment", 404, "text/plain", "not json"},
	{"bad media type", "confluent", "deleteOrgV2Environment", 404, "application/", failure(404, "x")},
	{"new enum value", "confluent", "getOrgV2Environment", 200, "application/json", `{"id":"env-1","display_name":"d","metadata":{"self":"http://x"},"stream_governance_config":{"package":"PREMIUM"}}`},
	{"nested extra properties", "confluent", "getOrgV2Environment", 200, "application/json", `{"id":"env-1","display_name":"d","metadata":{"self":"http://x","etag":"e","z":[1]},"stream_governance_config":{"package":"PREMIUM","region":{"id":"r"}},"a":{"b":1},"b":null}`},
	{"apinizer envelope", "apinizer", "undeployApiProxy", 200, "application/json", `{"success":true,"deploymentResult":{"success":true,"deploymentResults":[{"environmentName":"p","success":true,"message":"m","durationMs":5}]}}`},
	{"apinizer success as string", "apinizer", "undeployApiProxy", 200, "application/json", `{"success":"true","deploymentResult":{"success":true,"deploymentResults":[]}}`},
	{"apinizer unknown code", "apinizer", "undeployApiProxy", 401, "application/json", `{"error":"session_revoked","error_description":"d","trace":"t"}`},
}

func sharedExchange(op *Operation, status int, ct, body string) *Exchange {
	h := http.Header{}
	h.Set("Content-Type", ct)
	h.Set("X-Request-Id", "req-1")
	return &Exchange{
		OperationID: op.ID,
		Request:     RecordedRequest{Method: op.Method, Path: op.Path},
		Response:    &RecordedResponse{Status: status, Proto: "HTTP/1.1", Header: h, Body: Body(body)},
	}
}

func rendered(vs []Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	slices.Sort(out)
	return out
}

// TestChecksAloneAndTogetherAgree guards what checks share within one exchange: every check run
// alone (nothing shared) finds what it finds when all run together.
func TestChecksAloneAndTogetherAgree(t *testing.T) {
	for _, tc := range sharedCases {
		t.Run(tc.name, func(t *testing.T) {
			op := testAPI(t, tc.api).Operation(tc.op)
			ex := sharedExchange(op, tc.status, tc.ct, tc.body)
			together := NewChecker(All(), CheckOptions{}, nil).Check(op, ex, nil)
			var alone []Violation
			for _, c := range All() {
				alone = append(alone, NewChecker([]Check{c}, CheckOptions{}, nil).Check(op, ex, nil)...)
			}
			if got, want := rendered(together), rendered(alone); !slices.Equal(got, want) {
				t.Errorf("together:\n%s\nalone:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestBodySchemaFastPathMatchesValidateResponse holds body-schema's validation of the decoded
// body (VisitJSON on Input.jsonBody) to what openapi3filter.ValidateResponse finds on the same
// exchange.
func TestBodySchemaFastPathMatchesValidateResponse(t *testing.T) {
	chk, _ := Lookup("body-schema")
	for _, tc := range sharedCases {
		t.Run(tc.name, func(t *testing.T) {
			op := testAPI(t, tc.api).Operation(tc.op)
			ex := sharedExchange(op, tc.status, tc.ct, tc.body)
			fast := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(op, ex, nil)
			fastBodyValidation = false
			defer func() { fastBodyValidation = true }()
			slow := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(op, ex, nil)
			if got, want := rendered(fast), rendered(slow); !slices.Equal(got, want) {
				t.Errorf("fast path:\n%s\nValidateResponse:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestDriftWalksSkipOnlyWhatCannotReport: the drift checks find the same with their walks
// pruned by API.reach as without.
func TestDriftWalksSkipOnlyWhatCannotReport(t *testing.T) {
	for _, tc := range sharedCases {
		t.Run(tc.name, func(t *testing.T) {
			pruned := testAPI(t, tc.api)
			full := unprunedAPI(t, tc.api)
			for _, id := range []string{"drift-property", "drift-enum"} {
				chk, _ := Lookup(id)
				got := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(pruned.Operation(tc.op), sharedExchange(pruned.Operation(tc.op), tc.status, tc.ct, tc.body), nil)
				want := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(full.Operation(tc.op), sharedExchange(full.Operation(tc.op), tc.status, tc.ct, tc.body), nil)
				if g, w := rendered(got), rendered(want); !slices.Equal(g, w) {
					t.Errorf("%s pruned:\n%s\nunpruned:\n%s", id, strings.Join(g, "\n"), strings.Join(w, "\n"))
				}
			}
		})
	}
}

// unprunedAPI is the embedded spec prepared anew, with no reach facts: every walk goes all the way.
func unprunedAPI(t testing.TB, name string) *API {
	t.Helper()
	doc, err := specs.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAPI(name, doc)
	if err != nil {
		t.Fatal(err)
	}
	a.reach = nil
	return a
}

// defaultUniqueItems is kin-openapi's own uniqueItems checker (isSliceOfUniqueItems), which
// uniqueJSONItems replaces and must agree with.
func defaultUniqueItems(xs []any) bool {
	m := make(map[string]struct{}, len(xs))
	for _, x := range xs {
		key, _ := json.Marshal(&x)
		m[string(key)] = struct{}{}
	}
	return len(xs) == len(m)
}

func TestUniqueJSONItemsAgreesWithKinOpenAPI(t *testing.T) {
	arrays := []string{
		`[]`, `[1]`, `[1,1]`, `[1,2]`, `[1,1.0]`, `[0,-0]`, `[1e2,100]`, `["a","a"]`, `["a","b"]`,
		`[null,null]`, `[true,false]`, `[true,true]`, `[{},{}]`, `[{"a":1},{"a":1}]`, `[{"a":1},{"a":2}]`,
		`[{"a":1,"b":2},{"b":2,"a":1}]`, `[{"a":1},{"b":1}]`, `[[1,2],[1,2]]`, `[[1,2],[2,1]]`, `[[],{}]`,
		`["1",1]`, `[null,"null"]`, "[\"\xff\",\"\xfe\"]", "[{\"\xff\":1},{\"\xfe\":1}]", `["<",  "\u003c"]`,
		`[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,1]`, `[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18]`,
	}
	for _, raw := range arrays {
		for _, useNumber := range []bool{false, true} {
			dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
			if useNumber {
				dec.UseNumber()
			}
			var xs []any
			if err := dec.Decode(&xs); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			if got, want := uniqueJSONItems(xs), defaultUniqueItems(xs); got != want {
				t.Errorf("%s (UseNumber %v): unique %v, kin-openapi says %v", raw, useNumber, got, want)
			}
		}
	}
	// Values no decoder produces: compared by their JSON text, as kin-openapi does.
	odd := [][]any{
		{map[string]any(nil), nil}, {[]any(nil), nil}, {json.Number("1"), float64(1)}, {json.Number(""), json.Number("0")},
		{json.Number("x"), json.Number("y")}, {"\xff", "\xfe"}, {int(1), float64(1)}, {[]string{"a"}, []any{"a"}},
	}
	for _, xs := range odd {
		if got, want := uniqueJSONItems(xs), defaultUniqueItems(xs); got != want {
			t.Errorf("%#v: unique %v, kin-openapi says %v", xs, got, want)
		}
	}
}

func FuzzUniqueJSONItems(f *testing.F) {
	f.Add([]byte(`[{"a":1},{"a":1.0}]`), true)
	f.Add([]byte(`[0,-0,"x",[1],{"k":null}]`), false)
	f.Fuzz(func(t *testing.T, raw []byte, useNumber bool) {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if useNumber {
			dec.UseNumber()
		}
		var xs []any
		if dec.Decode(&xs) != nil {
			return
		}
		if got, want := uniqueJSONItems(xs), defaultUniqueItems(xs); got != want {
			t.Errorf("%s: unique %v, kin-openapi says %v", raw, got, want)
		}
	})
}

func TestParseMediaTypeAgreesWithMime(t *testing.T) {
	for _, ct := range []string{
		"application/json", "application/problem+json", "text/plain", "Application/JSON", "application/json; charset=utf-8",
		" application/json", "application/json ", "application/", "/json", "application", "", "a/b/c", "a/b;", "a b/c",
		"application/vnd.api+json", "x-y/z.w_v!#$%&'*+-^`|~", "a/\"b\"", "a/b\x00", "a/é",
	} {
		want, _, wantErr := mime.ParseMediaType(ct)
		got, gotErr := parseMediaType(ct)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%q: got %q, %v; mime says %q, %v", ct, got, gotErr, want, wantErr)
		}
	}
}

func FuzzParseMediaType(f *testing.F) {
	f.Add("application/json")
	f.Add("Text/Plain; charset=utf-8")
	f.Fuzz(func(t *testing.T, ct string) {
		want, _, wantErr := mime.ParseMediaType(ct)
		got, gotErr := parseMediaType(ct)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Errorf("%q: got %q, %v; mime says %q, %v", ct, got, gotErr, want, wantErr)
		}
	})
}

// FuzzSharedFacts runs the guards above on arbitrary bodies and media types.
func FuzzSharedFacts(f *testing.F) {
	for _, tc := range sharedCases {
		f.Add(uint8(0), tc.status, tc.ct, []byte(tc.body))
	}
	ops := fuzzOpsShared(f)
	unpruned := map[string]*API{"confluent": unprunedAPI(f, "confluent"), "apinizer": unprunedAPI(f, "apinizer")}
	bodySchema, _ := Lookup("body-schema")
	f.Fuzz(func(t *testing.T, opIndex uint8, status int, ct string, body []byte) {
		op := ops[int(opIndex)%len(ops)]
		ex := sharedExchange(op, status, ct, string(body))
		together := NewChecker(All(), CheckOptions{}, nil).Check(op, ex, nil)
		var alone []Violation
		for _, c := range All() {
			alone = append(alone, NewChecker([]Check{c}, CheckOptions{}, nil).Check(op, ex, nil)...)
		}
		if got, want := rendered(together), rendered(alone); !slices.Equal(got, want) {
			t.Fatalf("together:\n%s\nalone:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		full := unpruned[op.api.Name].Operation(op.ID)
		for _, id := range []string{"drift-property", "drift-enum"} {
			chk, _ := Lookup(id)
			got := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(op, ex, nil)
			want := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(full, sharedExchange(full, status, ct, string(body)), nil)
			if g, w := rendered(got), rendered(want); !slices.Equal(g, w) {
				t.Fatalf("%s pruned:\n%s\nunpruned:\n%s", id, strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
		}
		fast := NewChecker([]Check{bodySchema}, CheckOptions{}, nil).Check(op, ex, nil)
		fastBodyValidation = false
		slow := NewChecker([]Check{bodySchema}, CheckOptions{}, nil).Check(op, ex, nil)
		fastBodyValidation = true
		if got, want := rendered(fast), rendered(slow); !slices.Equal(got, want) {
			t.Fatalf("fast path:\n%s\nValidateResponse:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func fuzzOpsShared(t testing.TB) []*Operation {
	var ops []*Operation
	for _, name := range []string{"confluent", "apinizer"} {
		ops = append(ops, testAPI(t, name).Operations()...)
	}
	return ops
}

// TestStatusesResolveAsLookupResponse: the per-status table NewAPI fills answers as the lookup
// it replaces, for every status of every operation.
func TestStatusesResolveAsLookupResponse(t *testing.T) {
	for _, name := range []string{"confluent", "apinizer"} {
		for _, op := range testAPI(t, name).Operations() {
			for status := -1; status < 1000; status++ {
				if got, want := op.response(status), op.lookupResponse(status); got != want {
					t.Errorf("%s %d: %s, want %s", op.ID, status, keyOf(got), keyOf(want))
				}
			}
		}
	}
	op := &Operation{responses: map[string]*responseFacts{"204": {key: "204"}, "4XX": {key: "4XX"}, "404": {key: "404"}, "0200": {key: "0200"}, "5xx": {key: "5xx"}, "default": {key: "default"}}}
	op.resolveStatuses()
	for status := -1; status < 1000; status++ {
		if got, want := op.response(status), op.lookupResponse(status); got != want {
			t.Errorf("%d: %s, want %s", status, keyOf(got), keyOf(want))
		}
	}
}

func keyOf(f *responseFacts) string {
	if f == nil {
		return "none"
	}
	return f.key
}

// FuzzSharedJSONBody: the drift checks report on the body decoded once for the exchange
// (Input.jsonBody) exactly when json.Unmarshal, which they would call otherwise, accepts the body
// (Input.jsonDocument), and then the decoded value is the one json.Unmarshal gives but for
// numbers (json.Number here, float64 there).
func FuzzSharedJSONBody(f *testing.F) {
	for _, b := range []string{`{"a":1}`, ` [1, 2] `, `{} x`, `123abc`, `1e400`, `{"a":1,"a":2}`, "\"\xff\"", `nul`, ``, `{"a":[1e308,-0.5,{"b":"\u00e9"}]}`, "{}\t\r\n "} {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in := &Input{Response: &RecordedResponse{Body: body}}
		got, _ := in.jsonBody()
		shared := in.jsonDocument()
		var want any
		if accepts := json.Unmarshal(body, &want) == nil; shared != accepts {
			t.Fatalf("%q: shared %v, json.Unmarshal accepts it: %v", body, shared, accepts)
		}
		if shared && !reflect.DeepEqual(floatNumbers(got), want) {
			t.Fatalf("%q: shared %#v, json.Unmarshal gives %#v", body, got, want)
		}
		_, err := in.jsonBody()
		kin, kinErr := openapi3filter.JSONBodyDecoder(bytes.NewReader(body), nil, nil, nil)
		if (err == nil) != (kinErr == nil) || !reflect.DeepEqual(got, kin) {
			t.Fatalf("%q: %#v, %v; kin-openapi: %#v, %v", body, got, err, kin, kinErr)
		}
	})
}

// floatNumbers returns v with its json.Numbers as float64, as json.Unmarshal gives them.
func floatNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = floatNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = floatNumbers(e)
		}
		return out
	}
	return v
}

// TestJSONBodyIsKinOpenAPIsDecoding: the body checks read is the value kin-openapi's JSON body
// decoder gives for the same body, and the same error where it fails.
func TestJSONBodyIsKinOpenAPIsDecoding(t *testing.T) {
	bodies := []string{`{"a":1,"a":{"b":[2.50,-0,1e400]}}`, ` [1, "x", null, true] `, `{} x`, `123abc`, "\"\xff\"", `nul`, ``, `{"a":`}
	for _, depth := range []int{fastjson.MaxDepth, fastjson.MaxDepth + 1, 10_000, 10_001, 50_000} {
		bodies = append(bodies, strings.Repeat("[", depth)+strings.Repeat("]", depth), `{"a":"[[[[","b":`+strings.Repeat("[", depth)+strings.Repeat("]", depth)+"}")
	}
	for _, tc := range sharedCases {
		bodies = append(bodies, tc.body)
	}
	for _, body := range bodies {
		in := &Input{Response: &RecordedResponse{Body: Body(body)}}
		got, err := in.jsonBody()
		want, kinErr := openapi3filter.JSONBodyDecoder(strings.NewReader(body), nil, nil, nil)
		if (err == nil) != (kinErr == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%.80q: %#v, %v; kin-openapi: %#v, %v", body, got, err, want, kinErr)
		}
	}
}

// TestDeeplyNestedBodies: a body of brackets nested far deeper than any JSON decoder accepts
// (4 MB, two million levels) goes through every check without a crash, and body-schema reports
// it as not JSON, as kin-openapi does.
func TestDeeplyNestedBodies(t *testing.T) {
	op := testAPI(t, "confluent").Operation("deleteOrgV2Environment")
	for _, depth := range []int{10_001, 2_000_000} {
		body := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		ex := observed(op, RecordedRequest{}, canned{status: 404, header: confluentHeaders("Content-Type", "application/json"), body: body})
		got := NewChecker(All(), CheckOptions{}, nil).Check(op, ex, nil)
		var ids []string
		for _, v := range got {
			ids = append(ids, v.Check)
		}
		if !slices.Contains(ids, "body-schema") {
			t.Errorf("depth %d: findings %v, want body-schema's", depth, ids)
		}
	}
}

// TestJSONMediaTypesAreKinOpenAPIs: isJSONMediaType says JSON for exactly the media types whose
// bodies kin-openapi's registered body decoders (ValidateResponse's choice: the type's own, else
// application/json's for a +json type, else */*'s) decode as JSON, told apart by what they make
// of a JSON text: JSON's decoder gives json.Numbers in maps and slices.
func TestJSONMediaTypesAreKinOpenAPIs(t *testing.T) {
	for _, mt := range []string{
		"application/json", "application/problem+json", "application/vnd.api+json", "application/hal+json",
		"application/ld+json", "application/merge-patch+json", "application/json-patch+json", "application/vnd.x.v1+json",
		"text/x+json", "application/+json", "application/jsonx", "application/json5", "application/x-json", "text/json",
		"application/yaml", "application/x-yaml", "text/plain", "text/csv", "application/octet-stream",
		"application/x-www-form-urlencoded", "multipart/form-data", "application/xml", "image/png",
	} {
		dec := openapi3filter.RegisteredBodyDecoder(mt)
		if dec == nil && strings.HasSuffix(mt, "+json") {
			dec = openapi3filter.RegisteredBodyDecoder("application/json")
		}
		if dec == nil {
			dec = openapi3filter.RegisteredBodyDecoder("*/*")
		}
		kinJSON := false
		if dec != nil {
			h := http.Header{"Content-Type": {mt}}
			v, err := dec(strings.NewReader(`{"a":[1]}`), h, &openapi3.SchemaRef{Value: openapi3.NewObjectSchema()}, nil)
			kinJSON = err == nil && reflect.DeepEqual(v, map[string]any{"a": []any{json.Number("1")}})
		}
		if got := isJSONMediaType(mt); got != kinJSON {
			t.Errorf("%s: isJSONMediaType %v, kin-openapi decodes it as JSON: %v", mt, got, kinJSON)
		}
	}
}
