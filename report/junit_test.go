package report

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// renderJUnit writes r's junit.xml and reads it back.
func renderJUnit(t *testing.T, r *run.Result) ([]byte, junit.Testsuites) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatalf("WriteJUnit: %v", err)
	}
	var got junit.Testsuites
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("junit.xml is not XML: %v\n%s", err, buf.Bytes())
	}
	return buf.Bytes(), got
}

func TestJUnitSuites(t *testing.T) {
	raw, got := renderJUnit(t, sampleRunResult())
	if !bytes.HasPrefix(raw, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("junit.xml does not start with an XML declaration: %.60q", raw)
	}
	if len(got.Suites) != 2 {
		t.Fatalf("%d testsuites, want one per API (2)", len(got.Suites))
	}
	if got.Tests != 7 || got.Failures != 2 || got.Errors != 0 {
		t.Errorf("root totals tests=%d failures=%d errors=%d, want 7, 2, 0", got.Tests, got.Failures, got.Errors)
	}
	if got.Time != "4.567" {
		t.Errorf("root time %q, want the run's duration 4.567", got.Time)
	}
	suites := []struct {
		name                             string
		tests, failures, skipped, errors int
		time                             string
		props                            map[string]string
	}{
		{"confluent", 6, 2, 2, 0, "1.340", map[string]string{"spec.title": "Confluent Cloud APIs", "spec.version": "0.0.1",
			"target": "http://127.0.0.1:8080", "target.kind": "embedded mock", "verdict": "broke the contract"}},
		{"apinizer", 1, 0, 1, 0, "0.000", map[string]string{"spec.title": "Apinizer Management API", "spec.version": "2024.1",
			"target": "http://127.0.0.1:8081", "target.kind": "apiconform mock", "verdict": "broke the contract"}},
	}
	for i, want := range suites {
		s := got.Suites[i]
		if s.Name != want.name || s.Tests != want.tests || s.Failures != want.failures || s.Skipped != want.skipped || s.Errors != want.errors {
			t.Errorf("suite %d: name=%q tests=%d failures=%d skipped=%d errors=%d, want %q %d %d %d %d", i, s.Name, s.Tests,
				s.Failures, s.Skipped, s.Errors, want.name, want.tests, want.failures, want.skipped, want.errors)
		}
		if s.Time != want.time || s.Timestamp != "2026-03-04T05:06:07Z" {
			t.Errorf("suite %s: time=%q timestamp=%q, want %q and the run's start", s.Name, s.Time, s.Timestamp, want.time)
		}
		if s.Properties == nil {
			t.Fatalf("suite %s has no properties", s.Name)
		}
		props := map[string]string{}
		for _, p := range *s.Properties {
			props[p.Name] = p.Value
		}
		for k, v := range want.props {
			if props[k] != v {
				t.Errorf("suite %s: property %s = %q, want %q", s.Name, k, props[k], v)
			}
		}
		// The counts must agree with the testcases.
		var tests, failures, skipped int
		for _, tc := range s.Testcases {
			tests++
			if tc.Failure != nil {
				failures++
			}
			if tc.Skipped != nil {
				skipped++
			}
			if tc.Classname != s.Name {
				t.Errorf("testcase %q has classname %q, want the API %q", tc.Name, tc.Classname, s.Name)
			}
		}
		if tests != s.Tests || failures != s.Failures || skipped != s.Skipped {
			t.Errorf("suite %s says tests=%d failures=%d skipped=%d but holds %d, %d, %d", s.Name, s.Tests, s.Failures,
				s.Skipped, tests, failures, skipped)
		}
	}

	cases := got.Suites[0].Testcases
	byName := map[string]junit.Testcase{}
	for _, tc := range cases {
		byName[tc.Name] = tc
	}
	type want struct {
		time, failureMsg, failureType, skipped string
		dataHas, outHas                        []string
	}
	wants := map[string]want{
		"create and list topics": {time: "1.235", outHas: []string{"[drift-header] warning: POST /kafka/v3/clusters/c1/topics -> 201 (createTopic)"}},
		"delete a topic": {time: "0.045", failureMsg: "3 violation(s)", failureType: "status-expected,body-schema", dataHas: []string{
			"[status-expected] DELETE /kafka/v3/clusters/c1/topics/orders -> 500 (deleteTopic): the status is not the one the scenario expects; expected 204, got 500 [request req-3]\n",
			"[body-schema] DELETE /kafka/v3/clusters/c1/topics/orders -> 500 (deleteTopic): property \"error_code\" is required; expected integer, got nothing at /error_code (spec: #/components/schemas/Error) [request req-3]\n",
			"[drift-property] warning: ",
		}},
		"delete the cluster":      {time: "0.000", skipped: "credentials not set: APICONFORM_CONFLUENT_API_KEY and APICONFORM_CONFLUENT_API_SECRET"},
		"read back a saved topic": {time: "0.060", skipped: "not run: save topic_id: $.topic_id found nothing in the response of step create"},
		"observed GET /kafka/v3/clusters/{cluster_id}/topics -> 200 (1 exchange(s))": {time: "0.000"},
		"observed GET /kafka/v3/clusters/{cluster_id}/topics/{topic_name} -> 418 (1 exchange(s))": {time: "0.000", failureMsg: "1 of 1 exchange(s) broke the contract",
			failureType: "status-documented", dataHas: []string{"[status-documented] GET", "[drift-status] warning: GET"}},
	}
	if len(cases) != len(wants) {
		t.Errorf("%d testcases, want %d", len(cases), len(wants))
	}
	for name, w := range wants {
		tc, ok := byName[name]
		if !ok {
			t.Errorf("no testcase %q", name)
			continue
		}
		if tc.Time != w.time {
			t.Errorf("%s: time %q, want %q", name, tc.Time, w.time)
		}
		switch {
		case w.failureMsg != "":
			if tc.Failure == nil {
				t.Errorf("%s: no failure", name)
				continue
			}
			if tc.Failure.Message != w.failureMsg || tc.Failure.Type != w.failureType {
				t.Errorf("%s: failure message=%q type=%q, want %q %q", name, tc.Failure.Message, tc.Failure.Type, w.failureMsg, w.failureType)
			}
			for _, s := range w.dataHas {
				if !strings.Contains(tc.Failure.Data, s) {
					t.Errorf("%s: the failure text lacks %q:\n%s", name, s, tc.Failure.Data)
				}
			}
		case w.skipped != "":
			if tc.Skipped == nil || tc.Failure != nil {
				t.Errorf("%s: skipped=%v failure=%v, want skipped only", name, tc.Skipped, tc.Failure)
				continue
			}
			// junit-4.xsd gives <skipped> no attribute: the reason is its text.
			if tc.Skipped.Message != "" || tc.Skipped.Data != w.skipped {
				t.Errorf("%s: skipped message=%q text=%q, want no message and text %q", name, tc.Skipped.Message, tc.Skipped.Data, w.skipped)
			}
		default:
			if tc.Failure != nil || tc.Skipped != nil || tc.Error != nil {
				t.Errorf("%s: want a passing testcase, got failure=%v skipped=%v error=%v", name, tc.Failure, tc.Skipped, tc.Error)
			}
		}
		for _, s := range w.outHas {
			if tc.SystemOut == nil || !strings.Contains(tc.SystemOut.Data, s) {
				t.Errorf("%s: system-out lacks %q: %v", name, s, tc.SystemOut)
			}
		}
	}
}

func TestJUnitEdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		sc    run.ScenarioResult
		check func(*testing.T, junit.Testcase)
	}{
		{"failed without violation says why", run.ScenarioResult{Name: "s", Outcome: run.Failed, Reason: "step 2 answered 500, the next steps need 201"},
			func(t *testing.T, tc junit.Testcase) {
				if tc.Failure == nil || tc.Failure.Message != "failed: step 2 answered 500, the next steps need 201" ||
					tc.Failure.Type != "scenario" || !strings.Contains(tc.Failure.Data, "step 2 answered 500") {
					t.Errorf("failure = %+v", tc.Failure)
				}
			}},
		{"failed with a reason lists it after the violations", run.ScenarioResult{Name: "s", Outcome: run.Failed, Reason: "and then it stopped",
			Steps: []run.StepResult{{Violations: violationsOf("status-expected")}}},
			func(t *testing.T, tc junit.Testcase) {
				if tc.Failure == nil || tc.Failure.Message != "1 violation(s)" || !strings.HasSuffix(tc.Failure.Data, "\nand then it stopped") {
					t.Errorf("failure = %+v", tc.Failure)
				}
			}},
		{"not run without a reason", run.ScenarioResult{Name: "s", Outcome: run.NotRun},
			func(t *testing.T, tc junit.Testcase) {
				if tc.Skipped == nil || tc.Skipped.Data != "not run" {
					t.Errorf("skipped = %+v", tc.Skipped)
				}
			}},
		{"skipped without a reason", run.ScenarioResult{Name: "s", Outcome: run.Skipped},
			func(t *testing.T, tc junit.Testcase) {
				if tc.Skipped == nil || tc.Skipped.Data != "skipped" {
					t.Errorf("skipped = %+v", tc.Skipped)
				}
			}},
		{"an unknown outcome fails", run.ScenarioResult{Name: "s", Outcome: "exploded"},
			func(t *testing.T, tc junit.Testcase) {
				if tc.Failure == nil || !strings.Contains(tc.Failure.Message, `"exploded"`) {
					t.Errorf("failure = %+v", tc.Failure)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &run.Result{APIs: []run.APIResult{{API: "a", Scenarios: []run.ScenarioResult{tc.sc}}}}
			_, got := renderJUnit(t, r)
			if len(got.Suites) != 1 || len(got.Suites[0].Testcases) != 1 {
				t.Fatalf("want one suite with one testcase, got %+v", got)
			}
			tc.check(t, got.Suites[0].Testcases[0])
		})
	}
}

func violationsOf(checks ...string) []runner.Violation {
	var out []runner.Violation
	for _, c := range checks {
		out = append(out, runner.Violation{Check: c, Severity: runner.SeverityError, Message: c + " failed"})
	}
	return out
}

func TestJUnitHostileTextStaysValidXML(t *testing.T) {
	raw, got := renderJUnit(t, hostileRunResult())
	if !utf8.Valid(raw) {
		t.Fatal("junit.xml is not UTF-8")
	}
	// The decoder of encoding/xml rejects characters XML 1.0 does not allow; check the bytes too.
	for _, r := range string(raw) {
		if !isXMLChar(r) {
			t.Fatalf("junit.xml holds %U, which XML 1.0 does not allow", r)
		}
	}
	s := got.Suites[0]
	if !strings.Contains(s.Name, `a<b & c>d "q"`) || !strings.Contains(s.Name, `\x00nul \x1b[31mred`) {
		t.Errorf("the suite name lost its text: %q", s.Name)
	}
	var failed junit.Testcase
	for _, tc := range s.Testcases {
		if strings.HasPrefix(tc.Name, "failed a<b") {
			failed = tc
		}
	}
	if failed.Failure == nil || !strings.Contains(failed.Failure.Data, "]]> x]]]]>y") {
		t.Errorf("the failure text lost a CDATA end marker: %+v", failed.Failure)
	}
	if s.Tests != 10 || s.Failures != 4 || s.Skipped != 4 {
		t.Errorf("tests=%d failures=%d skipped=%d, want 10, 4, 4", s.Tests, s.Failures, s.Skipped)
	}
}

func TestXMLSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain <&> ]]> text", "plain <&> ]]> text"},
		{"tab\tlf\ncr\r", "tab\tlf\ncr\r"},
		{"nul\x00 esc\x1b bs\x08 ff\x0c", `nul\x00 esc\x1b bs\x08 ff\x0c`},
		{"del\x7f ok", "del\x7f ok"},
		{"bad \xff\xfe utf8", "bad \uFFFD utf8"},
		{"nonchar \uFFFE \uFFFF", `nonchar \ufffe \uffff`},
		{"astral 😀", "astral 😀"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := xmlSafe(tc.in); got != tc.want {
			t.Errorf("xmlSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// jenkinsXSD returns where the Jenkins JUnit XSD is looked for: $APICONFORM_JUNIT_XSD, else
// os.UserCacheDir()/apiconform/jenkins-junit.xsd (where .ci/junit-xsd puts it).
func jenkinsXSD() (string, error) {
	if p := os.Getenv("APICONFORM_JUNIT_XSD"); p != "" {
		return p, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "apiconform", "jenkins-junit.xsd"), nil
}

// TestJUnitValidatesAgainstJenkinsXSD validates junit.xml of several runs against Jenkins'
// junit-4.xsd with xmllint, and proves first that xmllint rejects documents that break it.
func TestJUnitValidatesAgainstJenkinsXSD(t *testing.T) {
	// CI sets APICONFORM_REQUIRE_JUNIT_XSD: there, a missing tool fails the test instead of
	// skipping it.
	skip := t.Skipf
	if os.Getenv("APICONFORM_REQUIRE_JUNIT_XSD") != "" {
		skip = t.Fatalf
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		skip("xmllint is not installed; get it with: apt-get install -y libxml2-utils")
	}
	xsd, err := jenkinsXSD()
	if err != nil {
		skip("no cache directory for the JUnit XSD (%v); set APICONFORM_JUNIT_XSD, or run: make junit-xsd", err)
	}
	if _, err := os.Stat(xsd); err != nil {
		skip("the Jenkins JUnit XSD is not at %s; get it with: make junit-xsd (or .ci/junit-xsd), or set APICONFORM_JUNIT_XSD", xsd)
	}
	dir := t.TempDir()
	validate := func(t *testing.T, name string, doc []byte) (string, error) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, xmllint, "--noout", "--nonet", "--schema", xsd, path).CombinedOutput()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("cannot run xmllint: %v", err)
		}
		return string(out), err
	}

	// The check can fail: documents that break the schema, or XML itself, are rejected.
	t.Run("xmllint rejects invalid documents", func(t *testing.T) {
		var plain bytes.Buffer
		suites := JUnit(sampleRunResult())
		if err := suites.WriteXML(&plain); err != nil {
			t.Fatal(err)
		}
		broken := map[string][]byte{
			// go-junit-report's own output: <skipped message="..."> (no attribute allowed).
			"skipped-with-message.xml": plain.Bytes(),
			"skipped-total-on-root.xml": []byte(`<testsuites skipped="1"><testsuite name="a" tests="1" skipped="1">` +
				`<testcase name="t"><skipped>why</skipped></testcase></testsuite></testsuites>`),
			"testcase-without-name.xml": []byte(`<testsuites><testsuite name="a" tests="1"><testcase classname="a"/></testsuite></testsuites>`),
			"control-character.xml":     []byte("<testsuites><testsuite name=\"a\x01\" tests=\"0\"/></testsuites>"),
			"unescaped-markup.xml":      []byte(`<testsuites><testsuite name="a<b" tests="0"/></testsuites>`),
		}
		for name, doc := range broken {
			out, err := validate(t, name, doc)
			if err == nil {
				t.Errorf("xmllint accepted %s, which is not valid against %s:\n%s", name, xsd, out)
			}
		}
	})

	results := map[string]*run.Result{
		"sample":      sampleRunResult(),
		"no-response": noResponseRunResult(),
		"no-api":      noAPIRunResult(),
		"nil":         nil,
		"hostile":     hostileRunResult(),
	}
	for name, r := range results {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteJUnit(&buf, r); err != nil {
				t.Fatal(err)
			}
			if out, err := validate(t, name+".xml", buf.Bytes()); err != nil {
				t.Errorf("junit.xml of run %q is not valid against %s: %v\n%s\n%s", name, xsd, err, out, buf.Bytes())
			}
		})
	}
}
