package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// HTMLFile is the run as one self-contained page for a person (WriteHTML).
const HTMLFile = "report.html"

// htmlBodyExcerpt is how many bytes of a body the page shows; the size says how big it was.
const htmlBodyExcerpt = 4096

//go:embed templates/report.html.tmpl templates/report.css templates/filter.js
var htmlTemplates embed.FS

// htmlTemplate is the page: html/template escapes every value for where it lands (text, an
// attribute, a URL), so nothing a server sent can become markup or script.
var htmlTemplate = template.Must(template.New("report.html.tmpl").ParseFS(htmlTemplates, "templates/report.html.tmpl"))

// The page's only style sheet and script, inlined, and the Content-Security-Policy that allows
// them (by their SHA-256) and nothing else: no other script, no fetch, no image, no font, even if
// something slipped past the escaping.
var (
	htmlStyle  = mustReadTemplate("templates/report.css")
	htmlScript = mustReadTemplate("templates/filter.js")
	htmlCSP    = "default-src 'none'; style-src '" + cspHash(htmlStyle) + "'; script-src '" + cspHash(htmlScript) +
		"'; img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
)

func mustReadTemplate(name string) string {
	b, err := htmlTemplates.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// cspHash is the CSP source expression of an inline element's text.
func cspHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// WriteHTML writes report.html: the run as one page with no outside resource (inline CSS and a
// small inline script for the filters; no fetch of any kind), to be opened from a CI artifact or
// an e-mail attachment. It holds the verdict, a summary by check, per API the coverage matrix,
// every failed scenario and failing observed exchange with its request, a response excerpt
// (at most 4 KiB of a body, its size given) and its violations, the live drift, the skipped and
// not-run scenarios, the observed traffic, and every registered check with its description.
// Credential-bearing headers, query parameters and JSON properties are shown as [REDACTED]
// even if a recording kept them. docs/reports.md describes the page.
func WriteHTML(w io.Writer, r *run.Result) error {
	return writeHTML(w, r, runner.All())
}

// writeHTML renders r with checks as the page's list of checks.
func writeHTML(w io.Writer, r *run.Result, checks []runner.Check) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, buildHTMLPage(r, checks)); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlPage is everything the template shows, already made safe to read (visible) and redacted.
type htmlPage struct {
	CSP          string
	Style        template.CSS
	Script       template.JS
	Title        string
	Verdict      string
	VerdictClass string
	Headline     string
	ExitCode     int
	Problem      string
	Started      string
	Duration     string
	Mode         []string
	Totals       run.Counts
	Errors       int
	Warnings     int
	APIs         []*htmlAPI
	Summary      []htmlCheckCount
	Checks       []htmlCheckDoc
	FilterChecks []string
	Unmatched    htmlUnmatched
}

type htmlUnmatched struct {
	Count    int
	Requests []run.UnmatchedRequest
	Dropped  int
	Strict   bool
}

type htmlAPI struct {
	Name       string
	Title      string
	Version    string
	Target     string
	Kind       string
	Counts     run.Counts
	Responses  int
	Generated  int
	Coverage   htmlCoverage
	Failures   []htmlFailure
	Examples   []htmlFailure
	MoreFailed int
	Drift      []htmlDrift
	NotDone    []htmlNotDone
	Passed     []htmlPassed
	Observed   *htmlObserved
}

type htmlCoverage struct {
	Columns    []string
	Rows       []htmlCoverageRow
	Exercised  int
	Documented int
}

type htmlCoverageRow struct {
	Operation    string
	Method       string
	Path         string
	Cells        []htmlCoverageCell
	Undocumented string
	Exercised    int
	Documented   int
}

type htmlCoverageCell struct {
	// Class is "ok" (exercised), "no" (documented, never exercised) or "na" (not documented).
	Class   string
	Count   int
	Seen    []string
	Missing []string
}

// htmlFailure is a failed scenario or a failing observed exchange.
type htmlFailure struct {
	API    string
	Anchor string
	Title  string
	Where  string
	Reason string
	Steps  []htmlStep
}

type htmlStep struct {
	N         int
	Name      string
	Request   string
	Status    string
	Retries   int
	Error     string
	Exchange  *htmlExchange
	Violation []htmlViolation
}

type htmlExchange struct {
	Method      string
	URL         string
	ReqHeaders  []htmlHeader
	ReqBody     htmlBody
	Proto       string
	Status      string
	Duration    string
	RespHeaders []htmlHeader
	RespBody    htmlBody
	NoResponse  string
	ReadErr     string
}

type htmlHeader struct{ Name, Value string }

type htmlBody struct {
	Text      string
	Size      string
	Cut       bool
	Shown     int
	CapHit    bool
	Cap       int64
	NotUTF8   bool
	Formatted bool
}

type htmlViolation struct {
	API      string
	Check    string
	Known    bool
	Severity string
	Message  string
	Expected string
	Got      string
	Where    string
	Spec     string
	Request  string
}

type htmlDrift struct {
	API       string
	Check     string
	Known     bool
	Severity  string
	Operation string
	Status    int
	Where     string
	Actual    string
	Message   string
	Count     int
	Example   string
	Scenario  string
}

type htmlNotDone struct {
	Outcome string
	Name    string
	Where   string
	Reason  string
}

type htmlPassed struct {
	Name     string
	Where    string
	Duration string
	Warnings int
}

type htmlObserved struct {
	Exchanges int
	Failed    int
	Dropped   int
	Groups    []htmlGroup
}

type htmlGroup struct {
	Operation string
	Method    string
	Path      string
	Status    string
	Exchanges int
	Failed    int
	Checks    []htmlCheckRef
}

// htmlCheckRef is a check ID, linked to its description when the check is registered.
type htmlCheckRef struct {
	Check string
	Known bool
}

type htmlCheckCount struct {
	Check    string
	Known    bool
	Severity string
	Scope    string
	Count    int
	ByAPI    string
}

type htmlCheckDoc struct {
	ID       string
	Severity string
	Scope    string
	Doc      string
}

func buildHTMLPage(r *run.Result, checks []runner.Check) *htmlPage {
	if r == nil {
		r = &run.Result{}
	}
	p := &htmlPage{
		CSP:      htmlCSP,
		Style:    template.CSS(htmlStyle),
		Script:   template.JS(htmlScript),
		Verdict:  visible(string(r.Verdict)),
		ExitCode: r.ExitCode,
		Problem:  visible(r.Problem),
		Duration: r.Duration.Round(time.Millisecond).String(),
		Totals:   r.Counts(),
	}
	if !r.Started.IsZero() {
		p.Started = r.Started.UTC().Format(time.RFC3339)
	}
	known := map[string]runner.Check{}
	for _, c := range checks {
		known[c.ID] = c
		p.Checks = append(p.Checks, htmlCheckDoc{ID: c.ID, Severity: string(c.Severity), Scope: string(c.Scope), Doc: c.Doc})
	}
	for _, v := range r.Violations() {
		if v.Severity == runner.SeverityError {
			p.Errors++
		} else {
			p.Warnings++
		}
	}
	switch r.Verdict {
	case run.Conformant:
		p.VerdictClass, p.Headline = "pass", "conformant"
	case run.BrokeContract:
		p.VerdictClass, p.Headline = "fail", fmt.Sprintf("the target broke the contract: %s", pluralize(p.Errors, "violation", "violations"))
	case run.DryRunDone:
		p.VerdictClass, p.Headline = "dry", "dry run: nothing was sent"
	case run.CouldNotRun:
		p.VerdictClass, p.Headline = "error", "the tool could not run"
	default:
		p.VerdictClass, p.Headline = "error", p.Verdict
	}
	p.Title = "apiconform: " + p.Headline
	m := r.Mode
	for _, f := range []struct {
		on   bool
		text string
	}{
		{m.Traffic, "observed traffic"}, {m.ContractOnly, "contract only"}, {m.Strict, "strict"}, {m.Lenient, "lenient"},
		{m.DryRun, "dry run"}, {m.AllowDestructive, "allow destructive"}, {m.Insecure, "TLS unverified"},
		{r.Interrupted, "interrupted"},
	} {
		if f.on {
			p.Mode = append(p.Mode, f.text)
		}
	}
	if m.Labels != "" {
		p.Mode = append(p.Mode, "labels: "+visible(m.Labels))
	}

	counts := newCheckCounter()
	seenChecks := map[string]bool{}
	severityOf := func(id string) string {
		c, ok := known[id]
		if !ok {
			return ""
		}
		if c.Scope == runner.ScopeDrift && m.Strict {
			return string(runner.SeverityError)
		}
		return string(c.Severity)
	}
	for ai, a := range r.APIs {
		ha := &htmlAPI{
			Name: visible(a.API), Title: visible(a.Spec.Title), Version: visible(a.Spec.Version),
			Target: visible(a.Target), Kind: visible(string(a.TargetKind)),
			Counts: a.Counts, Responses: a.Responses, Generated: a.Generated,
			Coverage: buildHTMLCoverage(a.Coverage),
		}
		violation := func(v runner.Violation) htmlViolation {
			_, ok := known[v.Check]
			seenChecks[v.Check] = true
			hv := htmlViolation{API: ha.Name, Check: visible(v.Check), Known: ok, Severity: visible(string(v.Severity)),
				Message: visible(v.Message), Expected: visible(v.Expected), Got: visible(v.Actual), Spec: visible(v.SpecRef),
				Request: visible(v.RequestID)}
			if v.Expected != "" || v.Actual != "" {
				hv.Expected, hv.Got = visible(orNothing(v.Expected)), visible(orNothing(v.Actual))
			}
			switch {
			case v.Header != "":
				hv.Where = "header " + visible(v.Header)
			case v.Pointer != "":
				hv.Where = visible(v.Pointer)
			}
			return hv
		}
		for si, s := range a.Scenarios {
			for _, v := range s.Violations() {
				counts.add(v.Check, string(v.Severity), ha.Name, 1)
			}
			switch s.Outcome {
			case run.Failed:
				f := htmlFailure{API: ha.Name, Anchor: fmt.Sprintf("a%d-s%d", ai, si), Title: visible(s.Name), Where: fileLine(s.File, s.Line),
					Reason: visible(s.Reason)}
				for i, st := range s.Steps {
					f.Steps = append(f.Steps, buildHTMLStep(i+1, st, violation))
				}
				ha.Failures = append(ha.Failures, f)
			case run.Passed:
				ha.Passed = append(ha.Passed, htmlPassed{Name: visible(s.Name), Where: fileLine(s.File, s.Line),
					Duration: shortDuration(s.Duration), Warnings: len(s.Violations())})
			default:
				ha.NotDone = append(ha.NotDone, htmlNotDone{Outcome: visible(string(s.Outcome)), Name: visible(s.Name),
					Where: fileLine(s.File, s.Line), Reason: visible(s.Reason)})
			}
		}
		if o := a.Observed; o != nil {
			if o.ByCheck != nil {
				sev := map[string]string{}
				for _, v := range o.Violations {
					if sev[v.Check] == "" {
						sev[v.Check] = string(v.Severity)
					}
				}
				ids := make([]string, 0, len(o.ByCheck))
				for id := range o.ByCheck {
					ids = append(ids, id)
				}
				sort.Strings(ids)
				for _, id := range ids {
					s := sev[id]
					if s == "" {
						s = severityOf(id)
					}
					counts.add(id, s, ha.Name, o.ByCheck[id])
				}
			} else {
				for _, v := range o.Violations {
					counts.add(v.Check, string(v.Severity), ha.Name, 1)
				}
			}
			ho := &htmlObserved{Exchanges: o.Exchanges, Failed: o.Failed, Dropped: o.ViolationsDropped}
			for _, g := range o.Groups {
				hg := htmlGroup{Operation: visible(g.Operation), Method: visible(g.Method), Path: visible(g.Path),
					Status: "no response", Exchanges: g.Exchanges, Failed: g.Failed}
				if g.Status != 0 {
					hg.Status = strconv.Itoa(g.Status)
				}
				for _, c := range g.Checks {
					_, ok := known[c]
					hg.Checks = append(hg.Checks, htmlCheckRef{Check: visible(c), Known: ok})
				}
				ho.Groups = append(ho.Groups, hg)
			}
			ha.Observed = ho
			for i, ex := range o.Examples {
				if ex.Exchange == nil {
					continue
				}
				step := buildHTMLStep(0, run.StepResult{Exchanges: []*runner.Exchange{ex.Exchange}, Violations: ex.Violations}, violation)
				ha.Examples = append(ha.Examples, htmlFailure{API: ha.Name, Anchor: fmt.Sprintf("a%d-x%d", ai, i),
					Title: step.Request + " → " + step.Status, Steps: []htmlStep{step}})
			}
			ha.MoreFailed = max(0, o.Failed-len(ha.Examples))
		}
		for _, d := range a.Drift.Observations {
			_, ok := known[d.Check]
			seenChecks[d.Check] = true
			ha.Drift = append(ha.Drift, htmlDrift{API: ha.Name, Check: visible(d.Check), Known: ok, Severity: severityOf(d.Check),
				Operation: visible(d.Operation), Status: d.Status, Where: visible(d.Where), Actual: visible(d.Actual),
				Message: visible(d.Message), Count: d.Count, Example: visible(d.ExampleRequestID), Scenario: visible(d.ExampleScenario)})
		}
		p.APIs = append(p.APIs, ha)
	}
	p.Summary = counts.rows(checks, known)
	for _, c := range checks {
		if seenChecks[c.ID] {
			p.FilterChecks = append(p.FilterChecks, c.ID)
		}
	}
	var unknown []string
	for id := range seenChecks {
		if _, ok := known[id]; !ok {
			unknown = append(unknown, visible(id))
		}
	}
	sort.Strings(unknown)
	p.FilterChecks = append(p.FilterChecks, unknown...)
	u := r.Unmatched
	p.Unmatched = htmlUnmatched{Count: u.Count, Dropped: u.Dropped, Strict: m.Strict}
	for _, q := range u.Requests {
		p.Unmatched.Requests = append(p.Unmatched.Requests, run.UnmatchedRequest{Request: visible(redactURL(q.Request)), Count: q.Count})
	}
	return p
}

// buildHTMLStep renders one step: a line for its last exchange, and that exchange in full when
// the step has a violation or could not go on.
func buildHTMLStep(n int, st run.StepResult, violation func(runner.Violation) htmlViolation) htmlStep {
	hs := htmlStep{N: n, Name: visible(st.Name), Error: visible(st.Error)}
	if hs.Name == "" {
		hs.Name = visible(st.Operation)
	}
	if k := len(st.Exchanges); k > 0 {
		ex := st.Exchanges[k-1]
		hs.Retries = k - 1
		hs.Request = visible(ex.Request.Method + " " + redactURL(requestURL(ex.Request)))
		hs.Status = visible(statusText(ex))
		if len(st.Violations) > 0 || st.Error != "" {
			hs.Exchange = buildHTMLExchange(ex)
		}
	}
	for _, v := range st.Violations {
		hs.Violation = append(hs.Violation, violation(v))
	}
	return hs
}

func requestURL(q runner.RecordedRequest) string {
	if q.URL != "" {
		return q.URL
	}
	return q.Path
}

func buildHTMLExchange(ex *runner.Exchange) *htmlExchange {
	he := &htmlExchange{
		Method:     visible(ex.Request.Method),
		URL:        visible(redactURL(requestURL(ex.Request))),
		ReqHeaders: htmlHeaders(ex.Request.Header),
		ReqBody:    buildHTMLBody(ex.Request.Body, false, 0),
		Duration:   shortDuration(ex.Duration),
	}
	switch {
	case ex.Response != nil:
		resp := ex.Response
		he.Proto, he.Status = visible(resp.Proto), strconv.Itoa(resp.Status)
		he.RespHeaders = htmlHeaders(resp.Header)
		he.RespBody = buildHTMLBody(resp.Body, resp.Truncated, resp.Cap)
		he.ReadErr = visible(resp.ReadErr)
	case ex.Err != nil:
		he.NoResponse = visible(ex.Err.Kind + ": " + ex.Err.Message)
	default:
		he.NoResponse = "no response"
	}
	return he
}

// htmlHeaders returns h sorted by name, credential-bearing headers redacted.
func htmlHeaders(h http.Header) []htmlHeader {
	if len(h) == 0 {
		return nil
	}
	h = runner.NewRedactor().Header(h)
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []htmlHeader
	for _, k := range names {
		for _, v := range h[k] {
			if sensitiveName.MatchString(k) {
				v = runner.Redacted
			}
			out = append(out, htmlHeader{Name: visible(k), Value: visible(v)})
		}
	}
	return out
}

// buildHTMLBody returns the first htmlBodyExcerpt bytes of b as text (a JSON body that fits is
// indented), with its size.
func buildHTMLBody(b []byte, capHit bool, capBytes int64) htmlBody {
	hb := htmlBody{CapHit: capHit, Cap: capBytes}
	if len(b) == 0 {
		return hb
	}
	hb.Size = byteSize(len(b))
	text := b
	if len(b) > htmlBodyExcerpt {
		n := htmlBodyExcerpt
		for n > htmlBodyExcerpt-utf8.UTFMax && !utf8.RuneStart(b[n]) {
			n--
		}
		text, hb.Cut, hb.Shown = b[:n], true, n
	} else if json.Valid(b) {
		var buf bytes.Buffer
		if json.Indent(&buf, b, "", "  ") == nil && buf.Len() <= htmlBodyExcerpt && buf.Len() != len(b) {
			text, hb.Formatted = buf.Bytes(), true
		}
	}
	hb.NotUTF8 = !utf8.Valid(text)
	hb.Text = visible(redactText(string(text)))
	return hb
}

// sensitiveName matches names of headers, query parameters and JSON properties that carry a
// credential: their values are never shown, whatever a recording kept.
var sensitiveName = regexp.MustCompile(`(?i)passw|secret|token|api[-_]?key|credential|private[-_]?key|session`)

// Values of credential-like JSON properties (to the end of the text when it is cut inside one),
// and of credential-like form or query parameters.
var (
	sensitiveJSON = regexp.MustCompile(`(?i)("[^"\\]*(?:passw|secret|token|api[-_]?key|credential|private[-_]?key|session)[^"\\]*"\s*:\s*")(?:[^"\\]|\\.)*("|\\?$)`)
	sensitiveForm = regexp.MustCompile(`(?i)((?:^|[?&;])[^=&;?#\s]*(?:passw|secret|token|api[-_]?key|credential|private[-_]?key|session)[^=&;?#\s]*=)[^&;#\s"]*`)
)

// redactText replaces the values of credential-like JSON properties and form parameters.
func redactText(s string) string {
	s = sensitiveJSON.ReplaceAllString(s, "${1}"+runner.Redacted+"${2}")
	return sensitiveForm.ReplaceAllString(s, "${1}"+runner.Redacted)
}

// redactURL replaces the values of credential-like query parameters of a URL or "METHOD /path".
func redactURL(s string) string {
	i := strings.IndexByte(s, '?')
	if i < 0 {
		return s
	}
	return s[:i] + sensitiveForm.ReplaceAllString(s[i:], "${1}"+runner.Redacted)
}

// shortDuration rounds d to a millisecond, or to a microsecond below one.
func shortDuration(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func byteSize(n int) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%d bytes (%.1f KiB)", n, float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d bytes (%.1f MiB)", n, float64(n)/(1<<20))
	}
}

func fileLine(file string, line int) string {
	if file == "" {
		return ""
	}
	if line > 0 {
		return visible(fmt.Sprintf("%s:%d", file, line))
	}
	return visible(file)
}

// visible returns s as text a reader can see: bytes that are not UTF-8 become U+FFFD, a CR LF a
// line break, and control, bidirectional-override and non-characters an escape (`\x1b`,
// `\u202e`), so a server's text can neither hide nor reorder what the page says.
func visible(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\r\n", "\n"), "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f,
			r == 0xfeff, r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// buildHTMLCoverage draws an API's coverage as a grid: one row per operation, one column per
// documented response key of any of them.
func buildHTMLCoverage(c run.Coverage) htmlCoverage {
	var hc htmlCoverage
	cols := map[string]bool{}
	for _, op := range c.Operations {
		for _, st := range op.Statuses {
			cols[st.Status] = true
		}
	}
	for k := range cols {
		hc.Columns = append(hc.Columns, k)
	}
	sort.Slice(hc.Columns, func(i, j int) bool { return statusKeyLess(hc.Columns[i], hc.Columns[j]) })
	for _, op := range c.Operations {
		row := htmlCoverageRow{Operation: visible(op.Operation), Method: visible(op.Method), Path: visible(op.Path),
			Exercised: op.Exercised(), Documented: len(op.Statuses)}
		byKey := map[string]run.StatusCoverage{}
		for _, st := range op.Statuses {
			byKey[st.Status] = st
		}
		for _, k := range hc.Columns {
			st, ok := byKey[k]
			cell := htmlCoverageCell{Class: "na"}
			if ok {
				cell = htmlCoverageCell{Class: "no", Count: st.Exercised}
				if st.Exercised > 0 {
					cell.Class = "ok"
				}
				for _, h := range st.HeadersSeen {
					cell.Seen = append(cell.Seen, visible(h))
				}
				for _, h := range st.HeadersMissing {
					cell.Missing = append(cell.Missing, visible(h))
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		var und []string
		for _, s := range op.Undocumented {
			und = append(und, strconv.Itoa(s))
		}
		row.Undocumented = strings.Join(und, ", ")
		hc.Exercised += row.Exercised
		hc.Documented += row.Documented
		hc.Rows = append(hc.Rows, row)
	}
	for i, k := range hc.Columns {
		hc.Columns[i] = visible(k)
	}
	return hc
}

// statusKeyLess orders response keys: by class, a status before its class ("404" before "4XX"),
// "default" last, anything else after.
func statusKeyLess(a, b string) bool {
	rank := func(k string) (int, int, string) {
		if k == "default" {
			return 10, 0, k
		}
		if len(k) == 3 && k[0] >= '1' && k[0] <= '5' {
			if n, err := strconv.Atoi(k); err == nil {
				return int(k[0] - '0'), n, k
			}
			if strings.EqualFold(k[1:], "XX") {
				return int(k[0] - '0'), 1000, k
			}
		}
		return 11, 0, k
	}
	ca, na, sa := rank(a)
	cb, nb, sb := rank(b)
	if ca != cb {
		return ca < cb
	}
	if na != nb {
		return na < nb
	}
	return sa < sb
}

// checkCounter counts violations by check and severity, and by API.
type checkCounter struct {
	keys  []htmlCheckCount
	index map[[2]string]int
	byAPI map[[2]string]map[string]int
	apis  map[[2]string][]string
}

func newCheckCounter() *checkCounter {
	return &checkCounter{index: map[[2]string]int{}, byAPI: map[[2]string]map[string]int{}, apis: map[[2]string][]string{}}
}

func (c *checkCounter) add(check, severity, api string, n int) {
	k := [2]string{check, severity}
	i, ok := c.index[k]
	if !ok {
		i = len(c.keys)
		c.index[k] = i
		c.keys = append(c.keys, htmlCheckCount{Check: visible(check), Severity: visible(severity)})
		c.byAPI[k] = map[string]int{}
	}
	c.keys[i].Count += n
	if c.byAPI[k][api] == 0 {
		c.apis[k] = append(c.apis[k], api)
	}
	c.byAPI[k][api] += n
}

// rows returns the counts in the registry's order (unregistered checks last, by ID), errors
// before warnings.
func (c *checkCounter) rows(checks []runner.Check, known map[string]runner.Check) []htmlCheckCount {
	order := map[string]int{}
	for i, ch := range checks {
		order[ch.ID] = i
	}
	type keyed struct {
		k [2]string
		r htmlCheckCount
	}
	var all []keyed
	for k, i := range c.index {
		r := c.keys[i]
		if ch, ok := known[k[0]]; ok {
			r.Known, r.Scope = true, string(ch.Scope)
		}
		var parts []string
		for _, api := range c.apis[k] {
			parts = append(parts, fmt.Sprintf("%s %d", api, c.byAPI[k][api]))
		}
		r.ByAPI = strings.Join(parts, ", ")
		all = append(all, keyed{k, r})
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		oa, ka := order[a.k[0]]
		ob, kb := order[b.k[0]]
		switch {
		case ka != kb:
			return ka
		case ka && oa != ob:
			return oa < ob
		case a.k[0] != b.k[0]:
			return a.k[0] < b.k[0]
		}
		return a.k[1] < b.k[1]
	})
	out := make([]htmlCheckCount, len(all))
	for i, k := range all {
		out[i] = k.r
	}
	return out
}
