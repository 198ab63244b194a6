package traffic

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/runner"
)

// checkFormatError fails unless err is a *FormatError that names the file, an offset within
// the data and a message.
func checkFormatError(t *testing.T, err error, name string, size int) *FormatError {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is neither io.EOF nor a *FormatError", err, err)
	}
	if fe.File != name || fe.Offset < 0 || fe.Offset > int64(size) || fe.Msg == "" || !strings.HasPrefix(fe.Error(), name+": ") {
		t.Fatalf("FormatError %+v (data of %d bytes)", fe, size)
	}
	return fe
}

// FuzzHARReader reads arbitrary bytes as a HAR file, and as a recording of either format: Next
// never panics and always stops, every error is io.EOF or a *FormatError within the data,
// a final error is returned again, and every observation has a method and a URL and becomes
// an Exchange that renders to JSON.
func FuzzHARReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.har")
	for _, path := range files {
		if data, err := os.ReadFile(path); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "{", "\xef\xbb\xbf{}", `{"log":{"entries":[{}]}}`, `{"log":{"entries":[2,null,[],{"request":{}}]}}`,
		`{"log":{"entries":[{"request":{"method":"GET","url":"http://[::1"},"response":{"status":200}}]}}`,
		`{"log":{"entries":[{"request":{"method":"GET","url":"/x","postData":{"mimeType":"multipart/form-data; boundary=\"\"","params":[{"name":"a"}]}},"response":{"status":1e400}}]}}`,
		`{"x":[{"log":{}}],"log":{"pages":[],"entries":[]},"y":"z"} `, `{"log":{"entries":[]}}{"log":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewHARReader(bytes.NewReader(data), "fuzz.har")
		for calls := 0; ; calls++ {
			if calls > len(data)+2 {
				t.Fatalf("Next returned %d times on %d bytes", calls, len(data))
			}
			obs, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				fe := checkFormatError(t, err, "fuzz.har", len(data))
				if fe.Skipped {
					continue
				}
				if _, again := r.Next(); again != err {
					t.Fatalf("after the final error %v, Next returned %v", err, again)
				}
				break
			}
			if obs.Method == "" || obs.URL == nil || obs.Status != 0 && (obs.Status < 100 || obs.Status > 999) || obs.Status == 0 && obs.NoResponse == "" || obs.Duration < 0 {
				t.Fatalf("observation %+v", obs)
			}
			if _, err := json.Marshal(runner.Record(obs, nil)); err != nil {
				t.Fatal(err)
			}
		}
		src, err := NewSource(bytes.NewReader(data), "fuzz.rec", nil)
		if err != nil {
			checkFormatError(t, err, "fuzz.rec", len(data))
			return
		}
		drain(t, src, "fuzz.rec", len(data))
	})
}

// drain reads a Source to its end or a final error, within a bound of calls.
func drain(t *testing.T, src Source, name string, size int) {
	t.Helper()
	for calls := 0; ; calls++ {
		if calls > size+2 {
			t.Fatalf("Next returned %d times on %d bytes", calls, size)
		}
		ex, err := src.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if fe := checkFormatError(t, err, name, size); !fe.Skipped {
				return
			}
			continue
		}
		if ex == nil || ex.Request.Method == "" {
			t.Fatalf("exchange %+v", ex)
		}
	}
}

// FuzzJSONLReader reads arbitrary bytes as JSON Lines: Next never panics and always stops,
// every error is io.EOF or a *FormatError naming a line within the data, and every exchange
// read is written back by the JSONLWriter as a line that reads back to the same JSON form.
func FuzzJSONLReader(f *testing.F) {
	var buf bytes.Buffer
	w := NewJSONLWriter(&buf)
	for _, ex := range sampleExchanges() {
		if err := w.Write(ex); err != nil {
			f.Fatal(err)
		}
	}
	f.Add(buf.Bytes())
	for _, s := range []string{
		"", "\n\n", "\xef\xbb\xbf{\"request\":{\"method\":\"GET\"}}\r\n", `{"request":{"method":"GET"}`, "null\n[]\n{}\n",
		`{"request":{"method":"GET","body":"base64:AAEC/w=="},"response":{"status":200,"header":{"A":["1","2"]},"truncated":true,"cap":3},"transport_error":{"kind":"other"}}`,
		`{"request":{"method":"GET"},"started":"not a time","duration_ns":1e99}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewJSONLReader(bytes.NewReader(data), "fuzz.jsonl")
		lines := bytes.Count(data, []byte("\n")) + 1
		for calls := 0; ; calls++ {
			if calls > lines {
				t.Fatalf("Next returned %d times on %d lines", calls, lines)
			}
			ex, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				fe := checkFormatError(t, err, "fuzz.jsonl", len(data))
				if !fe.Skipped || fe.Line < 1 || fe.Line > lines {
					t.Fatalf("FormatError %+v on %d lines", fe, lines)
				}
				continue
			}
			if ex.Request.Method == "" {
				t.Fatalf("exchange %+v", ex)
			}
			var out bytes.Buffer
			if err := NewJSONLWriter(&out).Write(ex); err != nil {
				t.Fatal(err)
			}
			again, err := NewJSONLReader(&out, "again.jsonl").Next()
			if err != nil {
				t.Fatalf("the line written back does not read: %v\n%s", err, out.Bytes())
			}
			first, _ := json.Marshal(ex)
			second, _ := json.Marshal(again)
			if !bytes.Equal(first, second) && !ambiguousBody(ex) {
				t.Fatalf("written back and read again\n%s\nbecame\n%s", first, second)
			}
		}
	})
}

// ambiguousBody reports whether a body of ex is text that starts with "base64:": runner.Body
// writes such text as it is and reads it back decoded, so it does not survive a round trip.
func ambiguousBody(ex *runner.Exchange) bool {
	if bytes.HasPrefix(ex.Request.Body, []byte("base64:")) {
		return true
	}
	return ex.Response != nil && bytes.HasPrefix(ex.Response.Body, []byte("base64:"))
}
