package traffic

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/runner"
)

// sampleExchanges are exchanges as the client and the proxy record them: a JSON body, a binary
// body, a body cut at the cap with a read error, a transport error, repeated headers.
func sampleExchanges() []*runner.Exchange {
	started := time.Date(2024, 5, 2, 10, 0, 0, 123456789, time.UTC)
	return []*runner.Exchange{
		{
			OperationID: "deleteOrgV2Environment",
			Request: runner.RecordedRequest{Method: "DELETE", URL: "https://api.example.com/org/v2/environments/env-1", Path: "/org/v2/environments/env-1",
				Header: http.Header{"Authorization": {"Basic [REDACTED]"}, "Accept": {"application/json", "*/*"}}},
			Response: &runner.RecordedResponse{Status: 204, Proto: "HTTP/1.1", Header: http.Header{"X-Request-Id": {"r-1"}, "Set-Cookie": {"[REDACTED]", "[REDACTED]"}}},
			Started:  started, Duration: 41532 * time.Microsecond,
		},
		{
			Request: runner.RecordedRequest{Method: "PUT", URL: "https://api.example.com/logo", Path: "/logo", Body: runner.Body{0x89, 'P', 'N', 'G', 0, 0xff, 0xfe, '\n'}},
			Response: &runner.RecordedResponse{Status: 200, Proto: "HTTP/2.0", Header: http.Header{"Content-Type": {"image/png"}},
				Body: runner.Body{0x1f, 0x8b, 0x08, 0x00, 0xff}},
			Started: started.Add(time.Second),
		},
		{
			Request: runner.RecordedRequest{Method: "GET", URL: "https://api.example.com/big", Path: "/big"},
			Response: &runner.RecordedResponse{Status: 200, Proto: "HTTP/1.1", Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
				Body: runner.Body(`{"items":["<a&b>","é`), Truncated: true, Cap: 20, ReadErr: "connection-reset: read: connection reset by peer"},
			Started: started.Add(2 * time.Second), Duration: time.Second,
		},
		{
			OperationID: "listOrgV2Environments",
			Request:     runner.RecordedRequest{Method: "GET", URL: "http://127.0.0.1:1/org/v2/environments", Path: "/org/v2/environments", Header: http.Header{}},
			Err:         &runner.TransportError{Kind: runner.TransportRefused, Message: "dial tcp 127.0.0.1:1: connect: connection refused"},
			Started:     started.Add(3 * time.Second), Duration: 300 * time.Microsecond,
		},
	}
}

// TestJSONLRoundTrip: what the writer writes, the reader reads back equal, one exchange a line,
// each line exactly the exchange's JSON form.
func TestJSONLRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewJSONLWriter(&buf)
	want := sampleExchanges()
	for _, ex := range want {
		if err := w.Write(ex); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d exchanges:\n%s", len(lines), len(want), buf.String())
	}
	for i, ex := range want {
		form, _ := json.Marshal(ex)
		if lines[i] != string(form) {
			t.Errorf("line %d\n got %s\nwant %s", i+1, lines[i], form)
		}
	}
	r := NewJSONLReader(&buf, "rec.jsonl")
	for i := range want {
		got, err := r.Next()
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if !reflect.DeepEqual(normalize(got), normalize(want[i])) {
			t.Errorf("line %d read back as\n%+v\nwant\n%+v", i+1, got, want[i])
		}
	}
	for range 2 {
		if ex, err := r.Next(); err != io.EOF {
			t.Fatalf("after the last line: %v, %v", ex, err)
		}
	}
}

// normalize makes an exchange comparable after a round trip: times compare by instant, and an
// empty header or body is nil (the JSON form omits them).
func normalize(ex *runner.Exchange) *runner.Exchange {
	cp := *ex
	cp.Started = cp.Started.UTC()
	if len(cp.Request.Header) == 0 {
		cp.Request.Header = nil
	}
	return &cp
}

// TestJSONLWriterConcurrent: lines written at once from many goroutines are never interleaved.
func TestJSONLWriterConcurrent(t *testing.T) {
	var buf bytes.Buffer
	w := NewJSONLWriter(&slowWriter{w: &buf})
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range each {
				ex := sampleExchanges()[i%4]
				ex.OperationID = "w" + strconv.Itoa(g) + "-" + strconv.Itoa(i)
				ex.Request.Body = bytes.Repeat([]byte{byte('a' + g)}, 5000)
				if err := w.Write(ex); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	r := NewJSONLReader(&buf, "rec.jsonl")
	seen := map[string]bool{}
	for {
		ex, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if seen[ex.OperationID] || len(bytes.Trim(ex.Request.Body, string(ex.Request.Body[:1]))) != 0 {
			t.Errorf("line of %s mixed with another", ex.OperationID)
		}
		seen[ex.OperationID] = true
	}
	if len(seen) != writers*each {
		t.Errorf("read %d exchanges of %d", len(seen), writers*each)
	}
}

// slowWriter writes in small pieces, yielding between them, as a pipe or a socket may.
type slowWriter struct{ w io.Writer }

func (s *slowWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), 512)
		m, err := s.w.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		p = p[k:]
		time.Sleep(0)
	}
	return n, nil
}

// TestJSONLWriterRefuses: nothing is written for a nil exchange or one too long for a line.
func TestJSONLWriterRefuses(t *testing.T) {
	if raceEnabled {
		t.Skip("64 MiB through the race detector is slow; the bound is the same")
	}
	var buf bytes.Buffer
	w := NewJSONLWriter(&buf)
	if err := w.Write(nil); err == nil {
		t.Error("a nil exchange written")
	}
	big := &runner.Exchange{Request: runner.RecordedRequest{Method: "GET", Body: bytes.Repeat([]byte("a"), MaxLineBytes)}}
	if err := w.Write(big); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("a line longer than MaxLineBytes: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes", buf.Len())
	}
}

// TestJSONLReaderLines: blank lines, CRLF, a BOM and a last line without LF are read; a bad
// line gives a FormatError naming the file, the line and its offset, and the lines after it
// are read.
func TestJSONLReaderLines(t *testing.T) {
	ex := func(method string) string {
		return `{"operation_id":"","request":{"method":"` + method + `","url":"https://a/x","path":"/x"},"started":"2024-05-02T10:00:00Z","duration_ns":5}`
	}
	lines := []string{
		"\xef\xbb\xbf" + ex("GET") + "\r", // 1
		"",                                // 2
		"   \t",                           // 3
		ex("PUT"),                         // 4
		`{"request":{"method":"GET"`,      // 5: cut short
		`not json`,                        // 6
		`[1,2]`,                           // 7
		`{"request":{"method":"GET"}} x`,  // 8
		`{"request":{"method":7}}`,        // 9
		`{"response":{"status":204}}`,     // 10: no request
		`null`,                            // 11
		`{"request":{"method":"GET","body":"base64:%%%"}}`, // 12
		"  " + ex("POST"), // 13, without LF
	}
	data := strings.Join(lines, "\n")
	lineStart := func(n int) int64 { return int64(len(strings.Join(lines[:n-1], "\n")) + 1) }
	want := []struct {
		line   int
		offset int64
		msg    string
	}{
		{5, lineStart(5) + int64(len(lines[4])), "the line ends before its JSON object does (cut short?)"},
		{6, lineStart(6), "not an exchange: the line does not hold a JSON object"},
		{7, lineStart(7), "not an exchange: the line does not hold a JSON object"},
		{8, lineStart(8) + 29, "not valid JSON: invalid character 'x' after top-level value"},
		{9, lineStart(9) + 22, "not an exchange: request.method is a number, not a string"},
		{10, lineStart(10), "not an exchange: request.method is missing"},
		{11, lineStart(11), "not an exchange: the line does not hold a JSON object"},
		{12, lineStart(12), "not an exchange: illegal base64 data at input byte 0"},
	}
	r := NewJSONLReader(strings.NewReader(data), "rec.jsonl")
	var methods []string
	var errs []*FormatError
	for calls := 0; calls < 100; calls++ {
		got, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fe := formatError(t, err)
			if !fe.Skipped {
				t.Fatalf("final error %v", err)
			}
			errs = append(errs, fe)
			continue
		}
		methods = append(methods, got.Request.Method)
	}
	if !reflect.DeepEqual(methods, []string{"GET", "PUT", "POST"}) {
		t.Errorf("read %q", methods)
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, w := range want {
		fe := errs[i]
		full := "rec.jsonl: line " + strconv.Itoa(w.line) + " (byte " + strconv.FormatInt(w.offset, 10) + "): " + w.msg
		if fe.Line != w.line || fe.Offset != w.offset || fe.Msg != w.msg || fe.Error() != full || fe.Entry != -1 {
			t.Errorf("line %d: error %q (line %d, offset %d)\nwant %q", w.line, fe.Error(), fe.Line, fe.Offset, full)
		}
	}
}

// TestJSONLLongLine: a line longer than MaxLineBytes is an error, read past without being held,
// and the line after it is read.
func TestJSONLLongLine(t *testing.T) {
	n := MaxLineBytes + 10
	if raceEnabled {
		t.Skip("64 MiB through the race detector is slow; the bound is the same")
	}
	long := io.MultiReader(strings.NewReader(`{"request":{"method":"GET","body":"`), &repeatReader{b: 'a', n: n}, strings.NewReader("\"}}\n"+`{"request":{"method":"PUT"}}`+"\n"))
	r := NewJSONLReader(long, "rec.jsonl")
	_, err := r.Next()
	if fe := formatError(t, err); fe.Line != 1 || fe.Offset != 0 || !fe.Skipped || !strings.Contains(fe.Msg, "longer than") {
		t.Errorf("long line: %v", err)
	}
	if ex, err := r.Next(); err != nil || ex.Request.Method != "PUT" {
		t.Errorf("the line after the long one: %v, %v", ex, err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("at the end: %v", err)
	}
}

// repeatReader reads n times the byte b.
type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

// TestJSONLReaderIOError: an error of the underlying reader comes back as it is, and again.
func TestJSONLReaderIOError(t *testing.T) {
	r := NewJSONLReader(io.MultiReader(strings.NewReader(`{"request":{"method":"GET"}}`+"\n"+`{"req`), errReader{}), "rec.jsonl")
	if ex, err := r.Next(); err != nil || ex.Request.Method != "GET" {
		t.Fatalf("first line: %v %v", ex, err)
	}
	for range 2 {
		if _, err := r.Next(); !errors.Is(err, errDisk) {
			t.Errorf("error %v, want %v", err, errDisk)
		}
	}
}
