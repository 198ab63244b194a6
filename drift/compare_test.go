package drift

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/specs"
)

// want is one expected change: rule ID, level and operation.
type want struct {
	id        string
	level     Level
	operation string
}

func loadPair(tb testing.TB, name string) (*Document, *Document) {
	tb.Helper()
	base, err := LoadFile("testdata/" + name + "_base.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	revision, err := LoadFile("testdata/" + name + "_revision.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return base, revision
}

func got(r *Report) []want {
	out := make([]want, len(r.Changes))
	for i, c := range r.Changes {
		out[i] = want{c.ID, c.Level, c.Operation}
	}
	return out
}

func TestCompare(t *testing.T) {
	const del, get = "DELETE /org/v2/environments/{id}", "GET /org/v2/environments/{id}"
	tests := []struct {
		pair string
		want []want
	}{
		{"unchanged", []want{}},
		{"response_status_added", []want{{"response-non-success-status-added", Info, del}}},
		{"response_removed", []want{{"response-success-status-removed", Breaking, del}}},
		{"operation_removed", []want{{"api-removed-without-deprecation", Breaking, del}}},
		{"parameter_removed", []want{{"request-parameter-removed", Warning, get}}},
		{"security_replaced", []want{
			{"api-security-removed", Breaking, del},
			{"api-security-removed", Breaking, get},
			{"api-security-added", Info, del},
			{"api-security-added", Info, get},
			{"api-security-component-added", Info, ""},
			{"api-security-component-removed", Info, ""},
		}},
		// The loaders merge allOf: the same body written inline and composed compares equal.
		{"allof_composed", []want{}},
		// A merge that fails keeps the document as written (see TestCompareNotesUnmergedAllOf).
		{"allof_conflict", []want{
			{"response-property-type-changed", Warning, get},
			{"response-property-all-of-added", Info, get},
		}},
		{"uncovered", []want{
			{"response-success-status-removed", Breaking, "GET /org/v2/organizations"},
			{"response-non-success-status-added", Info, del},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.pair, func(t *testing.T) {
			base, revision := loadPair(t, tt.pair)
			r, err := Compare(base, revision, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if g := got(r); !equal(g, tt.want) {
				t.Errorf("changes = %v, want %v", g, tt.want)
			}
		})
	}
}

func equal(a, b []want) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCompareLocatesBothFiles(t *testing.T) {
	base, revision := loadPair(t, "response_status_added")
	r, err := Compare(base, revision, Options{})
	if err != nil || len(r.Changes) != 1 {
		t.Fatalf("Compare = %v, %v", r, err)
	}
	c := r.Changes[0]
	// oasdiff locates the added 409 in the revision; the base side falls back to the DELETE.
	wantBase := Location{File: "testdata/response_status_added_base.yaml", Line: 7, Column: 5, Scope: ScopeOperation}
	wantRevision := Location{File: "testdata/response_status_added_revision.yaml", Line: 22, Column: 9, Scope: ScopeChange}
	if c.BaseLocation != wantBase || c.RevisionLocation != wantRevision {
		t.Errorf("locations = %+v, %+v; want %+v, %+v", c.BaseLocation, c.RevisionLocation, wantBase, wantRevision)
	}
	if c.OperationID != "deleteOrgV2Environment" || c.Message != "added the non-success response with the status `409`" || c.Section != "paths" {
		t.Errorf("change = %+v", c)
	}

	base, revision = loadPair(t, "operation_removed")
	r, err = Compare(base, revision, Options{})
	if err != nil || len(r.Changes) != 1 {
		t.Fatalf("Compare = %v, %v", r, err)
	}
	// The removed operation has no line in the revision.
	if l := r.Changes[0].RevisionLocation; l.Scope != ScopeFile || l.Line != 0 || l.File != "testdata/operation_removed_revision.yaml" {
		t.Errorf("revision location of a removed operation = %+v", l)
	}
}

func TestCompareNotesUnmergedAllOf(t *testing.T) {
	base, revision := loadPair(t, "allof_conflict")
	if base.unmerged != "" || revision.unmerged == "" {
		t.Fatalf("unmerged = %q, %q; want only the revision's allOf left as written", base.unmerged, revision.unmerged)
	}
	r, err := Compare(base, revision, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Notes) != 1 || !strings.HasPrefix(r.Notes[0], "testdata/allof_conflict_revision.yaml: allOf kept as written") {
		t.Errorf("notes = %q", r.Notes)
	}
}

func TestCompareOnlyCovered(t *testing.T) {
	covered, err := CoveredOperations()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"DELETE /org/v2/environments/{}", "GET /org/v2/environments/{}", "POST /org/v2/environments"} {
		if !covered[op] {
			t.Errorf("CoveredOperations lacks %s: %v", op, covered.Keys())
		}
	}
	if covered.Has("GET", "/org/v2/organizations") {
		t.Error("GET /org/v2/organizations is not exercised by the suites")
	}
	if !covered.Has("delete", "/org/v2/environments/{environment_id}") {
		t.Error("matching ignores the names of path parameters and the case of the method")
	}

	base, revision := loadPair(t, "uncovered")
	r, err := Compare(base, revision, Options{Covered: covered})
	if err != nil {
		t.Fatal(err)
	}
	wantOnly := []want{{"response-non-success-status-added", Info, "DELETE /org/v2/environments/{id}"}}
	if g := got(r); !equal(g, wantOnly) || !r.OnlyCovered {
		t.Errorf("covered changes = %v (onlyCovered %v), want %v", g, r.OnlyCovered, wantOnly)
	}

	// Component changes concern no single operation: dropped under --only-covered.
	base, revision = loadPair(t, "security_replaced")
	r, err = Compare(base, revision, Options{Covered: covered})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Changes {
		if c.Operation == "" {
			t.Errorf("document-wide change kept under Covered: %+v", c)
		}
	}
	if len(r.Changes) != 4 {
		t.Errorf("got %d covered changes, want 4: %v", len(r.Changes), got(r))
	}
}

func TestCompareIsRepeatable(t *testing.T) {
	// The same loaded documents compared twice give the same report: oasdiff does not mutate them.
	base, revision := loadPair(t, "security_replaced")
	first, err := Compare(base, revision, Options{})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Compare(base, revision, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Changes) != len(second.Changes) {
		t.Fatalf("%d then %d changes", len(first.Changes), len(second.Changes))
	}
	for i := range first.Changes {
		if first.Changes[i] != second.Changes[i] {
			t.Errorf("change %d: %+v then %+v", i, first.Changes[i], second.Changes[i])
		}
	}
}

func TestCompareNilDocuments(t *testing.T) {
	base, _ := loadPair(t, "unchanged")
	for _, pair := range [][2]*Document{{nil, nil}, {base, nil}, {nil, base}, {{}, base}} {
		if _, err := Compare(pair[0], pair[1], Options{}); err == nil {
			t.Errorf("Compare(%v, %v) gave no error", pair[0], pair[1])
		}
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"testdata/bad_yaml.yaml", "testdata/bad_yaml.yaml:"},
		{"testdata/unresolved_ref.yaml", "testdata/unresolved_ref.yaml: cannot parse or resolve"},
		{"testdata/not_openapi.yaml", "testdata/not_openapi.yaml: not an OpenAPI 3 document"},
		{"testdata/no_such_file.yaml", "testdata/no_such_file.yaml: cannot read the file"},
	}
	for _, tt := range tests {
		_, err := LoadFile(tt.file)
		var le *specs.LoadError
		if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("LoadFile(%s) = %v; want a *specs.LoadError starting %q", tt.file, err, tt.want)
		}
	}
}

func TestLoadPinned(t *testing.T) {
	d, err := LoadPinned(specs.Confluent)
	if err != nil {
		t.Fatal(err)
	}
	if d.File != "specs/confluent/confluent.yaml" {
		t.Errorf("pinned file = %q", d.File)
	}
	_, err = LoadPinned("nosuch")
	if err == nil || !strings.Contains(err.Error(), "apinizer, confluent") {
		t.Errorf("LoadPinned(nosuch) = %v; want the known names listed", err)
	}
	// The pinned spec compared with itself: no changes.
	r, err := Compare(d, d, Options{})
	if err != nil || len(r.Changes) != 0 {
		t.Errorf("pinned vs itself: %v, %v", got(r), err)
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want Level
	}{
		{"ERR", Breaking}, {"err", Breaking}, {"breaking", Breaking}, {"Error", Breaking},
		{"WARN", Warning}, {"warning", Warning}, {"INFO", Info}, {"info", Info},
		{"", ""}, {"fatal", ""},
	}
	for _, tt := range tests {
		got, err := ParseLevel(tt.in)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if !Breaking.AtLeast(Warning) || Info.AtLeast(Warning) || !Warning.AtLeast(Warning) || Level("").AtLeast(Info) {
		t.Error("AtLeast orders breaking > warning > info, unknown below all")
	}
}

func BenchmarkCompare(b *testing.B) {
	base, revision := loadPair(b, "security_replaced")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(base, revision, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAndCompare is the cost of one `apiconform drift` run on the pair, loading included.
func BenchmarkLoadAndCompare(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		base, revision := loadPair(b, "security_replaced")
		if _, err := Compare(base, revision, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCompare feeds arbitrary revisions to the loader and, when they load, to Compare (against
// testdata/security_replaced_base.yaml) and Render: nothing may panic, and Render renders. The
// seeds are small revisions, each a few hundred bytes, that between them make the changes the
// testdata pairs are about, and testdata/fuzz/FuzzCompare. They are kept small on purpose: the
// fuzzer mutates and minimizes inputs of the size it is given, and with the testdata documents
// as seeds (800 bytes each, a millisecond an execution) minimizing one new input took Go's
// default 60 s, during which the worker ran nothing new (issue 15). The testdata documents are
// held to the same property once, before fuzzing.
func FuzzCompare(f *testing.F) {
	const head = "openapi: 3.0.3\ninfo: {title: r, version: '2'}\n"
	const id = "parameters: [{name: id, in: path, required: true, schema: {type: string}}]"
	seeds := []string{
		// unchanged
		head + "paths:\n  /org/v2/environments/{id}:\n    delete: {operationId: deleteOrgV2Environment, " + id + ", security: [{api-key: []}], responses: {'204': {description: d}, '404': {description: n}}}\n    get: {operationId: getOrgV2Environment, " + id + ", security: [{api-key: []}], responses: {'200': {description: e}}}\ncomponents: {securitySchemes: {api-key: {type: http, scheme: basic}}}\n",
		// an operation removed, a response removed, a status added, the security replaced
		head + "paths:\n  /org/v2/environments/{id}:\n    delete: {operationId: deleteOrgV2Environment, " + id + ", security: [{t: []}], responses: {'204': {description: d}, '409': {description: c}}}\ncomponents: {securitySchemes: {t: {type: http, scheme: bearer}}}\n",
		// a parameter changed, a required query parameter added, a response body and header
		head + "paths:\n  /org/v2/environments/{id}:\n    get:\n      operationId: getOrgV2Environment\n      parameters: [{name: id, in: path, required: true, schema: {type: integer}}, {name: q, in: query, required: true, schema: {type: string, enum: [a]}}]\n      responses: {'200': {description: e, headers: {X-A: {schema: {type: string}}}, content: {application/json: {schema: {type: object, required: [id], properties: {id: {type: string}}}}}}}\n",
		// allOf, a $ref, a request body
		head + "paths:\n  /org/v2/environments:\n    post: {operationId: create, requestBody: {required: true, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}, responses: {'201': {description: c}}}\ncomponents:\n  schemas:\n    E: {allOf: [{type: object, properties: {a: {type: string}}}, {type: object, required: [a], properties: {a: {type: string, maxLength: 3}}}]}\n",
	}
	base, err := LoadFile("testdata/security_replaced_base.yaml")
	if err != nil {
		f.Fatal(err)
	}
	// property holds for one revision; it says whether the revision loaded and compared.
	property := func(tb testing.TB, data []byte) bool {
		tb.Helper()
		revision, err := LoadBytes(data, "fuzz.yaml")
		if err != nil {
			return false
		}
		r, err := Compare(base, revision, Options{})
		if err != nil {
			return false
		}
		for _, format := range Formats() {
			if err := Render(io.Discard, r, format); err != nil {
				tb.Fatal(err)
			}
		}
		return true
	}
	for i, s := range seeds {
		if !property(f, []byte(s)) {
			f.Fatalf("seed %d does not load and compare: it would fuzz the parser only", i)
		}
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	compared := 0
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		if property(f, data) {
			compared++
		}
	}
	if compared < 10 {
		f.Fatalf("only %d of the %d testdata documents load and compare", compared, len(files))
	}
	f.Fuzz(func(t *testing.T, data []byte) { property(t, data) })
}
