package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/traffic"
)

// The benchmarks of this file read files they write into b.TempDir(); they open no socket.

// benchIDMark stands, in the entries below, for the 12 digits that make each exchange its own:
// the environment deleted and the X-Request-Id (and, in the 404, the error's id, which the mock
// sets to the request ID).
const benchIDMark = "%ID%"

// benchHAREntries are the mock's typical exchanges as Chrome exports them (DevTools, "Save all
// as HAR with content"): a fetch from a page, over HTTP/2, with the browser's own headers, the
// HTTP/2 pseudo-headers, empty query string and cookie lists, timings and Chrome's "_" fields.
// They are a Confluent DELETE answered 204 with X-Request-Id and the rate-limit headers, a
// Confluent DELETE of an unknown environment answered 404 with a Failure body, and an Apinizer
// undeploy answered 200 with a deploymentResult envelope. The requests carry their credentials
// (basic auth demo-key:demo-secret, a bearer token), which Record redacts. Each is conformant:
// the benchmarks fail on any violation. About 2.5 KB each.
var benchHAREntries = loadBenchEntries()

// benchEntriesFile holds the entries, one per line; suites/bench reads the same file.
const benchEntriesFile = "../../traffic/testdata/chrome-mock-entries.txt"

func loadBenchEntries() []string {
	data, err := os.ReadFile(benchEntriesFile)
	if err != nil {
		panic(err) // a file of the repository
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// benchHARHead and benchHARTail open and close a Chrome export around the entries.
const (
	benchHARHead = `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"startedDateTime":"2026-11-30T09:12:00.512Z","id":"page_1","title":"https://console.example.com/","pageTimings":{"onContentLoad":212.3,"onLoad":388.1}}],"entries":[` + "\n"
	benchHARTail = "\n]}}\n"
)

// benchHARWriter writes a HAR file of the entries above, in turn, each with its own 12-digit
// number: it splits each entry at the marks once and writes the same bytes with the digits
// between, so that files of hundreds of megabytes are written at disk speed.
type benchHARWriter struct {
	parts [][][]byte // per entry, the pieces around the marks
	buf   []byte
	n     int // entries written
}

func newBenchHARWriter() *benchHARWriter {
	w := &benchHARWriter{}
	for _, e := range benchHAREntries {
		w.parts = append(w.parts, bytes.Split([]byte(e), []byte(benchIDMark)))
	}
	return w
}

// entry returns the bytes of the next entry (with the separator before it but the first), valid
// until the next call.
func (w *benchHARWriter) entry() []byte {
	w.buf = w.buf[:0]
	if w.n > 0 {
		w.buf = append(w.buf, ",\n"...)
	}
	var digits [12]byte
	for i, v := len(digits)-1, w.n+1; i >= 0; i, v = i-1, v/10 {
		digits[i] = byte('0' + v%10)
	}
	parts := w.parts[w.n%len(w.parts)]
	for i, p := range parts {
		if i > 0 {
			w.buf = append(w.buf, digits[:]...)
		}
		w.buf = append(w.buf, p...)
	}
	w.n++
	return w.buf
}

// writeBenchHAR writes a HAR file of n entries to path.
func writeBenchHAR(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := newBenchHARWriter()
	_, _ = bw.WriteString(benchHARHead)
	for range n {
		_, _ = bw.Write(w.entry())
	}
	_, _ = bw.WriteString(benchHARTail)
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// writeBenchJSONL writes the JSON Lines apiconform proxy --record would write for the same n
// exchanges: each entry read and recorded (redacted) as the HAR reader does, then written.
func writeBenchJSONL(tb testing.TB, path string, n int) {
	tb.Helper()
	// One round of the entries, recorded once; the lines repeat with the digits changed.
	har := filepath.Join(tb.TempDir(), "one.har")
	writeBenchHAR(tb, har, len(benchHAREntries))
	src, err := traffic.Open(har, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var lines [][][]byte
	for {
		ex, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		var line bytes.Buffer
		if err := traffic.NewJSONLWriter(&line).Write(ex); err != nil {
			tb.Fatal(err)
		}
		// The first entries are numbered 1, 2, 3: put the mark back where the digits were.
		digits := []byte("000000000001")
		digits[11] = byte('0' + len(lines) + 1)
		lines = append(lines, bytes.Split(line.Bytes(), digits))
	}
	_ = src.Close()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	var digits [12]byte
	for k := range n {
		for i, v := len(digits)-1, k+1; i >= 0; i, v = i-1, v/10 {
			digits[i] = byte('0' + v%10)
		}
		for i, p := range lines[k%len(lines)] {
			if i > 0 {
				_, _ = bw.Write(digits[:])
			}
			_, _ = bw.Write(p)
		}
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// benchSession opens the session `apiconform validate` opens with its default flags.
func benchSession(tb testing.TB) *run.Session {
	tb.Helper()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var tf trafficFlags
	tf.register(fs)
	if err := fs.Parse(nil); err != nil {
		tb.Fatal(err)
	}
	cfg, err := tf.config("bench")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Getenv = func(string) string { return "" }
	s, err := run.Open(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// requireConformant fails unless the session counted n exchanges, all routed, without any
// violation (error or warning).
func requireConformant(tb testing.TB, res *run.Result, n int) {
	tb.Helper()
	got := 0
	for _, a := range res.APIs {
		if a.Observed == nil {
			continue
		}
		got += a.Observed.Exchanges
		if a.Observed.Failed != 0 || len(a.Observed.ByCheck) != 0 {
			var msgs []string
			for _, v := range a.Observed.Violations[:min(len(a.Observed.Violations), 5)] {
				msgs = append(msgs, v.Check+" "+string(v.Severity)+": "+v.Message)
			}
			tb.Fatalf("%s: %d failed exchange(s), violations by check %v, want none:\n%s", a.API, a.Observed.Failed, a.Observed.ByCheck, strings.Join(msgs, "\n"))
		}
	}
	if got != n || res.Unmatched.Count != 0 {
		tb.Fatalf("%d exchanges counted and %d outside the specs, want %d and 0", got, res.Unmatched.Count, n)
	}
	if res.ExitCode != run.ExitConformant {
		tb.Fatalf("verdict %q (exit %d), want conformant", res.Verdict, res.ExitCode)
	}
}

// BenchmarkValidate is `apiconform validate` in process, through validateFile: a recording of
// b.N of the mock's typical exchanges (benchHAREntries in turn), as a Chrome HAR export and as
// the JSON Lines of apiconform proxy --record, read, recorded (redacted), routed and held to the
// specs with every check. The file is written before the timer starts; the session is opened
// with validate's default flags. It reports exchanges/s; the target is 50,000/s on 2 cores.
func BenchmarkValidate(b *testing.B) {
	for _, format := range []string{traffic.FormatHAR, traffic.FormatJSONL} {
		b.Run(format, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "traffic."+format)
			if format == traffic.FormatHAR {
				writeBenchHAR(b, path, b.N)
			} else {
				writeBenchJSONL(b, path, b.N)
			}
			if fi, err := os.Stat(path); err == nil {
				b.SetBytes(fi.Size() / int64(b.N))
			}
			s := benchSession(b)
			b.ReportAllocs()
			b.ResetTimer()
			n, got, err := validateFile(s, path)
			b.StopTimer()
			if err != nil || got != format || n != b.N {
				b.Fatalf("validateFile: %d exchange(s), format %q, error %v; want %d, %q, none", n, got, err, b.N, format)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "exchanges/s")
			requireConformant(b, s.Result(nil), b.N)
		})
	}
}

// readSequential reads a recording with traffic.NewSource, as validate read it before the
// batches: each exchange as its JSON, each error as its text, up to the first error that is not
// a skipped entry (line), or the end.
func readSequential(data []byte, name string) []string {
	src, err := traffic.NewSource(bytes.NewReader(data), name, runner.NewRedactor("demo-secret"))
	if err != nil {
		return []string{"open: " + err.Error()}
	}
	var out []string
	for {
		ex, err := src.Next()
		if err == io.EOF {
			return append(out, "EOF")
		}
		if done, line := readItem(ex, err); line != "" {
			out = append(out, line)
			if done {
				return out
			}
		}
	}
}

// readBatches reads the same with traffic.NewBatchReader, each batch's entries decoded by as
// many goroutines as there are processors, at once.
func readBatches(data []byte, name string) []string {
	br, err := traffic.NewBatchReader(bytes.NewReader(data), name, runner.NewRedactor("demo-secret"))
	if err != nil {
		return []string{"open: " + err.Error()}
	}
	var out []string
	for {
		b, err := br.Next()
		if err == io.EOF {
			return append(out, "EOF")
		}
		if err != nil {
			return append(out, "final: "+err.Error())
		}
		exs := make([]*runner.Exchange, b.Len())
		errs := make([]error, b.Len())
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for w := range workers {
			wg.Go(func() {
				for i := w; i < b.Len(); i += workers {
					exs[i], errs[i] = b.Exchange(i)
				}
			})
		}
		wg.Wait()
		b.Release()
		for i := range exs {
			if done, line := readItem(exs[i], errs[i]); line != "" {
				out = append(out, line)
				if done {
					return out
				}
			}
		}
	}
}

// readItem renders one exchange or error; done says reading stops there.
func readItem(ex *runner.Exchange, err error) (done bool, line string) {
	var fe *traffic.FormatError
	switch {
	case err != nil && errors.As(err, &fe) && fe.Skipped:
		return false, "skipped: " + err.Error()
	case err != nil:
		return true, "final: " + err.Error()
	}
	js, jerr := json.Marshal(ex)
	if jerr != nil {
		return true, "marshal: " + jerr.Error()
	}
	return false, string(js)
}

// sameReading fails when the two readings of data differ.
func sameReading(t *testing.T, what string, data []byte, name string) bool {
	t.Helper()
	want, got := readSequential(data, name), readBatches(data, name)
	if slices.Equal(want, got) {
		return true
	}
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			at := 0
			for at < min(len(w), len(g)) && w[at] == g[at] {
				at++
			}
			from := max(0, at-200)
			t.Errorf("%s: item %d (of %d, %d) differs at byte %d:\nsequential: ...%.400s\nbatches:    ...%.400s", what, i, len(want), len(got), at, w[from:], g[from:])
			return false
		}
	}
	return false
}

// benchHAR returns a HAR file of n entries (benchHAREntries in turn).
func benchHAR(n int) []byte {
	var buf bytes.Buffer
	w := newBenchHARWriter()
	buf.WriteString(benchHARHead)
	for range n {
		buf.Write(w.entry())
	}
	buf.WriteString(benchHARTail)
	return buf.Bytes()
}

// harOf wraps entries (JSON objects, or anything) into a HAR file.
func harOf(entries ...string) []byte {
	return []byte(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[` + strings.Join(entries, ",\n") + "]}}\n")
}

// TestBatchReaderReadsAsSource: traffic.BatchReader, whose batches validate decodes in parallel,
// gives exactly what traffic.Open's Source gives (the same exchanges, the same errors with the
// same offsets), on well-formed recordings, on every quirk the fast decoder hands back to the
// sequential reader, and on broken files: cut at every few bytes, and damaged at random places.
func TestBatchReaderReadsAsSource(t *testing.T) {
	e := benchHAREntries[0]
	id := func(s string, n int) string { return strings.ReplaceAll(s, benchIDMark, fmt.Sprintf("%012d", n)) }
	e0, e1, e2 := id(e, 1), id(benchHAREntries[1], 2), id(benchHAREntries[2], 3)
	// with replaces the first old in entry 0 by new.
	with := func(old, new string) string {
		if !strings.Contains(e0, old) {
			t.Fatalf("%q is not in the entry", old)
		}
		return strings.Replace(e0, old, new, 1)
	}
	big := with(`"content":{"size":0,"mimeType":"x-unknown"}`, `"content":{"size":5000000,"mimeType":"text/plain","text":"`+strings.Repeat("abcdefghij", 500_000)+`"}`)
	deep := with(`"cache":{}`, `"cache":`+strings.Repeat("[", 10_001)+strings.Repeat("]", 10_001))
	nested := with(`"cache":{}`, `"cache":`+strings.Repeat(`{"a":[`, 2000)+strings.Repeat("]}", 2000))
	cases := map[string][]byte{
		"typical":   benchHAR(700),
		"one entry": benchHAR(1),
		"empty":     []byte(`{"log":{"entries":[]}}`),
		"key order": []byte(`{"x":[1,{"y":"}"}],"log":{"entries":[` + e0 + ",\n\t" + e1 + "\r\n," + e2 + ` ],"version":"1.2","pages":[{"id":"p"}]},"z":null}`),
		"escapes": harOf(e1, with(`"x-request-id","value":"c47bf112`, `"x-request-id","value":"\u00e9\ud83d\ude00\ud800x\/\"\\\n\t\b\f\r\u0041c47bf112`),
			with(`"origin","value":"https://console.example.com"`, "\"origin\",\"value\":\"caf\xc3\xa9 \xff\xfe bad utf-8\""),
			with(`"mimeType":"x-unknown"`, `"mimeType":"x-unknown","text":"{\"a\":\"b\\u0000\"}"`), e2),
		"case-folded keys": harOf(e1, with(`"request":{`, `"Request":{`), with(`"method":"DELETE"`, `"METHOD":"DELETE"`),
			with(`{"name":"accept","value"`, `{"Name":"accept","value"`), e2),
		"escaped key":     harOf(e1, with(`"request":{`, `"re\u0071uest":{`), e2),
		"non-ASCII keys":  harOf(e1, with(`"status":204`, "\"\u017ftatus\":204"), with(`"status":204`, `"\u017Ftatus":204`), with(`"method":"DELETE"`, `"\u212Aethod":"DELETE"`), with(`"cache":{}`, `"caché":{}`), e2),
		"repeated fields": harOf(e1, with(`"request":{`, `"request":{"url":"https://x.example/"},"request":{`), with(`"status":204`, `"status":200,"status":204`), e2),
		"numbers": harOf(e1, with(`"status":204`, `"status":204.0`), with(`"status":204`, `"status":2.04e2`), with(`"time":41.53200000524521`, `"time":1e400`),
			with(`"time":41.53200000524521`, `"time":-0.5E-3`), with(`"time":41.53200000524521`, `"time":"41"`), with(`"status":204`, `"status":"204"`), e2),
		"nulls": harOf(e1, with(`"time":41.53200000524521`, `"time":null`), with(`"response":{`, `"response":null,"x":{`),
			with(`"request":{`, `"request":null,"x":{`), with(`"headers":[{"name":":authority"`, `"headers":[null,{"name":":authority"`), with(`"headers":[{"name":"access-control-allow-origin"`, `"headers":null,"x":[{"name":"access-control-allow-origin"`),
			with(`"bodySize":0}`, `"bodySize":0,"postData":null}`), with(`"content":{"size":0,"mimeType":"x-unknown"}`, `"content":null`), e2),
		"wrong types": harOf(e1, with(`"headers":[{"name":":authority"`, `"headers":{"a":[{"name":":authority"`)+"}", with(`"request":{`, `"request":[],"x":{`),
			with(`"startedDateTime":"2026-11-30T09:12:01.123Z"`, `"startedDateTime":true`), with(`"_error":null`, `"_error":false`), e2),
		"bad entries": harOf(e1, `1`, e2, `"str"`, `null`, `[]`, `{}`, `{"request":{"method":"GET"}}`, `{"request":{"method":"GET","url":"http://x/%zz"}}`,
			`{"request":{"method":"GET","url":"http://x/"},"response":{"status":99}}`, `{"request":{"method":"GET","url":"http://x/"},"response":{"status":200,"content":{"text":"!!","encoding":"base64"}}}`, e0),
		"post data": harOf(e1, with(`"bodySize":0}`, `"bodySize":9,"postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"a b","value":"c&d"},null,{"name":"f","value":"x","fileName":"f.txt","contentType":"text/plain"}]}}`),
			with(`"bodySize":0}`, `"bodySize":9,"postData":{"mimeType":"multipart/form-data; boundary=XyZ","params":[{"name":"a","value":"1"},{"name":"f","value":"x","fileName":"f.txt","contentType":"text/plain"}]}}`),
			with(`"bodySize":0}`, `"bodySize":9,"postData":{"mimeType":"application/json","text":"eyJhIjoxfQ","encoding":"base64"}}`), e2),
		"large entry":        harOf(e1, big, e2, e0, big),
		"deep nesting":       harOf(e1, deep, e2),
		"nested skip":        harOf(e1, nested, e2),
		"bad JSON in entry":  harOf(e1, with(`"cache":{}`, `"cache":{]`), e2),
		"control char":       harOf(e1, with(`"priority"`, "\"prio\x01rity\""), e2),
		"bad escape":         harOf(e1, with(`"priority"`, `"prio\qrity"`), e2),
		"bad literal":        harOf(e1, with(`"cache":{}`, `"cache":nul`), e2),
		"bad number":         harOf(e1, with(`"cache":{}`, `"cache":01`), e2),
		"junk between":       []byte(`{"log":{"entries":[` + e0 + `, ` + e1 + ` x ` + e2 + `]}}`),
		"missing comma":      []byte(`{"log":{"entries":[` + e0 + `, ` + e1 + "\n" + e2 + `]}}`),
		"trailing comma":     []byte(`{"log":{"entries":[` + e0 + `, ` + e1 + `,]}}`),
		"data after the end": append(benchHAR(5), `{"more":1}`...),
		"two logs":           append(bytes.TrimSuffix(benchHAR(5), []byte("}\n")), `,"log":{"entries":[]}}`...),
		"two entries keys":   []byte(`{"log":{"entries":[` + e0 + `,` + e1 + `],"entries":[]}}`),
		"no end":             bytes.TrimSuffix(benchHAR(5), []byte(benchHARTail)),
		"bom":                append([]byte("\xef\xbb\xbf"), benchHAR(5)...),
	}
	for _, dir := range []string{"../../traffic/testdata", "../../../shared/har"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			if data, err := os.ReadFile(f); err == nil {
				cases[f] = data
			}
		}
	}
	for name, data := range cases {
		sameReading(t, name, data, "x.har")
	}

	// JSON Lines: the proxy's own recording, with the quirks JSONLReader reads past.
	jsonl := filepath.Join(t.TempDir(), "x.jsonl")
	writeBenchJSONL(t, jsonl, 600)
	lines, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(lines, []byte("\n"))
	for name, data := range map[string][]byte{
		"jsonl":        lines,
		"jsonl quirks": []byte("\xef\xbb\xbf" + string(first) + "\r\n\n   \t\r\n" + string(first) + "\nnot json\n[1]\n{\"request\":{}}\n" + string(first[:50]) + "\n {\"request\":{\"method\":\"GET\"},\"response\":{\"status\":\"x\"}}\n" + string(first)),
		"jsonl cut":    lines[:len(lines)-100],
	} {
		sameReading(t, name, data, "x.jsonl")
	}

	// Broken files: cut short every few bytes, and damaged at random places (seeded).
	base := benchHAR(6)
	step := 3
	if testing.Short() || raceDetector() {
		step = 29
	}
	for n := 0; n < len(base); n += step {
		if !sameReading(t, fmt.Sprintf("cut at %d", n), base[:n], "x.har") {
			break
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const damage = "{}[],:\"\\ 0an.-eE+1u\x80\xff\t\n\x01"
	damaged := 3000
	if testing.Short() || raceDetector() {
		damaged = 600
	}
	defer func() {
		t.Logf("%d damaged files compared", damaged)
	}()
	for k := range damaged {
		data := bytes.Clone(base)
		at := rng.IntN(len(data))
		what := ""
		switch k % 3 {
		case 0:
			data = append(data[:at], data[at+1:]...)
			what = "deleted"
		case 1:
			data[at] = damage[rng.IntN(len(damage))]
			what = "replaced"
		case 2:
			data = slices.Insert(data, at, damage[rng.IntN(len(damage))])
			what = "inserted"
		}
		if !sameReading(t, fmt.Sprintf("%s at %d (%q)", what, at, data[max(0, at-20):min(len(data), at+20)]), data, "x.har") {
			break
		}
	}
}

// raceDetector reports whether the test runs under the race detector, which makes every read
// ten times slower: the loops over damaged files then take fewer of them.
func raceDetector() bool {
	bi, _ := debug.ReadBuildInfo()
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// mixedHAR returns a HAR file of n entries that exercise everything a Session keeps of observed
// traffic: conformant exchanges, exchanges that break the contract in several ways at once,
// repeated request IDs, live drift, undocumented statuses, requests outside the specs (more
// distinct ones than a Session lists). With brokenAt >= 0, the entry at that index is broken
// JSON: reading stops there.
func mixedHAR(n, brokenAt int) []byte {
	ok204, ok404, ok200 := benchHAREntries[0], benchHAREntries[1], benchHAREntries[2]
	r := strings.NewReplacer
	variants := []string{
		ok204, ok404, ok200,
		// No X-Request-Id, no rate-limit headers: header-present, four times.
		r(`"x-ratelimit-`, `"x-limit-`, `"x-request-id"`, `"x-id"`).Replace(ok204),
		// The same X-Request-Id again and again: request-id-unique.
		strings.ReplaceAll(ok204, `c47bf112-0b41-5dd2-0000-`+benchIDMark, "c47bf112-0b41-5dd2-0000-repeated"),
		// A property the spec does not have in the Failure: drift.
		strings.Replace(ok404, `\"title\":\"Not Found\"`, `\"title\":\"Not Found\",\"hint\":\"retry\"`, 1),
		// An undocumented status with a body the spec does not describe.
		r(`"status":404`, `"status":503`, `resource_not_found`, `unavailable`).Replace(ok404),
		// Outside the specs, each on its own path.
		r(`"method":"DELETE","url":"https://api.confluent.cloud/org/v2/environments/env-nope"`, `"method":"GET","url":"https://api.confluent.cloud/nowhere/`+benchIDMark+`"`).Replace(ok404),
		// No credential: request-security.
		strings.Replace(ok200, `{"name":"authorization","value":"Bearer demo-token"},`, ``, 1),
	}
	var buf bytes.Buffer
	buf.WriteString(benchHARHead)
	for i := range n {
		if i > 0 {
			buf.WriteString(",\n")
		}
		e := strings.ReplaceAll(variants[(i+i/len(variants))%len(variants)], benchIDMark, fmt.Sprintf("%012d", i))
		if i == brokenAt {
			e = strings.Replace(e, `"cache":{}`, `"cache":{]`, 1)
		}
		buf.WriteString(e)
	}
	buf.WriteString(benchHARTail)
	return buf.Bytes()
}

// validateSequential is validateFile as it was, one exchange after the other: the reference.
func validateSequential(s *run.Session, path string) (int, error) {
	src, err := traffic.Open(path, nil)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	n := 0
	for {
		ex, err := src.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		s.Check(ex)
		n++
	}
}

// TestValidateParallelMatchesSequential: validateFile, which checks the exchanges of a recording
// on several goroutines, counts exactly what checking them one after the other counts: the
// exchanges checked, the error that stopped the reading, and per API the exchanges, failures,
// groups, violations by check, violations kept and dropped, examples kept, coverage, drift and
// requests outside the specs. Only which examples and violations are kept (the first ones to
// arrive), and so the examples of drift and the first request a repeated ID names, may differ.
// Run it with -race.
func TestValidateParallelMatchesSequential(t *testing.T) {
	n := 12_000
	if testing.Short() {
		n = 2000
	}
	for _, brokenAt := range []int{-1, n / 2} {
		t.Run(fmt.Sprintf("broken at %d", brokenAt), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mixed.har")
			if err := os.WriteFile(path, mixedHAR(n, brokenAt), 0o644); err != nil {
				t.Fatal(err)
			}
			seq, par := benchSession(t), benchSession(t)
			wantN, wantErr := validateSequential(seq, path)
			gotN, format, gotErr := validateFile(par, path)
			if gotN != wantN || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || format != traffic.FormatHAR {
				t.Fatalf("validateFile: %d exchanges, error %v (%s); one by one: %d, %v", gotN, gotErr, format, wantN, wantErr)
			}
			if brokenAt >= 0 && (wantErr == nil || wantN != brokenAt) {
				t.Fatalf("one by one: %d exchanges, error %v; want %d and the broken entry's error", wantN, wantErr, brokenAt)
			}
			want, got := seq.Result(nil), par.Result(nil)
			if got.Verdict != want.Verdict || got.ExitCode != want.ExitCode {
				t.Errorf("verdict %q (%d), one by one %q (%d)", got.Verdict, got.ExitCode, want.Verdict, want.ExitCode)
			}
			if w, g := comparableUnmatched(want.Unmatched), comparableUnmatched(got.Unmatched); !reflect.DeepEqual(w, g) {
				t.Errorf("outside the specs:\n got %+v\nwant %+v", g, w)
			}
			if want.Unmatched.Count == 0 || want.Unmatched.Dropped == 0 {
				t.Errorf("the recording should have requests outside the specs, more than are listed: %+v", want.Unmatched)
			}
			for i, w := range want.APIs {
				g := got.APIs[i]
				if w.Observed == nil || g.Observed == nil {
					t.Fatalf("%s: observed %v, one by one %v", w.API, g.Observed, w.Observed)
				}
				wo, gotObs := *w.Observed, *g.Observed
				if wo.Exchanges != gotObs.Exchanges || wo.Failed != gotObs.Failed || wo.ViolationsDropped != gotObs.ViolationsDropped ||
					len(wo.Violations) != len(gotObs.Violations) || len(wo.Examples) != len(gotObs.Examples) {
					t.Errorf("%s: %d exchanges, %d failed, %d violations kept and %d dropped, %d examples; one by one %d, %d, %d, %d, %d", w.API,
						gotObs.Exchanges, gotObs.Failed, len(gotObs.Violations), gotObs.ViolationsDropped, len(gotObs.Examples),
						wo.Exchanges, wo.Failed, len(wo.Violations), wo.ViolationsDropped, len(wo.Examples))
				}
				if !reflect.DeepEqual(wo.ByCheck, gotObs.ByCheck) {
					t.Errorf("%s: violations by check %v, one by one %v", w.API, gotObs.ByCheck, wo.ByCheck)
				}
				if !reflect.DeepEqual(wo.Groups, gotObs.Groups) {
					t.Errorf("%s: groups\n got %+v\nwant %+v", w.API, gotObs.Groups, wo.Groups)
				}
				if wo.ViolationsDropped == 0 {
					if wv, gv := violationKeys(wo.Violations), violationKeys(gotObs.Violations); !slices.Equal(wv, gv) {
						onlyGot, onlyWant := multisetDiff(gv, wv), multisetDiff(wv, gv)
						t.Errorf("%s: the violations kept differ (%d, one by one %d):\n only in parallel (the first 5): %q\n only one by one (the first 5): %q",
							w.API, len(gv), len(wv), onlyGot[:min(5, len(onlyGot))], onlyWant[:min(5, len(onlyWant))])
					}
				}
				if !reflect.DeepEqual(w.Coverage, g.Coverage) || w.Responses != g.Responses {
					t.Errorf("%s: coverage or responses differ: %d, one by one %d", w.API, g.Responses, w.Responses)
				}
				if wd, gd := comparableDrift(w.Drift), comparableDrift(g.Drift); !reflect.DeepEqual(wd, gd) {
					t.Errorf("%s: drift\n got %+v\nwant %+v", w.API, gd, wd)
				}
			}
			// The recording must exercise what is compared.
			conf := want.APIs[slices.IndexFunc(want.APIs, func(a run.APIResult) bool { return a.API == "confluent" })].Observed
			for _, check := range []string{"header-present", "request-id-unique", "status-documented"} {
				if conf.ByCheck[check] == 0 {
					t.Errorf("no %s violation in the recording: %v", check, conf.ByCheck)
				}
			}
			if brokenAt < 0 && !testing.Short() && conf.ViolationsDropped == 0 {
				t.Errorf("the recording should have more violations than a Session keeps: %d", len(conf.Violations))
			}
			if len(want.APIs[0].Drift.Observations)+len(want.APIs[1].Drift.Observations) == 0 {
				t.Error("the recording should show live drift")
			}
		})
	}
}

// comparableUnmatched is what must match of the requests outside the specs: the counts, and
// the requests listed when all are (which ones are listed first depends on the order).
func comparableUnmatched(u run.Unmatched) run.Unmatched {
	if u.Dropped > 0 {
		u.Requests = nil
		return u
	}
	u.Requests = slices.Clone(u.Requests)
	slices.SortFunc(u.Requests, func(a, b run.UnmatchedRequest) int { return strings.Compare(a.Request, b.Request) })
	return u
}

// violationKeys are the violations kept, by check, request and status, sorted.
// multisetDiff returns the items of a that b does not have (as many times as a has more).
func multisetDiff(a, b []string) []string {
	left := map[string]int{}
	for _, x := range b {
		left[x]++
	}
	var out []string
	for _, x := range a {
		if left[x] > 0 {
			left[x]--
		} else {
			out = append(out, x)
		}
	}
	return out
}

// violationKeys renders violations for comparing the parallel reading with the sequential one.
// A repeated request ID is reported on whichever of its exchanges is checked second, which in
// parallel need not be the second in the file (docs/performance.md): its path is left out.
func violationKeys(vs []runner.Violation) []string {
	var out []string
	for _, v := range vs {
		path := v.Path
		if v.Check == "request-id-unique" {
			path = "(any exchange with the repeated ID)"
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %d %s", v.Check, v.Severity, v.Method, path, v.Status, v.Header))
	}
	slices.Sort(out)
	return out
}

// comparableDrift leaves out the example of each drift observation (the first to arrive).
func comparableDrift(d run.Drift) []run.DriftObservation {
	out := slices.Clone(d.Observations)
	for i := range out {
		out[i].ExampleRequestID, out[i].ExampleScenario = "", ""
	}
	return out
}
