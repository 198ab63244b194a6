package report

import (
	"bytes"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
)

// htmlGoldenChecks is the list of checks the golden pages show: pinned here, so that adding or
// rewording a check changes no golden file (TestHTMLListsEveryRegisteredCheck holds the real list).
var htmlGoldenChecks = []runner.Check{
	{ID: "response-received", Severity: runner.SeverityError, Scope: runner.ScopeTransport, Doc: "a complete HTTP response arrived"},
	{ID: "status-documented", Severity: runner.SeverityError, Scope: runner.ScopeContract, Doc: "the status is declared for the operation"},
	{ID: "body-schema", Severity: runner.SeverityError, Scope: runner.ScopeContract, Doc: "the body validates against the declared schema"},
	{ID: "drift-status", Severity: runner.SeverityWarning, Scope: runner.ScopeDrift, Doc: "drift: an undocumented status"},
	{ID: "drift-header", Severity: runner.SeverityWarning, Scope: runner.ScopeDrift, Doc: "drift: an undocumented contract-like header"},
	{ID: "drift-property", Severity: runner.SeverityWarning, Scope: runner.ScopeDrift, Doc: "drift: a property the schema does not name"},
	{ID: "status-expected", Severity: runner.SeverityError, Scope: runner.ScopeScenario, Doc: "the status equals what the scenario expects"},
}

// htmlGoldenCases are the runs whose report.html is kept under testdata/html/NAME.html.
var htmlGoldenCases = []struct {
	name   string
	result func() *run.Result
}{
	{"sample", sampleWithExchangeDetails},
	{"no-response", noResponseRunResult},
	{"no-api", noAPIRunResult},
	{"hostile", hostileRunResult},
}

// sampleWithExchangeDetails is sampleRunResult with headers and bodies in the failing exchanges.
func sampleWithExchangeDetails() *run.Result {
	r := sampleRunResult()
	del := r.APIs[0].Scenarios[1].Steps[0].Exchanges[0]
	del.Request.Header = http.Header{"Accept": {"application/json"}, "Authorization": {"Basic [REDACTED]"}, "User-Agent": {"apiconform"}}
	del.Response.Header.Set("Content-Type", "application/json")
	del.Response.Body = runner.Body(`{"error":"internal","detail":"boom","hint":"try again"}`)
	obs := r.APIs[0].Observed.Examples[0].Exchange
	obs.Response.Header.Set("Content-Type", "text/plain")
	obs.Response.Body = runner.Body("I'm a teapot\n")
	return r
}

func renderHTML(t *testing.T, r *run.Result, checks []runner.Check) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := writeHTML(&buf, r, checks); err != nil {
		t.Fatalf("writeHTML: %v", err)
	}
	return buf.Bytes()
}

func TestHTMLGolden(t *testing.T) {
	for _, tc := range htmlGoldenCases {
		t.Run(tc.name, func(t *testing.T) {
			got := renderHTML(t, tc.result(), htmlGoldenChecks)
			compareGolden(t, filepath.Join("testdata", "html", tc.name+".html"), got)
		})
	}
}

// hostileMarkup is what a hostile server would like a page to run.
const hostileMarkup = `</script><img src=x onerror=alert(1)>`

// TestHTMLHostileContentIsText puts markup that would run a script in every place a server or
// a scenario file decides (a body, a header, a message, a scenario name, and the rest) and
// parses the page as a browser does: no element, attribute or script comes from the data, and the
// markup is there as text.
func TestHTMLHostileContentIsText(t *testing.T) {
	const m = hostileMarkup
	ex := reportExchange("getTopic", "GET", "/topics/"+m, 500, "req-"+m, time.Millisecond)
	ex.Request.URL += "?q=" + m
	ex.Request.Header = http.Header{"X-Note": {m}}
	ex.Request.Body = runner.Body(`{"note":"` + m + `"}`)
	ex.Response.Header.Set("X-Evil", m)
	ex.Response.Header.Set("X-"+m, "header name")
	ex.Response.Body = runner.Body(m + "\n<p>" + m + "</p>\x00\x1b[31m")
	v := reportViolation("body-schema", runner.SeverityError, ex, "message "+m)
	v.Expected, v.Actual, v.Pointer, v.SpecRef = m, m, "/"+m, "#/"+m
	odd := reportViolation(m, runner.Severity(m), ex, m)
	odd.Header = m
	r := &run.Result{
		Started: runStarted, Verdict: run.Verdict(m), Problem: m,
		Mode: run.Mode{Labels: m},
		APIs: []run.APIResult{{
			API: "api" + m, Spec: run.SpecInfo{Title: m, Version: m}, Target: "http://127.0.0.1:1/" + m, TargetKind: run.TargetKind(m),
			Scenarios: []run.ScenarioResult{
				{Name: "scenario " + m, File: m, Line: 1, Outcome: run.Failed, Reason: m,
					Steps: []run.StepResult{{Name: m, Operation: m, Exchanges: []*runner.Exchange{ex}, Violations: []runner.Violation{v, odd}, Error: m}}},
				{Name: "skipped " + m, Outcome: run.Skipped, Reason: m},
				{Name: "passed " + m, File: m, Outcome: run.Passed},
			},
			Observed: &run.Observed{Exchanges: 1, Failed: 1,
				Examples:   []run.ExchangeResult{{Exchange: ex, Violations: []runner.Violation{v}}},
				Violations: []runner.Violation{v}, ByCheck: map[string]int{m: 1},
				Groups: []run.ObservedGroup{{Operation: m, Method: m, Path: m, Status: 500, Exchanges: 1, Failed: 1, Checks: []string{m}}}},
			Coverage: run.Coverage{Operations: []run.OperationCoverage{{Operation: m, Method: m, Path: m,
				Statuses: []run.StatusCoverage{{Status: m, Exercised: 1, HeadersSeen: []string{m}, HeadersMissing: []string{m}}}}}},
			Drift: run.Drift{Observations: []run.DriftObservation{{Check: m, Operation: m, Status: 500, Where: m, Actual: m,
				Message: m, Count: 1, ExampleRequestID: m, ExampleScenario: m}}},
		}},
		Unmatched: run.Unmatched{Count: 1, Requests: []run.UnmatchedRequest{{Request: "GET /" + m, Count: 1}}},
	}
	page := renderHTML(t, r, runner.All())

	if n := bytes.Count(page, []byte("<script")); n != 1 {
		t.Errorf("the page has %d <script, want only its own", n)
	}
	if n := bytes.Count(page, []byte("</script>")); n != 1 {
		t.Errorf("the page has %d </script>, want only its own", n)
	}
	if bytes.Contains(bytes.ToLower(page), []byte("<img")) || bytes.Contains(page, []byte("<p><")) {
		t.Error("markup from the data reached the page as markup")
	}
	if want := []byte("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"); bytes.Count(page, want) < 20 {
		t.Errorf("the markup appears escaped %d times, want it as text in every place it was put", bytes.Count(page, want))
	}

	doc := parseHTML(t, page)
	allowed := map[string]bool{}
	for _, tag := range strings.Fields(`html head meta title style script body header h1 h2 h3 h4 p span section div table tr th td
		a code pre strong br label select option button nav main details summary tbody`) {
		allowed[tag] = true
	}
	texts := 0
	walkHTML(doc, func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			if !allowed[n.Data] {
				t.Errorf("the page has an element <%s> the template does not write", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "src" || a.Key == "style" {
					t.Errorf("<%s> has the attribute %s=%q", n.Data, a.Key, a.Val)
				}
				if a.Key == "href" && !strings.HasPrefix(a.Val, "#") {
					t.Errorf("<%s> links out: href=%q", n.Data, a.Val)
				}
			}
			if n.Data == "script" && textOf(n) != htmlScript {
				t.Errorf("the script is not the page's own: %q", textOf(n))
			}
		case html.TextNode:
			texts += strings.Count(n.Data, m)
		}
	})
	if texts < 20 {
		t.Errorf("the markup is in %d text nodes, want it as text in every place it was put", texts)
	}
	for _, id := range []string{"verdict", "problem"} {
		if got := textOf(byID(t, doc, id)); !strings.Contains(got, m) {
			t.Errorf("#%s reads %q, want the markup as text", id, got)
		}
	}
}

// TestHTMLControlCharactersAreVisible: NUL, ESC, DEL, CR, bytes that are not UTF-8 and
// non-characters in a server's text become escapes a reader sees; the page is valid UTF-8.
func TestHTMLControlCharactersAreVisible(t *testing.T) {
	r := hostileRunResult()
	ex := r.APIs[0].Scenarios[0].Steps[0].Exchanges[0]
	ex.Response.Body = runner.Body("a\x00b\x1b[31mc\x7fd\xffe\uFFFEf\u202eg\r\nh")
	page := renderHTML(t, r, runner.All())
	if !utf8.Valid(page) {
		t.Error("the page is not valid UTF-8")
	}
	for i, c := range page {
		if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
			t.Fatalf("the page holds the control byte %#x at %d: %q", c, i, page[max(0, i-40):min(len(page), i+40)])
		}
	}
	for _, bad := range []string{"\uFFFE", "\u202e"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("the page holds %q as it is", bad)
		}
	}
	if want := `a\x00b\x1b[31mc\x7fd` + "\uFFFD" + `e\ufffef\u202eg` + "\nh"; !bytes.Contains(page, []byte(want)) {
		t.Errorf("the body does not read %q", want)
	}
}

// TestHTMLBodyExcerpt: a 10 MiB body shows its first 4 KiB and its size; the page stays small.
func TestHTMLBodyExcerpt(t *testing.T) {
	r := sampleRunResult()
	ex := r.APIs[0].Scenarios[1].Steps[0].Exchanges[0]
	ex.Response.Body = runner.Body(strings.Repeat("é0123456789", 10<<20/12+1)[:10<<20])
	ex.Response.Truncated, ex.Response.Cap = true, 10<<20
	page := renderHTML(t, r, runner.All())
	if len(page) > 64<<10 {
		t.Errorf("the page is %d bytes for a 10 MiB body, want it small", len(page))
	}
	for _, want := range []string{
		"body: 10485760 bytes (10.0 MiB), the first 4096 bytes shown; the target sent more than the cap of 10485760 bytes",
		strings.Repeat("é0123456789", 4096/12),
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page does not say %q", want[:min(len(want), 120)])
		}
	}
	if bytes.Contains(page, []byte(strings.Repeat("é0123456789", 4096/12+2))) {
		t.Error("the page shows more than 4 KiB of the body")
	}

	small := buildHTMLBody([]byte(`{"a":[1,2],"b":"x"}`), false, 0)
	if want := "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x\"\n}"; small.Text != want || !small.Formatted || small.Size != "19 bytes" {
		t.Errorf("a small JSON body renders as %+v, want it indented", small)
	}
	cut := buildHTMLBody(bytes.Repeat([]byte("€"), 2000), false, 0) // 6000 bytes; 4096 falls inside a rune
	if !cut.Cut || cut.Shown != 4095 || !utf8.ValidString(cut.Text) || cut.NotUTF8 {
		t.Errorf("a body cut inside a rune renders as Cut=%v Shown=%d NotUTF8=%v", cut.Cut, cut.Shown, cut.NotUTF8)
	}
}

// TestHTMLRedactsCredentials: the page shows requests and responses, but never the value of a
// credential-bearing header, query parameter or JSON property, even when a recording kept it.
func TestHTMLRedactsCredentials(t *testing.T) {
	const secret = "S3CRET-9c0ffee"
	r := sampleWithExchangeDetails()
	ex := r.APIs[0].Scenarios[1].Steps[0].Exchanges[0]
	ex.Request.URL += "?page=2&api_key=" + secret + "&access_token=" + secret
	ex.Request.Header = http.Header{"Authorization": {"Bearer " + secret}, "X-Api-Key": {secret}, "Cookie": {"s=" + secret},
		"X-Auth-Token": {secret}, "Accept": {"application/json"}}
	ex.Request.Body = runner.Body(`{"name":"orders","password":"` + secret + `","nested":{"client_secret":"` + secret + `\"x"}}`)
	ex.Response.Header.Set("Set-Cookie", "session="+secret)
	ex.Response.Body = runner.Body(`{"token":"` + secret + `","id":"t-1"}` + "\n" + `grant_type=x&refresh_token=` + secret)
	page := string(renderHTML(t, r, runner.All()))
	if i := strings.Index(page, secret); i >= 0 {
		t.Errorf("the page shows a credential: %q", page[max(0, i-80):min(len(page), i+40)])
	}
	for _, want := range []string{"page=2&amp;api_key=[REDACTED]", "Authorization: Bearer [REDACTED]", "X-Auth-Token: [REDACTED]",
		"Accept: application/json", "&#34;name&#34;: &#34;orders&#34;", "&#34;password&#34;: &#34;[REDACTED]&#34;",
		"&#34;id&#34;:&#34;t-1&#34;", "refresh_token=[REDACTED]"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not show %q", want)
		}
	}
	cut := redactText(`{"a":1,"token":"abcdef`)
	if cut != `{"a":1,"token":"[REDACTED]` {
		t.Errorf("a body cut inside a credential reads %q", cut)
	}
}

// TestHTMLListsEveryRegisteredCheck: the checks section has every check of runner.All() with its
// doc, each the target of the links from its ID.
func TestHTMLListsEveryRegisteredCheck(t *testing.T) {
	doc := parseHTML(t, renderHTML(t, sampleRunResult(), runner.All()))
	for _, c := range runner.All() {
		row := byID(t, doc, "check-"+c.ID)
		if got := textOf(row); !strings.Contains(got, c.Doc) || !strings.Contains(got, string(c.Severity)) {
			t.Errorf("the row of %s reads %q, want its severity and doc %q", c.ID, got, c.Doc)
		}
	}
}

// TestHTMLLinksAndFilters: every link goes to an element of the page; every violation row
// carries what the filters read; each option of the check filter selects rows.
func TestHTMLLinksAndFilters(t *testing.T) {
	for _, tc := range htmlGoldenCases {
		t.Run(tc.name, func(t *testing.T) {
			doc := parseHTML(t, renderHTML(t, tc.result(), runner.All()))
			ids := map[string]bool{}
			rowChecks := map[string]bool{}
			var links, options []string
			walkHTML(doc, func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				if id := attrOf(n, "id"); id != "" {
					if ids[id] {
						t.Errorf("two elements have the id %q", id)
					}
					ids[id] = true
				}
				if href := attrOf(n, "href"); href != "" {
					links = append(links, href)
				}
				if n.Data == "tr" && hasClass(n, "v") {
					for _, k := range []string{"data-api", "data-check", "data-severity"} {
						if !hasAttr(n, k) {
							t.Errorf("a violation row has no %s: %q", k, textOf(n))
						}
					}
					rowChecks[attrOf(n, "data-check")] = true
				}
				if n.Data == "option" && n.Parent != nil && attrOf(n.Parent, "id") == "filter-check" && attrOf(n, "value") != "" {
					options = append(options, attrOf(n, "value"))
				}
			})
			for _, l := range links {
				if !ids[strings.TrimPrefix(l, "#")] {
					t.Errorf("the link %q goes nowhere", l)
				}
			}
			for _, o := range options {
				if !rowChecks[o] {
					t.Errorf("the check filter offers %q, which no row has", o)
				}
			}
			if len(options) != len(rowChecks) {
				t.Errorf("the check filter offers %q for rows of %v", options, rowChecks)
			}
		})
	}
}

// TestHTMLContentSecurityPolicy: the page allows its own inline style and script by hash and
// nothing else, so that a browser fetches nothing and runs nothing else even if something slipped
// past the escaping.
func TestHTMLContentSecurityPolicy(t *testing.T) {
	doc := parseHTML(t, renderHTML(t, sampleRunResult(), runner.All()))
	var csp, style, script string
	walkHTML(doc, func(n *html.Node) {
		switch {
		case n.Type != html.ElementNode:
		case n.Data == "meta" && attrOf(n, "http-equiv") == "Content-Security-Policy":
			csp = attrOf(n, "content")
		case n.Data == "style":
			style = textOf(n)
		case n.Data == "script":
			script = textOf(n)
		}
	})
	for _, want := range []string{"default-src 'none'", "style-src '" + cspHash(style) + "'", "script-src '" + cspHash(script) + "'", "img-src 'none'", "connect-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("the policy %q does not say %q", csp, want)
		}
	}
	if regexp.MustCompile(`unsafe|https?:|\*`).MatchString(csp) {
		t.Errorf("the policy %q allows more than the page's own style and script", csp)
	}
}

func parseHTML(t *testing.T, page []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func walkHTML(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walkHTML(c, fn)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	walkHTML(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attrOf(n, "class")+" ", " "+class+" ")
}

func byID(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	var found *html.Node
	walkHTML(doc, func(n *html.Node) {
		if found == nil && n.Type == html.ElementNode && attrOf(n, "id") == id {
			found = n
		}
	})
	if found == nil {
		t.Fatalf("the page has no element #%s", id)
	}
	return found
}
