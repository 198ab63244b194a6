package traffic

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/runner"
)

// readSource reads a Source to its end, failing on any error.
func readSource(t *testing.T, src Source) []*runner.Exchange {
	t.Helper()
	var out []*runner.Exchange
	for {
		ex, err := src.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("after %d exchanges: %v", len(out), err)
		}
		out = append(out, ex)
	}
}

// writeFile writes data to a file of a temporary folder and returns its path.
func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// jsonlOf returns the JSON Lines of the sample exchanges.
func jsonlOf(t *testing.T) string {
	var buf bytes.Buffer
	w := NewJSONLWriter(&buf)
	for _, ex := range sampleExchanges() {
		if err := w.Write(ex); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

// TestOpenTellsTheFormat: the format is told from the content, whatever the file's name, on
// the fixtures, on the real exports, and on the shapes either format may take.
func TestOpenTellsTheFormat(t *testing.T) {
	exchange := `{"operation_id":"x","request":{"method":"GET","url":"https://a/x","path":"/x"},"started":"2024-05-02T10:00:00Z","duration_ns":5}`
	entry := `{"request": {"method": "GET", "url": "https://a/x", "headers": []}, "response": {"status": 204, "headers": [], "content": {}}}`
	for _, tt := range []struct {
		name, data, format string
		exchanges          int
	}{
		{"proxy recording", jsonlOf(t), FormatJSONL, 4},
		{"JSON Lines, keys in another order", `{"response":{"status":204,"proto":"HTTP/1.1","header":{}},"request":{"method":"DELETE","path":"/x"}}` + "\n", FormatJSONL, 1},
		{"JSON Lines, an unknown key first", `{"x-note":{"log":1},"request":{"method":"GET"}}` + "\n", FormatJSONL, 1},
		{"JSON Lines, a BOM and blank lines first", "\xef\xbb\xbf\n\n" + exchange + "\r\n" + exchange, FormatJSONL, 2},
		{"JSON Lines, one line without LF", exchange, FormatJSONL, 1},
		{"HAR on one line", `{"log":{"entries":[` + entry + `,` + entry + `]}}`, FormatHAR, 2},
		{"HAR, pretty", "{\n  \"log\": {\n    \"entries\": [\n      " + entry + "\n    ]\n  }\n}\n", FormatHAR, 1},
		{"HAR, another key before log", "{\n  \"comment\": {\"request\": 1},\n  \"log\": {\"entries\": []}\n}", FormatHAR, 0},
		{"HAR, a long key before log", "{\"comment\": \"" + strings.Repeat("x", 300<<10) + "\",\n\"log\": {\"entries\": [" + entry + "]}}", FormatHAR, 1},
		{"empty", "", FormatJSONL, 0},
		{"blank", "\n \n", FormatJSONL, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, err := Open(writeFile(t, "recording", tt.data), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			if src.Format() != tt.format {
				t.Errorf("format %q, want %q", src.Format(), tt.format)
			}
			if got := readSource(t, src); len(got) != tt.exchanges {
				t.Errorf("%d exchanges, want %d", len(got), tt.exchanges)
			}
		})
	}
	fixtures, _ := filepath.Glob("testdata/*.har")
	shared, _ := filepath.Glob(filepath.Join(sharedHAR, "*.har"))
	for _, path := range append(fixtures, shared...) {
		if filepath.Base(path) == "notjson.har" || filepath.Base(path) == "nolog.har" {
			continue // TestOpenNeither
		}
		src, err := Open(path, nil)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if src.Format() != FormatHAR {
			t.Errorf("%s: format %q", path, src.Format())
		}
		src.Close()
	}
}

// TestOpenNeither: content that is neither format gives a FormatError naming the file; a file
// that cannot be opened gives the error of the file system.
func TestOpenNeither(t *testing.T) {
	for _, tt := range []struct{ data, msg string }{
		{"id,method,url\n", `neither a HAR file nor JSON Lines of exchanges: it starts with "i", not with an object`},
		{"\xef\xbb\xbf  [{}]", `neither a HAR file nor JSON Lines of exchanges: it starts with "[", not with an object`},
		{"\xff\xfe{", `neither a HAR file nor JSON Lines of exchanges: it starts with "\xff", not with an object`},
		{"\n\n\u00e9t\u00e9", `neither a HAR file nor JSON Lines of exchanges: it starts with "é", not with an object`},
		{`{"version": "1.2", "entries": []}`, `neither a HAR file nor JSON Lines of exchanges: the first object has no log (HAR) nor request (an exchange): its keys are "version", "entries"`},
		{"{}\n{}\n", `neither a HAR file nor JSON Lines of exchanges: the first object has no log (HAR) nor request (an exchange): it has no key`},
		{`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}`, `neither a HAR file nor JSON Lines of exchanges: the first object has no log (HAR) nor request (an exchange): its keys are "a", "b", "c", "d", "e", ...`},
	} {
		path := writeFile(t, "x.rec", tt.data)
		_, err := Open(path, nil)
		fe := formatError(t, err)
		if fe.File != path || fe.Msg != tt.msg {
			t.Errorf("%q: error %q", tt.data, err)
		}
	}
	_, err := Open(filepath.Join(t.TempDir(), "missing.har"), nil)
	var fe *FormatError
	if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &fe) {
		t.Errorf("a missing file: %v", err)
	}
}

// TestOpenRedacts: the exchanges of a HAR file are recorded through runner.Record (the
// credentials the request carries, and what the Redactor knows, never come out); those of JSON
// Lines get the Redactor too.
func TestOpenRedacts(t *testing.T) {
	const known = "KNOWN-5ecret"
	redactor := runner.NewRedactor(known)
	src, err := Open("testdata/noresponse.har", redactor)
	if err != nil {
		t.Fatal(err)
	}
	got := readSource(t, src)
	src.Close()
	if len(got) != 2 || got[0].Request.Header.Get("Authorization") != "Bearer [REDACTED]" || got[0].Err == nil || !strings.Contains(got[0].Err.Message, "net::ERR_ABORTED") || got[0].Response != nil {
		t.Errorf("HAR exchanges %+v", got)
	}
	line := `{"request":{"method":"GET","url":"https://a/x?k=` + known + `","path":"/x","header":{"Authorization":["Bearer raw-token-1"]},"body":"` + known + `"},` +
		`"response":{"status":200,"proto":"HTTP/1.1","header":{"X-Echo":["` + known + `"],"Set-Cookie":["s=1"]},"body":"{\"k\":\"` + known + `\"}","read_error":"` + known + `"},` +
		`"transport_error":{"kind":"other","message":"` + known + `"}}`
	src, err = Open(writeFile(t, "rec.jsonl", line+"\n"), redactor)
	if err != nil {
		t.Fatal(err)
	}
	got = readSource(t, src)
	src.Close()
	if len(got) != 1 {
		t.Fatalf("%d exchanges", len(got))
	}
	ex := got[0]
	if ex.Request.Header.Get("Authorization") != "Bearer [REDACTED]" || ex.Response.Header.Get("Set-Cookie") != "[REDACTED]" {
		t.Errorf("credential headers %v %v", ex.Request.Header, ex.Response.Header)
	}
	for _, s := range []string{ex.Request.URL, string(ex.Request.Body), ex.Response.Header.Get("X-Echo"), string(ex.Response.Body), ex.Response.ReadErr, ex.Err.Message} {
		if strings.Contains(s, known) {
			t.Errorf("%q holds the secret", s)
		}
	}
}

// TestOpenStdin: "-" reads standard input, and Close leaves it open.
func TestOpenStdin(t *testing.T) {
	f, err := os.Open(writeFile(t, "rec.jsonl", jsonlOf(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stdin := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = stdin }()
	src, err := Open("-", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := readSource(t, src); len(got) != 4 || src.Format() != FormatJSONL {
		t.Errorf("%d exchanges, format %q", len(got), src.Format())
	}
	if err := src.Close(); err != nil {
		t.Error(err)
	}
	if _, err := f.Stat(); err != nil {
		t.Errorf("stdin closed: %v", err)
	}
}

// TestOpenClose: Close closes the file.
func TestOpenClose(t *testing.T) {
	src, err := Open("testdata/bom.har", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("a second Close: %v", err)
	}
}

// TestNewSourceDoesNotWaitForTheEnd: the format of a live stream (a pipe from a proxy) is told
// from its first lines, without waiting for more.
func TestNewSourceDoesNotWaitForTheEnd(t *testing.T) {
	for _, tt := range []struct{ first, format string }{
		{strings.SplitAfter(jsonlOf(t), "\n")[0], FormatJSONL},
		{"{\n  \"log\": {\n", FormatHAR},
	} {
		pr, pw := io.Pipe()
		go func() { _, _ = pw.Write([]byte(tt.first)) }()
		done := make(chan Source, 1)
		go func() {
			src, err := NewSource(pr, "pipe", nil)
			if err != nil {
				t.Error(err)
			}
			done <- src
		}()
		select {
		case src := <-done:
			if src != nil && src.Format() != tt.format {
				t.Errorf("%q: format %q", tt.first, src.Format())
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%q: NewSource waits for more than the first line", tt.first)
		}
		pw.Close()
	}
}

// TestExchangeKeys: the keys that tell JSON Lines are those of the JSON form of an Exchange.
func TestExchangeKeys(t *testing.T) {
	want := map[string]bool{"operation_id": true, "request": true, "response": true, "started": true, "duration_ns": true, "transport_error": true}
	if !reflect.DeepEqual(exchangeKeys, want) {
		t.Errorf("exchange keys %v", exchangeKeys)
	}
}
