package report

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/apiconform/apiconform/run"
)

// chromiumPath is the browser the test drives: Debian's chromium package.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds the whole browser test: it never hangs.
const browserTimeout = 30 * time.Second

// TestHTMLReportInBrowser opens the report.html of a real failing run (the embedded mock with the
// fault error-status-mismatch) in headless Chromium from a file:// URL, as a reader opens a CI
// artifact: the verdict, a violation's check ID and its JSON pointer are visible; the filters by
// check, severity and API hide exactly the rows they should; the page's script ran under its
// Content-Security-Policy with no error; the page fetched nothing but itself. A screenshot
// (report.png) is saved next to the report, in the test's temporary directory.
func TestHTMLReportInBrowser(t *testing.T) {
	browser := chromiumPath
	if _, err := os.Stat(browser); err != nil {
		p, lerr := exec.LookPath("chromium")
		if lerr != nil {
			t.Skipf("no Chromium at %s (%v): install it to run this test: apt-get install -y chromium", chromiumPath, err)
		}
		browser = p
	}

	s, err := run.Open(run.Config{MockFaults: []string{"error-status-mismatch"}, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	res := s.Run(ctx)
	s.Close()
	if res.Verdict != run.BrokeContract {
		t.Fatalf("the run under error-status-mismatch says %q, want %q", res.Verdict, run.BrokeContract)
	}
	dir := t.TempDir()
	if _, err := Write(dir, res); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, HTMLFile)
	pageURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(page)}).String()

	// Everything the browser writes (its profile, HOME's ~/.config and ~/.cache, TMPDIR) goes
	// under the test's temporary folder; it gets no variable of the test's environment but these.
	scratch := t.TempDir()
	var env []string
	for _, sub := range []struct{ name, dir string }{{"HOME", "home"}, {"TMPDIR", "tmp"}, {"XDG_CONFIG_HOME", "home/.config"},
		{"XDG_CACHE_HOME", "home/.cache"}, {"XDG_RUNTIME_DIR", "run"}, {"", "profile"}} {
		dir := filepath.Join(scratch, sub.dir)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if sub.name != "" {
			env = append(env, sub.name+"="+dir)
		}
	}
	env = append(env, "PATH="+os.Getenv("PATH"))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-crash-reporter", true),
		chromedp.UserDataDir(filepath.Join(scratch, "profile")),
		chromedp.NoInheritEnv,
		chromedp.Env(env...),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()

	var mu sync.Mutex
	var requests, problems []string
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("%s %s: %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text))
			}
		}
	}))
	defer cancelTab()

	if err := chromedp.Do(tabCtx, chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.ID("verdict"))); err != nil {
		t.Fatalf("opening %s: %v", pageURL, err)
	}

	// What a reader sees first.
	verdict := evalString(t, tabCtx, `document.getElementById("verdict").innerText`)
	if !strings.Contains(verdict, "broke the contract") {
		t.Errorf("the verdict reads %q, want it to say the target broke the contract", verdict)
	}
	if exit := evalString(t, tabCtx, `document.getElementById("exit-code").innerText`); exit != "exit 1" {
		t.Errorf("the exit code reads %q, want %q", exit, "exit 1")
	}
	text := evalString(t, tabCtx, `document.body.innerText`)
	for _, want := range []string{"error-status-match", "/errors/0/status", "errors[0].status differs from the HTTP status"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page shows no %q", want)
		}
	}
	if shown := evalString(t, tabCtx, `document.getElementById("shown").innerText`); !strings.Contains(shown, " of ") {
		t.Errorf("the filter script did not run (the row counter reads %q)", shown)
	}

	all := visibleRows(t, tabCtx)
	if len(all) == 0 {
		t.Fatal("no violation row")
	}
	checks := map[string]int{}
	for _, r := range all {
		if !r.Visible {
			t.Errorf("with no filter, the row %+v is hidden", r)
		}
		checks[r.Check]++
	}
	if checks["error-status-match"] == 0 || checks["body-expected"] == 0 {
		t.Fatalf("the run's rows are by %v, want rows of error-status-match and body-expected", checks)
	}

	// By check: only that check's rows stay, and a failure left with none of them goes.
	setFilter(t, tabCtx, "filter-check", "body-expected")
	shown, hidden := 0, 0
	for _, r := range visibleRows(t, tabCtx) {
		switch {
		case r.Check == "body-expected" && !r.Visible:
			t.Errorf("filtered by body-expected, its row %+v is hidden", r)
		case r.Check != "body-expected" && r.Visible:
			t.Errorf("filtered by body-expected, the row %+v is shown", r)
		case r.Visible:
			shown++
		default:
			hidden++
		}
	}
	if shown != checks["body-expected"] || hidden != len(all)-shown {
		t.Errorf("filtered by body-expected: %d rows shown, %d hidden; want %d and %d", shown, hidden, checks["body-expected"], len(all)-checks["body-expected"])
	}
	cards := evalCards(t, tabCtx)
	for _, c := range cards {
		if c.Visible != c.HasBodyExpected {
			t.Errorf("filtered by body-expected, the failure %q (has a body-expected row: %v) is shown: %v", c.Title, c.HasBodyExpected, c.Visible)
		}
	}
	if !slices.ContainsFunc(cards, func(c card) bool { return !c.Visible }) {
		t.Error("filtered by body-expected, no failure is hidden, yet some have only error-status-match rows")
	}
	if err := chromedp.Do(tabCtx, chromedp.WaitVisible(chromedp.ID("verdict"))); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(tabCtx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}

	// By severity: the run has errors only, so "warning" hides every row.
	setFilter(t, tabCtx, "filter-check", "")
	setFilter(t, tabCtx, "filter-severity", "warning")
	for _, r := range visibleRows(t, tabCtx) {
		if r.Visible {
			t.Errorf("filtered by severity warning, the error row %+v is shown", r)
		}
	}
	setFilter(t, tabCtx, "filter-severity", "error")
	for _, r := range visibleRows(t, tabCtx) {
		if !r.Visible {
			t.Errorf("filtered by severity error, the row %+v is hidden", r)
		}
	}

	// By API: apinizer passed every scenario, so none of its rows exist and confluent's section goes.
	setFilter(t, tabCtx, "filter-severity", "")
	setFilter(t, tabCtx, "filter-api", "apinizer")
	for _, r := range visibleRows(t, tabCtx) {
		if r.Visible {
			t.Errorf("filtered by API apinizer, the %s row %+v is shown", r.API, r)
		}
	}
	sections := evalString(t, tabCtx, `[...document.querySelectorAll("section.api")].map(s => s.dataset.api + "=" + (s.getClientRects().length > 0)).join(" ")`)
	if sections != "apinizer=true confluent=false" {
		t.Errorf("filtered by API apinizer, the API sections are shown as %q", sections)
	}

	if !bytes.HasPrefix(shot, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("the screenshot is not a PNG (%q...)", shot[:min(8, len(shot))])
	}
	shotPath := filepath.Join(dir, "report.png")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot (filtered by check body-expected): %s (%d bytes); report.html: %d bytes", shotPath, len(shot), fileSize(t, page))

	cancelTab()
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if u != pageURL {
			t.Errorf("the page fetched %s: it must fetch nothing but itself", u)
		}
	}
	if len(requests) == 0 {
		t.Errorf("no request was seen at all, not even %s: is the network listener working?", pageURL)
	}
	for _, p := range problems {
		t.Errorf("the browser reported: %s", p)
	}
}

// row is a violation or drift row of the page and whether a reader sees it.
type row struct {
	API, Check, Severity string
	Visible              bool
}

func visibleRows(t *testing.T, ctx context.Context) []row {
	t.Helper()
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll("tr.v")].map(r => ({
		API: r.dataset.api, Check: r.dataset.check, Severity: r.dataset.severity, Visible: r.getClientRects().length > 0}))`))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// card is a failure of the page.
type card struct {
	Title           string
	Visible         bool
	HasBodyExpected bool
}

func evalCards(t *testing.T, ctx context.Context) []card {
	t.Helper()
	cards, err := chromedp.Run(ctx, chromedp.Evaluate[[]card](`[...document.querySelectorAll(".card")].map(c => ({
		Title: c.querySelector("h4").textContent, Visible: c.getClientRects().length > 0,
		HasBodyExpected: !!c.querySelector('tr.v[data-check="body-expected"]')}))`))
	if err != nil {
		t.Fatal(err)
	}
	return cards
}

// setFilter chooses value in the select with the given id, as a reader does: the value changes,
// then the select fires "change".
func setFilter(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID(id), value),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).dispatchEvent(new Event("change"))`, id)),
	); err != nil {
		t.Fatalf("choosing %q in #%s: %v", value, id, err)
	}
	if got := evalString(t, ctx, fmt.Sprintf(`document.getElementById(%q).value`, id)); got != value {
		t.Fatalf("#%s holds %q after choosing %q", id, got, value)
	}
}

func evalString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return s
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
