package report

import (
	"bytes"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with what the renderers write now")

// runStarted is the start of every hand-built run (with a fraction of a second, which the
// reports drop).
var runStarted = time.Date(2026, 3, 4, 5, 6, 7, 891_000_000, time.UTC)

// reportExchange builds a recorded exchange; status 0 means no response arrived.
func reportExchange(op, method, path string, status int, requestID string, took time.Duration) *runner.Exchange {
	ex := &runner.Exchange{
		OperationID: op,
		Request:     runner.RecordedRequest{Method: method, URL: "http://127.0.0.1:8080" + path, Path: path},
		Started:     runStarted,
		Duration:    took,
	}
	if status == 0 {
		ex.Err = &runner.TransportError{Kind: runner.TransportRefused, Message: "dial tcp 127.0.0.1:8080: connection refused"}
		return ex
	}
	h := http.Header{}
	if requestID != "" {
		h.Set("X-Request-Id", requestID)
	}
	ex.Response = &runner.RecordedResponse{Status: status, Proto: "HTTP/1.1", Header: h}
	return ex
}

// reportViolation builds a violation as the Checker stamps it.
func reportViolation(check string, sev runner.Severity, ex *runner.Exchange, msg string) runner.Violation {
	return runner.Violation{Check: check, Severity: sev, OperationID: ex.OperationID, Method: ex.Request.Method,
		Path: ex.Request.Path, Status: ex.Status(), RequestID: ex.Response.Header.Get("X-Request-Id"), Message: msg}
}

// sampleRunResult is a run of two APIs. confluent: a passed scenario with a drift warning, a
// failed one with two violations, a skipped one, a not-run one, and two observed exchanges (one
// conforming, one not); apinizer: every scenario skipped, no response.
func sampleRunResult() *run.Result {
	list := reportExchange("listTopics", "GET", "/kafka/v3/clusters/c1/topics", 200, "req-1", 120*time.Millisecond)
	create := reportExchange("createTopic", "POST", "/kafka/v3/clusters/c1/topics", 201, "req-2", 80*time.Millisecond)
	drift := reportViolation("drift-header", runner.SeverityWarning, create, "header X-RateLimit-Limit is not documented for 201")
	drift.Header = "X-RateLimit-Limit"
	drift.Actual = "100"
	del := reportExchange("deleteTopic", "DELETE", "/kafka/v3/clusters/c1/topics/orders", 500, "req-3", 45*time.Millisecond)
	st := reportViolation("status-expected", runner.SeverityError, del, "the status is not the one the scenario expects")
	st.Expected, st.Actual = "204", "500"
	schema := reportViolation("body-schema", runner.SeverityError, del, "property \"error_code\" is required")
	schema.Pointer = "/error_code"
	schema.SpecRef = "#/components/schemas/Error"
	schema.Expected = "integer"
	propDrift := reportViolation("drift-property", runner.SeverityWarning, del, "property `detail|hint` is not named by the schema\nsecond line")
	propDrift.Pointer = "/detail|hint"
	saveEx := reportExchange("createTopic", "POST", "/kafka/v3/clusters/c1/topics", 201, "req-4", 60*time.Millisecond)
	// listTopics was also observed once, answered 200: counted in Groups only.
	obsBad := reportExchange("getTopic", "GET", "/kafka/v3/clusters/c1/topics/x", 418, "req-6", 5*time.Millisecond)
	undoc := reportViolation("status-documented", runner.SeverityError, obsBad, "status 418 is not documented for getTopic")
	undoc.SpecRef = "#/paths/~1kafka~1v3~1clusters~1{cluster_id}~1topics~1{topic_name}/get/responses"
	obsDrift := reportViolation("drift-status", runner.SeverityWarning, obsBad, "the server answered 418, which the pinned spec does not describe")

	return &run.Result{
		Started:  runStarted,
		Duration: 4*time.Second + 567*time.Millisecond,
		Mode:     run.Mode{AllowDestructive: true},
		Verdict:  run.BrokeContract,
		ExitCode: run.ExitViolations,
		Notices:  []string{"the mock was reset before the run"},
		APIs: []run.APIResult{
			{
				API:          "confluent",
				Spec:         run.SpecInfo{Title: "Confluent Cloud APIs", Version: "0.0.1", Source: "specs/confluent/confluent.yaml"},
				Target:       "http://127.0.0.1:8080",
				TargetKind:   run.EmbeddedMock,
				TargetSource: "default",
				Scenarios: []run.ScenarioResult{
					{API: "confluent", Name: "create and list topics", File: "scenarios/confluent/topics.yaml", Line: 3, Outcome: run.Passed,
						Duration: 1234567 * time.Microsecond, Steps: []run.StepResult{
							{Name: "list", Operation: "listTopics", Exchanges: []*runner.Exchange{list}},
							{Name: "create", Operation: "createTopic", Exchanges: []*runner.Exchange{create}, Violations: []runner.Violation{drift}},
						}},
					{API: "confluent", Name: "delete a topic", File: "scenarios/confluent/topics.yaml", Line: 20, Outcome: run.Failed,
						Duration: 45 * time.Millisecond, Steps: []run.StepResult{
							{Name: "delete", Operation: "deleteTopic", Exchanges: []*runner.Exchange{del}, Violations: []runner.Violation{st, schema, propDrift}},
						}},
					{API: "confluent", Name: "delete the cluster", File: "scenarios/confluent/clusters.yaml", Line: 7, Outcome: run.Skipped,
						Reason: "credentials not set: APICONFORM_CONFLUENT_API_KEY and APICONFORM_CONFLUENT_API_SECRET"},
					{API: "confluent", Name: "read back a saved topic", File: "scenarios/confluent/topics.yaml", Line: 41, Outcome: run.NotRun,
						Reason: "save topic_id: $.topic_id found nothing in the response of step create", Duration: 60 * time.Millisecond,
						Steps: []run.StepResult{{Name: "create", Operation: "createTopic", Exchanges: []*runner.Exchange{saveEx},
							Error: "save topic_id: $.topic_id found nothing"}}},
				},
				Observed: &run.Observed{
					Exchanges: 2, Failed: 1,
					Examples:   []run.ExchangeResult{{Exchange: obsBad, Violations: []runner.Violation{undoc, obsDrift}}},
					Violations: []runner.Violation{undoc, obsDrift},
					ByCheck:    map[string]int{"status-documented": 1, "drift-status": 1},
					Groups: []run.ObservedGroup{
						{Operation: "getTopic", Method: "GET", Path: "/kafka/v3/clusters/{cluster_id}/topics/{topic_name}", Status: 418, Exchanges: 1, Failed: 1, Checks: []string{"status-documented"}},
						{Operation: "listTopics", Method: "GET", Path: "/kafka/v3/clusters/{cluster_id}/topics", Status: 200, Exchanges: 1},
					},
				},
				Counts:    run.Counts{Passed: 1, Failed: 1, Skipped: 1, NotRun: 1},
				Responses: 6,
				Coverage: run.Coverage{Operations: []run.OperationCoverage{
					{Operation: "listTopics", Method: "GET", Path: "/kafka/v3/clusters/{cluster_id}/topics", Statuses: []run.StatusCoverage{
						{Status: "200", Exercised: 2, HeadersSeen: []string{"X-Request-Id"}},
						{Status: "4XX", Exercised: 0, HeadersMissing: []string{"X-Request-Id"}},
					}},
					{Operation: "deleteTopic", Method: "DELETE", Path: "/kafka/v3/clusters/{cluster_id}/topics/{topic_name}", Statuses: []run.StatusCoverage{
						{Status: "204", Exercised: 0},
						{Status: "default", Exercised: 1},
					}},
					{Operation: "getTopic", Method: "GET", Path: "/kafka/v3/clusters/{cluster_id}/topics/{topic_name}", Statuses: []run.StatusCoverage{
						{Status: "200", Exercised: 0},
					}, Undocumented: []int{418}},
				}},
				Drift: run.Drift{Observations: []run.DriftObservation{
					{Check: "drift-header", Operation: "createTopic", Status: 201, Where: "header X-RateLimit-Limit", Actual: "100",
						Message: drift.Message, Count: 1, ExampleRequestID: "req-2", ExampleScenario: "create and list topics"},
					{Check: "drift-property", Operation: "deleteTopic", Status: 500, Where: "/detail|hint",
						Message: propDrift.Message, Count: 1, ExampleRequestID: "req-3", ExampleScenario: "delete a topic"},
					{Check: "drift-status", Operation: "getTopic", Status: 418, Message: obsDrift.Message, Count: 1, ExampleRequestID: "req-6"},
				}},
			},
			{
				API:          "apinizer",
				Spec:         run.SpecInfo{Title: "Apinizer Management API", Version: "2024.1", Source: "specs/apinizer/apinizer.yaml"},
				Target:       "http://127.0.0.1:8081",
				TargetKind:   run.OwnMock,
				TargetSource: "APICONFORM_APINIZER_TARGET",
				Scenarios: []run.ScenarioResult{
					{API: "apinizer", Name: "delete a project", File: "scenarios/apinizer/projects.yaml", Line: 1, Outcome: run.Skipped,
						Reason: "a mutating request toward a host that is not loopback; --allow-destructive allows it"},
				},
				Counts: run.Counts{Skipped: 1},
				Coverage: run.Coverage{Operations: []run.OperationCoverage{
					{Operation: "deleteProject", Method: "DELETE", Path: "/apiops/projects/{projectName}", Statuses: []run.StatusCoverage{{Status: "200"}}},
				}},
				Drift: run.Drift{Observations: []run.DriftObservation{}},
			},
		},
	}
}

// noResponseRunResult is a run in which no response arrived: the target refused the
// connection, so the only scenario did not run.
func noResponseRunResult() *run.Result {
	refused := reportExchange("listTopics", "GET", "/kafka/v3/clusters/c1/topics", 0, "", 2*time.Millisecond)
	return &run.Result{
		Started:  runStarted,
		Duration: 20 * time.Millisecond,
		Verdict:  run.CouldNotRun,
		ExitCode: run.ExitSetup,
		Problem:  "no response arrived from the target: dial tcp 127.0.0.1:8080: connection refused",
		APIs: []run.APIResult{{
			API:        "confluent",
			Spec:       run.SpecInfo{Title: "Confluent Cloud APIs", Version: "0.0.1"},
			Target:     "http://127.0.0.1:8080",
			TargetKind: run.Server,
			Scenarios: []run.ScenarioResult{{API: "confluent", Name: "list topics", Outcome: run.NotRun,
				Reason: "no response: connection refused", Duration: 2 * time.Millisecond,
				Steps: []run.StepResult{{Name: "list", Operation: "listTopics", Exchanges: []*runner.Exchange{refused},
					Error: "connection refused"}}}},
			Counts: run.Counts{NotRun: 1},
			// Coverage and Drift as the zero value: nil slices, which the files write as [].
		}},
	}
}

// noAPIRunResult is a run with nothing in it.
func noAPIRunResult() *run.Result {
	return &run.Result{Started: runStarted, Verdict: run.CouldNotRun, ExitCode: run.ExitSetup,
		Problem: "nothing was checked: every selected scenario was skipped"}
}

// hostileRunResult has every character XML, JSON and Markdown must not take as it is: markup,
// a CDATA end, control characters, bytes that are not UTF-8, U+FFFE, line breaks, pipes and
// backticks, in names, reasons, messages and properties.
func hostileRunResult() *run.Result {
	const nasty = "a<b & c>d \"q\" 'a' ]]> x]]]]>y \x00nul \x1b[31mred\x1b[0m \x7f \x08 \uFFFE \xff\xfe bad \r\n| `tick` \t tab"
	ex := reportExchange("op<1>", "GET", "/p?q=<&>]]>", 200, "req\x01id", time.Millisecond)
	v := reportViolation("body-schema", runner.SeverityError, ex, "msg: "+nasty)
	v.Expected, v.Actual, v.Pointer, v.SpecRef = nasty, nasty, "/a]]>b", "#/x\x0c"
	w := reportViolation("drift-property", runner.SeverityWarning, ex, "warn: "+nasty)
	return &run.Result{
		Started: runStarted, Duration: time.Second, Verdict: run.Verdict("verdict " + nasty),
		APIs: []run.APIResult{{
			API:        "api " + nasty,
			Spec:       run.SpecInfo{Title: "title " + nasty, Version: "v\x02"},
			Target:     "http://127.0.0.1:1/" + nasty,
			TargetKind: run.TargetKind("kind " + nasty),
			Scenarios: []run.ScenarioResult{
				{Name: "failed " + nasty, Outcome: run.Failed, Reason: "reason " + nasty,
					Steps: []run.StepResult{{Exchanges: []*runner.Exchange{ex}, Violations: []runner.Violation{v, w}}}},
				{Name: "failed without violation " + nasty, Outcome: run.Failed, Reason: "could not go on: " + nasty},
				{Name: "passed " + nasty, Outcome: run.Passed, Steps: []run.StepResult{{Violations: []runner.Violation{w}}}},
				{Name: "skipped " + nasty, Outcome: run.Skipped, Reason: "skip " + nasty},
				{Name: "skipped without reason", Outcome: run.Skipped},
				{Name: "not run " + nasty, Outcome: run.NotRun, Reason: "not run " + nasty},
				{Name: "not run without reason", Outcome: run.NotRun},
				{Name: "", Outcome: run.Outcome("weird " + nasty)},
			},
			Observed: &run.Observed{
				Exchanges: 4, Failed: 1,
				Examples:   []run.ExchangeResult{{Exchange: ex, Violations: []runner.Violation{v}}},
				Violations: []runner.Violation{v, w},
				Groups: []run.ObservedGroup{
					{Operation: ex.OperationID, Method: "GET", Path: "/op/" + nasty, Status: ex.Status(), Exchanges: 2, Failed: 1, Checks: []string{v.Check}},
					{Operation: "op", Method: "GET", Path: "/down", Status: 0, Exchanges: 2},
				},
			},
			Responses: 2,
			Drift: run.Drift{Observations: []run.DriftObservation{{Check: "drift-property", Operation: "op|1", Status: 200,
				Where: nasty, Message: nasty, Count: 2, ExampleRequestID: "req|`1`"}}},
		}},
	}
}

// goldenCases are the runs whose report files are kept under testdata/<name>/.
var goldenCases = []struct {
	name   string
	result func() *run.Result
}{
	{"sample", sampleRunResult},
	{"no-response", noResponseRunResult},
	{"no-api", noAPIRunResult},
}

func TestFilesAreTheRenderedFilesInOrder(t *testing.T) {
	want := []string{"violations.json", "junit.xml", "coverage.json", "drift.json", "drift.md", "report.html", "summary.md"}
	if !slices.Equal(Files, want) {
		t.Fatalf("Files = %q, want %q", Files, want)
	}
	var rendered []string
	for _, f := range fileRenderers {
		rendered = append(rendered, f.name)
	}
	if !slices.Equal(rendered, Files) {
		t.Fatalf("Write renders %q, but Files lists %q", rendered, Files)
	}
}

func TestWriteGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := Write(dir, tc.result())
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			var want []string
			for _, name := range Files {
				want = append(want, filepath.Join(dir, name))
			}
			if !slices.Equal(paths, want) {
				t.Fatalf("Write returned %q, want %q", paths, want)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(Files) {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("the directory holds %q, want exactly %q (no .tmp left behind)", names, Files)
			}
			for _, name := range Files {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if name == HTMLFile {
					// TestHTMLGolden holds the page (testdata/html/), with a pinned list of checks.
					if !bytes.HasPrefix(got, []byte("<!DOCTYPE html>")) {
						t.Errorf("%s is not a page: %.80q", name, got)
					}
					continue
				}
				compareGolden(t, filepath.Join("testdata", tc.name, name), got)
			}
		})
	}
}

// compareGolden compares got with the golden file at path, or rewrites it under -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run %s -update to write it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestWriteRemovesStaleReportsOnly(t *testing.T) {
	dir := t.TempDir()
	foreign := map[string]string{
		"notes.txt":        "mine, not the tool's",
		"junit.xml.bak":    "a backup the user made",
		"sub/junit.xml":    "a report in a sub-folder",
		"drift.md.orig":    "another",
		"violations.jsonl": "not one of Files",
	}
	for name, body := range foreign {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range Files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("STALE from a previous run"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// drift.md cannot be written this time (its temporary name is taken by a directory): the
	// previous run's drift.md must be gone, not left looking like this run's.
	if err := os.Mkdir(filepath.Join(dir, "drift.md.tmp"), 0o755); err != nil {
		t.Fatal(err)
	}

	paths, err := Write(dir, sampleRunResult())
	if err == nil {
		t.Fatal("Write succeeded although drift.md.tmp is a directory")
	}
	if !strings.Contains(err.Error(), filepath.Join(dir, "drift.md")) {
		t.Errorf("the error does not name drift.md: %v", err)
	}
	want := []string{filepath.Join(dir, "violations.json"), filepath.Join(dir, "junit.xml"),
		filepath.Join(dir, "coverage.json"), filepath.Join(dir, "drift.json"), filepath.Join(dir, "report.html"), filepath.Join(dir, "summary.md")}
	if !slices.Equal(paths, want) {
		t.Errorf("Write returned %q, want %q", paths, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "drift.md")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the previous run's drift.md is still there (stat: %v)", err)
	}
	for _, p := range want {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("STALE")) {
			t.Errorf("%s still holds the previous run's report", p)
		}
	}
	for name, body := range foreign {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(data) != body {
			t.Errorf("Write touched %s, which is not its file: %q, %v", name, data, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "drift.md.tmp")); err != nil || !fi.IsDir() {
		t.Errorf("Write touched the directory drift.md.tmp: %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	base := t.TempDir()
	blocker := filepath.Join(base, "blocker")
	if err := os.WriteFile(blocker, []byte("a file where a folder should be"), 0o644); err != nil {
		t.Fatal(err)
	}
	withDirAsReport := t.TempDir()
	if err := os.Mkdir(filepath.Join(withDirAsReport, "junit.xml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(withDirAsReport, "junit.xml", "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		dir       string
		result    *run.Result
		wantInErr []string
		wantPaths int
	}{
		{"dir cannot be created", filepath.Join(blocker, "reports"), sampleRunResult(),
			[]string{"cannot create report directory", filepath.Join(blocker, "reports")}, 0},
		{"a report name is a directory", withDirAsReport, sampleRunResult(),
			[]string{filepath.Join(withDirAsReport, "junit.xml"), "directory"}, len(Files) - 1},
		{"no result", base, nil, []string{"no result"}, 0},
		{"no dir", "", sampleRunResult(), []string{"no report directory"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			paths, err := Write(tc.dir, tc.result)
			if err == nil {
				t.Fatalf("Write(%q) succeeded", tc.dir)
			}
			for _, s := range tc.wantInErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("the error does not say %q: %v", s, err)
				}
			}
			if len(paths) != tc.wantPaths {
				t.Errorf("Write returned %d paths (%q), want %d", len(paths), paths, tc.wantPaths)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(withDirAsReport, "junit.xml", "keep")); err != nil {
		t.Errorf("Write removed what is inside a directory named junit.xml: %v", err)
	}
}

// TestRenderersAddNoSecret gives the renderers a run whose exchanges hold secrets (as a
// redaction bug would leave them) and an environment with credentials set: the report files
// render only the run's summary fields, never a request's headers, URL or body, nor anything
// from the environment.
func TestRenderersAddNoSecret(t *testing.T) {
	const secret = "S3CRET-7f1c0de"
	t.Setenv("APICONFORM_CONFLUENT_API_KEY", secret+"-key")
	t.Setenv("APICONFORM_CONFLUENT_API_SECRET", secret+"-env")
	r := sampleRunResult()
	for i := range r.APIs {
		a := &r.APIs[i]
		var exchanges []*runner.Exchange
		for _, s := range a.Scenarios {
			for _, st := range s.Steps {
				exchanges = append(exchanges, st.Exchanges...)
			}
		}
		if a.Observed != nil {
			for _, o := range a.Observed.Examples {
				exchanges = append(exchanges, o.Exchange)
			}
		}
		for _, ex := range exchanges {
			ex.Request.Header = http.Header{"Authorization": {"Basic " + secret + "-basic"}, "X-Api-Key": {secret + "-apikey"}}
			ex.Request.URL += "?api_key=" + secret + "-query"
			ex.Request.Body = runner.Body(`{"password":"` + secret + `-reqbody"}`)
			if ex.Response != nil {
				ex.Response.Header.Set("Set-Cookie", "session="+secret+"-cookie")
				ex.Response.Body = runner.Body(`{"token":"` + secret + `-respbody"}`)
			}
		}
		a.Scenarios[0].DryRun = "GET /x\nAuthorization: Bearer " + secret + "-dryrun"
		a.TargetSource = secret + "-source"
		a.Spec.Source = "/home/me/" + secret + "-spec.yaml"
	}
	r.Notices = append(r.Notices, secret+"-notice")

	dir := t.TempDir()
	if _, err := Write(dir, r); err != nil {
		t.Fatal(err)
	}
	for _, name := range Files {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(data, []byte(secret)); i >= 0 {
			end := min(len(data), i+len(secret)+12)
			t.Errorf("%s holds a secret it was not asked to render: %q", name, data[i:end])
		}
	}
}
