package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jstemmer/go-junit-report/v2/junit"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// JUnit returns r as JUnit test suites: one testsuite per API (named after it, its timestamp
// the run's start, with the properties spec.title, spec.version, target, target.kind and
// verdict, and problem when the run could not run), one testcase per scenario (classname the API, name the scenario's), then one
// testcase per operation and status of the observed traffic (name "observed METHOD PATH ->
// STATUS (N exchange(s))"). A failed scenario, and an
// observed exchange with an error, has a failure listing every violation (and the reason);
// a skipped or not-run scenario is skipped, its reason the skip's text ("not run: REASON" for
// a scenario that did not run). Warnings of a scenario or an exchange that did not fail go to
// its system-out. Every string is made safe for XML 1.0 (see xmlSafe).
//
// The suites' totals are right (tests, failures, errors (always 0), skipped); the root has no
// skipped total, which Jenkins' junit-4.xsd does not allow there.
func JUnit(r *run.Result) junit.Testsuites {
	suites := junit.Testsuites{Name: "apiconform"}
	if r == nil {
		return suites
	}
	suites.Time = junitSeconds(r.Duration)
	for i, a := range r.APIs {
		s := junit.Testsuite{Name: xmlSafe(a.API), ID: i}
		if !r.Started.IsZero() {
			s.SetTimestamp(r.Started.UTC())
		}
		s.AddProperty("spec.title", xmlSafe(a.Spec.Title))
		s.AddProperty("spec.version", xmlSafe(a.Spec.Version))
		s.AddProperty("target", xmlSafe(a.Target))
		s.AddProperty("target.kind", xmlSafe(string(a.TargetKind)))
		s.AddProperty("verdict", xmlSafe(string(r.Verdict)))
		if r.Problem != "" {
			s.AddProperty("problem", xmlSafe(r.Problem))
		}
		var total time.Duration
		for _, sc := range a.Scenarios {
			total += sc.Duration
			s.AddTestcase(scenarioTestcase(a.API, sc))
		}
		if a.Observed != nil {
			for _, g := range a.Observed.Groups {
				s.AddTestcase(groupTestcase(a.API, g, a.Observed.Examples))
			}
		}
		s.Time = junitSeconds(total)
		suites.AddSuite(s)
	}
	// junit-4.xsd has no skipped attribute on testsuites (each testsuite has its own).
	suites.Skipped = 0
	return suites
}

func scenarioTestcase(api string, sc run.ScenarioResult) junit.Testcase {
	tc := junit.Testcase{Name: xmlSafe(sc.Name), Classname: xmlSafe(api), Time: junitSeconds(sc.Duration)}
	vs := sc.Violations()
	switch sc.Outcome {
	case run.Failed:
		lines := violationLines(vs)
		msg := fmt.Sprintf("%d violation(s)", len(vs))
		if len(vs) == 0 {
			msg = "failed"
		}
		if sc.Reason != "" {
			lines = append(lines, sc.Reason)
			if len(vs) == 0 {
				msg = "failed: " + sc.Reason
			}
		}
		tc.Failure = &junit.Result{Message: xmlSafe(msg), Type: xmlSafe(failureType(vs)), Data: xmlSafe(strings.Join(lines, "\n"))}
	case run.Skipped:
		tc.Skipped = &junit.Result{Message: xmlSafe(orDefault(sc.Reason, "skipped"))}
		tc.SystemOut = warningsOutput(vs)
	case run.NotRun:
		msg := "not run"
		if sc.Reason != "" {
			msg += ": " + sc.Reason
		}
		tc.Skipped = &junit.Result{Message: xmlSafe(msg)}
		tc.SystemOut = warningsOutput(vs)
	case run.Passed:
		tc.SystemOut = warningsOutput(vs)
	default:
		// An outcome this renderer does not know is reported, not passed over.
		tc.Failure = &junit.Result{Message: xmlSafe(fmt.Sprintf("unknown outcome %q", sc.Outcome)), Type: "outcome",
			Data: xmlSafe(strings.Join(append(violationLines(vs), sc.Reason), "\n"))}
	}
	return tc
}

// groupTestcase is the testcase of the observed exchanges of one operation and status: failed
// when one of them broke the contract, its text the violations of the failing exchanges kept in
// full (Observed.Examples).
func groupTestcase(api string, g run.ObservedGroup, examples []run.ExchangeResult) junit.Testcase {
	status := "no response"
	if g.Status != 0 {
		status = fmt.Sprint(g.Status)
	}
	name := fmt.Sprintf("observed %s %s -> %s (%d exchange(s))", g.Method, g.Path, status, g.Exchanges)
	tc := junit.Testcase{Name: xmlSafe(name), Classname: xmlSafe(api), Time: junitSeconds(0)}
	var vs []runner.Violation
	for _, ex := range examples {
		if ex.Exchange != nil && ex.Exchange.OperationID == g.Operation && ex.Exchange.Status() == g.Status {
			vs = append(vs, ex.Violations...)
		}
	}
	if g.Failed > 0 {
		lines := violationLines(vs)
		if len(vs) == 0 {
			lines = append(lines, "(the failing exchanges are past the examples kept in full)")
		}
		tc.Failure = &junit.Result{
			Message: xmlSafe(fmt.Sprintf("%d of %d exchange(s) broke the contract", g.Failed, g.Exchanges)),
			Type:    xmlSafe(strings.Join(g.Checks, ",")),
			Data:    xmlSafe(strings.Join(lines, "\n")),
		}
	}
	return tc
}

func violationLines(vs []runner.Violation) []string {
	lines := make([]string, 0, len(vs)+1)
	for _, v := range vs {
		lines = append(lines, v.String())
	}
	return lines
}

// failureType names the checks that failed, in the order they did ("scenario" when the scenario
// failed without a violation).
func failureType(vs []runner.Violation) string {
	var ids []string
	seen := map[string]bool{}
	for _, v := range vs {
		if v.Severity == runner.SeverityError && !seen[v.Check] {
			seen[v.Check] = true
			ids = append(ids, v.Check)
		}
	}
	if len(ids) == 0 {
		for _, v := range vs {
			if !seen[v.Check] {
				seen[v.Check] = true
				ids = append(ids, v.Check)
			}
		}
	}
	if len(ids) == 0 {
		return "scenario"
	}
	return strings.Join(ids, ",")
}

// warningsOutput lists the violations of a testcase that did not fail (warnings, mostly), or nil.
func warningsOutput(vs []runner.Violation) *junit.Output {
	if len(vs) == 0 {
		return nil
	}
	return &junit.Output{Data: xmlSafe(strings.Join(violationLines(vs), "\n"))}
}

func junitSeconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// xmlSafe returns s as text XML 1.0 can hold: bytes that are not UTF-8 become U+FFFD, and each
// character outside XML's Char production (control characters but tab, line feed and carriage
// return; U+FFFE, U+FFFF) is written out as an escape a reader can see: `\x1b`, `\ufffe`.
// go-junit-report cleans only the output it builds itself, and encoding/xml writes character
// data (CDATA) as it is, so the renderer cleans every string before handing it over.
func xmlSafe(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	clean := true
	for _, r := range s {
		if !isXMLChar(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case isXMLChar(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// isXMLChar reports whether r matches the Char production of XML 1.0 (section 2.2).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// WriteJUnit writes junit.xml: JUnit(r) with go-junit-report's Testsuites.WriteXML, under an XML
// declaration, made valid against Jenkins' junit-4.xsd (the schema CI servers read): that schema
// gives <skipped> no attribute, so the reason go-junit-report puts in skipped's message
// attribute is moved into its text: <skipped>not run: REASON</skipped>.
func WriteJUnit(w io.Writer, r *run.Result) error {
	suites := JUnit(r)
	var raw bytes.Buffer
	if err := suites.WriteXML(&raw); err != nil {
		return err
	}
	var out bytes.Buffer
	out.WriteString(xml.Header)
	if err := skippedMessageToText(&out, raw.Bytes()); err != nil {
		return err
	}
	_, err := w.Write(out.Bytes())
	return err
}

// skippedMessageToText copies the XML document src to out as it is, but for each skipped
// element's start tag: <skipped message="M"> becomes <skipped>M (the text go-junit-report wrote
// in the element, if any, follows).
func skippedMessageToText(out *bytes.Buffer, src []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(src))
	copied := 0
	for {
		begin := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("junit: re-reading the XML: %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "skipped" {
			continue
		}
		end := dec.InputOffset()
		var msg string
		for _, at := range start.Attr {
			if at.Name.Local == "message" {
				msg = at.Value
			}
		}
		out.Write(src[copied:begin])
		out.WriteString("<skipped>")
		text := xml.NewEncoder(out)
		if err := text.EncodeToken(xml.CharData(msg)); err != nil {
			return fmt.Errorf("junit: writing the XML: %w", err)
		}
		if err := text.Flush(); err != nil {
			return fmt.Errorf("junit: writing the XML: %w", err)
		}
		if bytes.HasSuffix(src[begin:end], []byte("/>")) {
			out.WriteString("</skipped>")
		}
		copied = int(end)
	}
	out.Write(src[copied:])
	return nil
}
