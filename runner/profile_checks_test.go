package runner

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/apiconform/apiconform/specs"
)

// widgetsSpec is an API apiconform has no Go code for: its own request-ID header, rate-limit
// headers with an epoch reset, an error body carrying its status and code at the top level, its
// own extensible-enum and known-codes extensions, and an object described by allOf.
const widgetsSpec = `openapi: 3.0.3
info: {title: Widgets, version: "1"}
paths:
  /widgets/{id}:
    get:
      operationId: getWidget
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: a widget
          headers:
            X-Trace-Id: {schema: {type: string}}
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: string}
                  color: {type: string, x-open-enum: [red, blue]}
                  meta:
                    allOf:
                      - $ref: '#/components/schemas/Meta'
                      - properties:
                          self: {type: string}
        "404":
          description: no such widget
          x-codes: [not_found]
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: integer}
                  kind: {type: string}
        "409":
          description: a conflict, its body an allOf of a shared problem shape
          content:
            application/json:
              schema:
                allOf:
                  - $ref: '#/components/schemas/Problem'
                  - properties:
                      detail: {type: string}
components:
  schemas:
    Problem:
      type: object
      properties:
        status: {type: integer}
        kind: {type: string}
    Meta:
      type: object
      properties:
        created_at: {type: string}
`

const widgetsProfile = `request-id-header: X-Trace-Id
rate-limit: {limit-header: Quota-Limit, remaining-header: Quota-Left, reset-header: Quota-Reset, reset: epoch-seconds}
error-status: {field: status}
error-code: {field: kind, known-codes-extension: x-codes}
extensible-enum-extension: x-open-enum
contract-header-prefixes: [X-Widget-]
`

// widgetsAPI loads widgetsSpec with widgetsProfile, or with no profile at all.
func widgetsAPI(t *testing.T, withProfile bool) *API {
	t.Helper()
	var p *Profile
	if withProfile {
		var err error
		if p, err = ParseProfile([]byte(widgetsProfile), "widgets-profile.yaml"); err != nil {
			t.Fatal(err)
		}
	}
	return apiFromYAML(t, "widgets", widgetsSpec, p)
}

// apiFromYAML loads spec, a YAML OpenAPI document, as the API name with profile (nil: the
// spec's own).
func apiFromYAML(t *testing.T, name, spec string, profile *Profile) *API {
	t.Helper()
	doc, err := specs.LoadBytes([]byte(spec), name+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAPIWithProfile(name, doc, profile)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestChecksReadTheProfile: the checks an API's semantics drive (request-id-unique,
// ratelimit-semantics, error-status-match, drift-enum, drift-header) find what the profile names
// on an API with no Go code, and stay silent on the same exchanges when the API has no profile.
func TestChecksReadTheProfile(t *testing.T) {
	ok := `{"id":"w1","color":"red","meta":{"self":"s","created_at":"c"}}`
	for _, tt := range []struct {
		name, check string
		status      int
		header      []string
		body        string
		// twice sends the exchange twice in one run.
		twice bool
		want  []string // with the profile; without it, nothing
	}{
		{"a repeated trace ID", "request-id-unique", 200, []string{"X-Trace-Id", "t-1"}, ok, true, []string{"X-Trace-Id"}},
		{"distinct trace IDs", "request-id-unique", 200, nil, ok, false, nil},
		{"remaining above the limit", "ratelimit-semantics", 200, []string{"Quota-Limit", "10", "Quota-Left", "11"}, ok, false, []string{"Quota-Left"}},
		{"a relative reset where epoch seconds are the contract", "ratelimit-semantics", 200, []string{"Quota-Reset", "30"}, ok, false, []string{"Quota-Reset"}},
		{"an epoch reset", "ratelimit-semantics", 200, []string{"Quota-Limit", "10", "Quota-Left", "3", "Quota-Reset", "1900000000"}, ok, false, nil},
		{"an error body saying another status", "error-status-match", 404, nil, `{"status":400,"kind":"not_found"}`, false, []string{"/status"}},
		{"an error body saying its status", "error-status-match", 404, nil, `{"status":404,"kind":"not_found"}`, false, nil},
		{"an allOf error body saying another status", "error-status-match", 409, nil, `{"status":500,"kind":"conflict","detail":"d"}`, false, []string{"/status"}},
		{"an allOf error body saying its status", "error-status-match", 409, nil, `{"status":409,"kind":"conflict"}`, false, nil},
		{"an unknown error code", "drift-enum", 404, nil, `{"status":404,"kind":"gone"}`, false, []string{"/kind"}},
		{"a value outside the open enum", "drift-enum", 200, nil, `{"id":"w1","color":"green"}`, false, []string{"/color"}},
		{"listed values", "drift-enum", 200, nil, ok, false, nil},
		{"a header with the profile's prefix", "drift-header", 200, []string{"X-Widget-Version", "2"}, ok, false, []string{"X-Widget-Version"}},
		{"a rate-limit header the profile names", "drift-header", 404, []string{"Quota-Limit", "10"}, `{"status":404,"kind":"not_found"}`, false, []string{"Quota-Limit"}},
	} {
		for _, withProfile := range []bool{true, false} {
			name := tt.name
			if !withProfile {
				name += " without a profile"
			}
			t.Run(name, func(t *testing.T) {
				op := widgetsAPI(t, withProfile).Operation("getWidget")
				chk, _ := Lookup(tt.check)
				checker := NewChecker([]Check{chk}, CheckOptions{}, nil)
				h := http.Header{"Content-Type": {"application/json"}}
				for i := 0; i+1 < len(tt.header); i += 2 {
					h.Set(tt.header[i], tt.header[i+1])
				}
				ex := func(id string) *Exchange {
					hh := h.Clone()
					if id != "" {
						hh.Set("X-Trace-Id", id)
					}
					return &Exchange{OperationID: op.ID, Request: RecordedRequest{Method: "GET", Path: "/widgets/w1", URL: "http://127.0.0.1:1/widgets/w1"},
						Response: &RecordedResponse{Status: tt.status, Proto: "HTTP/1.1", Header: hh, Body: Body(tt.body)}}
				}
				got := checker.Check(op, ex(""), nil)
				if tt.twice {
					got = checker.Check(op, ex(""), nil)
				} else if tt.check == "request-id-unique" {
					got = append(got, checker.Check(op, ex("t-2"), nil)...) // responses with their own IDs
					got = append(got, checker.Check(op, ex("t-3"), nil)...)
				}
				var where []string
				for _, v := range got {
					w := v.Header
					if w == "" {
						w = v.Pointer
					}
					where = append(where, w)
					if withProfile && tt.check == "request-id-unique" && v.RequestID != "t-1" {
						t.Errorf("violation names request %q, want the profile's header value t-1", v.RequestID)
					}
				}
				sort.Strings(where)
				want := tt.want
				if !withProfile {
					want = nil // without the profile, the same headers and fields mean nothing
				}
				if strings.Join(where, ",") != strings.Join(want, ",") {
					t.Errorf("violations at %v, want %v:\n%s", where, want, render(got))
				}
			})
		}
	}
}

// TestDriftPropertyReadsAllOfAsOneObject: a property one allOf member names is named, however
// the members split the object's description; a property none names is drift.
func TestDriftPropertyReadsAllOfAsOneObject(t *testing.T) {
	op := widgetsAPI(t, false).Operation("getWidget")
	chk, _ := Lookup("drift-property")
	for _, tt := range []struct {
		body string
		want string
	}{
		{`{"id":"w1","meta":{"self":"s","created_at":"c"}}`, ""},
		{`{"id":"w1","meta":{"self":"s","created_at":"c","owner":"o"}}`, "/meta/owner"},
	} {
		ex := &Exchange{OperationID: op.ID, Request: RecordedRequest{Method: "GET", Path: "/widgets/w1"},
			Response: &RecordedResponse{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: Body(tt.body)}}
		got := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(op, ex, nil)
		var where []string
		for _, v := range got {
			where = append(where, v.Pointer)
		}
		if strings.Join(where, ",") != tt.want {
			t.Errorf("%s: violations at %v, want %q:\n%s", tt.body, where, tt.want, render(got))
		}
	}
}

// TestErrorStatusThroughAllOf: the profile's error status is found however allOf splits the
// error body's schema, for a list of errors as for the body itself.
func TestErrorStatusThroughAllOf(t *testing.T) {
	const spec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      operationId: getX
      responses:
        "400":
          description: errors in a list whose items are an allOf
          content:
            application/json:
              schema:
                allOf:
                  - properties:
                      errors:
                        type: array
                        items:
                          allOf: [{$ref: '#/components/schemas/Err'}]
        "404":
          description: no status anywhere
          content:
            application/json:
              schema:
                properties:
                  errors: {type: array, items: {properties: {code: {type: string}}}}
components:
  schemas:
    Err:
      properties:
        status: {type: string}
`
	doc, err := specs.LoadBytes([]byte(spec), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	es := &ErrorStatusProfile{Items: "errors", Field: "status"}
	resp := func(code string) *openapi3.Response { return doc.Paths.Value("/x").Get.Responses.Value(code).Value }
	if !hasErrorStatus(resp("400"), es) {
		t.Error("400: errors[].status through allOf not found")
	}
	if hasErrorStatus(resp("404"), es) {
		t.Error("404: a status found where the schema has none")
	}
}

// TestOperationsWithoutOperationID: a spec that gives an operation no operationId (many do) is
// still checked: the operation is named by its method and path, and requests route to it.
func TestOperationsWithoutOperationID(t *testing.T) {
	const spec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses: {"200": {description: ok}}
    delete:
      operationId: deleteThing
      responses: {"204": {description: gone}}
`
	a := apiFromYAML(t, "things", spec, nil)
	for _, tt := range []struct{ method, id string }{{"GET", "GET /things/{id}"}, {"DELETE", "deleteThing"}} {
		if a.Operation(tt.id) == nil {
			t.Errorf("no operation %q", tt.id)
		}
		op, params, err := a.FindOperation(tt.method, "/things/t-1")
		if err != nil || op.ID != tt.id || params["id"] != "t-1" {
			t.Errorf("%s /things/t-1 routes to %v %v, %v; want %s", tt.method, op, params, err, tt.id)
		}
	}
	if a.Doc.Paths.Value("/things/{id}").Get.OperationID != "" {
		t.Error("the spec itself was changed")
	}
}

// TestErrorStatusOfOneErrorObject: error-status with items naming one error object
// ({"error": {"status": 404}}) rather than an array: the status is held to the HTTP status.
func TestErrorStatusOfOneErrorObject(t *testing.T) {
	const spec = `openapi: 3.0.3
info: {title: notes, version: "1"}
paths:
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "404":
          description: no such note
          content:
            application/json:
              schema:
                properties:
                  error:
                    properties:
                      status: {type: integer}
                      message: {type: string}
`
	a := apiFromYAML(t, "notes", spec, &Profile{ErrorStatus: &ErrorStatusProfile{Items: "error", Field: "status"}})
	if notes := a.ProfileNotes(); len(notes) > 0 {
		t.Errorf("notes on a profile that applies: %v", notes)
	}
	op := a.Operation("GET /notes/{id}")
	chk, _ := Lookup("error-status-match")
	for body, want := range map[string]string{
		`{"error":{"status":404,"message":"m"}}`: "",
		`{"error":{"status":400,"message":"m"}}`: "/error/status",
	} {
		ex := &Exchange{OperationID: op.ID, Request: RecordedRequest{Method: "GET", Path: "/notes/n1"},
			Response: &RecordedResponse{Status: 404, Header: http.Header{"Content-Type": {"application/json"}}, Body: Body(body)}}
		got := NewChecker([]Check{chk}, CheckOptions{}, nil).Check(op, ex, nil)
		var where []string
		for _, v := range got {
			where = append(where, v.Pointer)
		}
		if strings.Join(where, ",") != want {
			t.Errorf("%s: violations at %v, want %q:\n%s", body, where, want, render(got))
		}
	}
}

// TestProfileNotes: a profile part that matches nothing in the spec is said, so that a typing
// mistake does not silence a check without a word; the embedded APIs' profiles all apply.
func TestProfileNotes(t *testing.T) {
	doc, err := specs.Load(specs.Apinizer)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewAPIWithProfile("apinizer", doc, &Profile{
		ErrorStatus:             &ErrorStatusProfile{Items: "errors", Field: "status"},
		ErrorCode:               &ErrorCodeProfile{Field: "error", KnownCodesExtension: "x-codes"},
		ExtensibleEnumExtension: "x-open-enum",
	})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(a.ProfileNotes(), "\n")
	for _, want := range []string{"profile error-status: no response schema of apinizer has errors[].status or errors.status",
		"profile error-code: no response of apinizer lists codes in x-codes", "profile extensible-enum-extension: no response schema of apinizer has x-open-enum"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, name := range specs.Names() {
		if notes := testAPI(t, name).ProfileNotes(); len(notes) > 0 {
			t.Errorf("%s: %v", name, notes)
		}
	}
}
