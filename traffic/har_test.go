package traffic

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHARFixtures reads each fixture of testdata, one per quirk of real exports, and checks the
// observations field by field.
func TestHARFixtures(t *testing.T) {
	t.Run("bom, pseudo-headers, repeats, vendor fields", func(t *testing.T) {
		got := readHARFile(t, "testdata/bom.har")
		if got.err != nil || len(got.skipped) > 0 || len(got.obs) != 1 {
			t.Fatalf("read %d entries, skipped %v, error %v", len(got.obs), got.skipped, got.err)
		}
		o := got.obs[0]
		if o.Method != "POST" || o.URL.String() != "https://api.example.com/org/v2/environments" {
			t.Errorf("request %s %s", o.Method, o.URL)
		}
		for _, h := range []http.Header{o.RequestHeader, o.ResponseHeader} {
			for k := range h {
				if strings.HasPrefix(k, ":") {
					t.Errorf("pseudo-header %q kept", k)
				}
			}
		}
		if got := o.RequestHeader.Values("Accept"); !reflect.DeepEqual(got, []string{"application/json", "*/*"}) {
			t.Errorf("repeated Accept read as %q", got)
		}
		if o.RequestHeader.Get("Content-Type") != "application/json" || string(o.RequestBody) != `{"display_name":"prod"}` {
			t.Errorf("request header %v body %q", o.RequestHeader, o.RequestBody)
		}
		if o.Status != 201 || o.Proto != "http/2.0" || o.ResponseHeader.Get("X-Request-Id") != "req-1" || string(o.ResponseBody) != `{"id":"env-1","v":"é"}` {
			t.Errorf("response %d %q %v %q", o.Status, o.Proto, o.ResponseHeader, o.ResponseBody)
		}
		if want := time.Date(2024, 5, 2, 10, 0, 0, 250e6, time.UTC); !o.Started.Equal(want) || o.Duration != 12500*time.Microsecond {
			t.Errorf("started %v, duration %v", o.Started, o.Duration)
		}
		if o.NoResponse != "" {
			t.Errorf("NoResponse %q", o.NoResponse)
		}
	})

	t.Run("keys in any order", func(t *testing.T) {
		got := readHARFile(t, "testdata/keyorder.har")
		if got.err != nil || len(got.skipped) > 0 || len(got.obs) != 2 {
			t.Fatalf("read %d entries, skipped %v, error %v", len(got.obs), got.skipped, got.err)
		}
		del, get := got.obs[0], got.obs[1]
		if del.Method != "DELETE" || del.Status != 204 || del.ResponseBody != nil || del.ResponseHeader.Get("X-Request-Id") != "req-2" {
			t.Errorf("first entry %+v", del)
		}
		if want := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC); !del.Started.Equal(want) || del.Duration != 3*time.Millisecond {
			t.Errorf("started %v, duration %v", del.Started, del.Duration)
		}
		if get.Method != "GET" || get.Status != 404 || !strings.Contains(string(get.ResponseBody), "resource_not_found") || get.Duration != 1250*time.Microsecond {
			t.Errorf("second entry %+v", get)
		}
	})

	t.Run("bodies", func(t *testing.T) {
		got := readHARFile(t, "testdata/bodies.har")
		if got.err != nil || len(got.skipped) > 0 || len(got.obs) != 5 {
			t.Fatalf("read %d entries, skipped %v, error %v", len(got.obs), got.skipped, got.err)
		}
		if png := got.obs[0].ResponseBody; !bytes.Equal(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("base64 body decoded as %q", png)
		}
		gz := got.obs[1]
		if string(gz.ResponseBody) != `{"data":[]}` {
			t.Errorf("a body recorded decoded under Content-Encoding: gzip read as %q", gz.ResponseBody)
		}
		if gz.ResponseHeader.Get("Content-Encoding") != "gzip" || gz.ResponseHeader.Get("Content-Length") != "31" {
			t.Errorf("headers of the gzip entry changed: %v", gz.ResponseHeader)
		}
		if cookies := gz.ResponseHeader.Values("Set-Cookie"); !reflect.DeepEqual(cookies, []string{"a=1", "b=2"}) {
			t.Errorf("repeated Set-Cookie read as %q", cookies)
		}
		if form := string(got.obs[2].RequestBody); form != "user=ann+b&next=%2Fa%26b" {
			t.Errorf("params rendered as %q", form)
		}
		upload := got.obs[3]
		_, params, _ := mime.ParseMediaType(upload.RequestHeader.Get("Content-Type"))
		mr := multipart.NewReader(bytes.NewReader(upload.RequestBody), params["boundary"])
		var parts []string
		for {
			p, err := mr.NextPart()
			if err != nil {
				if err != io.EOF {
					t.Errorf("multipart body %q: %v", upload.RequestBody, err)
				}
				break
			}
			v, _ := io.ReadAll(p)
			parts = append(parts, p.FormName()+"|"+p.FileName()+"|"+p.Header.Get("Content-Type")+"|"+string(v))
		}
		if want := []string{"kind|||doc", "file|a.txt|text/plain|hello"}; !reflect.DeepEqual(parts, want) {
			t.Errorf("multipart parts %q, want %q", parts, want)
		}
		if upload.Status != 204 || upload.ResponseBody != nil {
			t.Errorf("an empty content.text is no body: %q", upload.ResponseBody)
		}
		head := got.obs[4]
		if head.Method != "HEAD" || head.ResponseBody != nil || head.ResponseHeader.Get("Content-Length") != "1234" {
			t.Errorf("HEAD %+v", head)
		}
	})

	t.Run("no response", func(t *testing.T) {
		got := readHARFile(t, "testdata/noresponse.har")
		if got.err != nil || len(got.skipped) > 0 || len(got.obs) != 2 {
			t.Fatalf("read %d entries, skipped %v, error %v", len(got.obs), got.skipped, got.err)
		}
		for _, o := range got.obs {
			if o.Status != 0 || o.ResponseHeader != nil || o.ResponseBody != nil || o.NoResponse == "" {
				t.Errorf("%s: status %d, NoResponse %q", o.URL, o.Status, o.NoResponse)
			}
		}
		if !strings.Contains(got.obs[0].NoResponse, "net::ERR_ABORTED") {
			t.Errorf("NoResponse %q does not give response._error", got.obs[0].NoResponse)
		}
		if got.obs[1].RequestBody != nil {
			t.Errorf("an empty postData read as %q", got.obs[1].RequestBody)
		}
	})

	t.Run("websocket", func(t *testing.T) {
		got := readHARFile(t, "testdata/websocket.har")
		if got.err != nil || len(got.skipped) > 0 || len(got.obs) != 1 {
			t.Fatalf("read %d entries, skipped %v, error %v", len(got.obs), got.skipped, got.err)
		}
		o := got.obs[0]
		if o.Status != 101 || o.ResponseBody != nil || o.ResponseHeader.Get("Sec-WebSocket-Accept") == "" || o.RequestHeader.Get("Upgrade") != "websocket" {
			t.Errorf("websocket entry %+v", o)
		}
	})
}

// TestHARBadEntriesAreSkipped: an entry that is well-formed JSON but cannot be used gives an
// error naming it, with Skipped set, and the entries after it are read.
func TestHARBadEntriesAreSkipped(t *testing.T) {
	data, err := os.ReadFile("testdata/badentries.har")
	if err != nil {
		t.Fatal(err)
	}
	got := readHAR(t, bytes.NewReader(data), "bad.har")
	if got.err != nil {
		t.Fatal(got.err)
	}
	if len(got.obs) != 2 || got.obs[0].URL.Path != "/ok-1" || got.obs[1].URL.Path != "/ok-4" {
		t.Errorf("read %d entries: %+v", len(got.obs), got.obs)
	}
	want := []struct {
		entry  int
		msg    string
		offset int64
	}{
		{1, "bad.har: byte %d: entry 1 (log.entries[1]): request.url is not a valid URL: missing ']' in host", entryOffset(data, 1)},
		{2, "bad.har: byte %d: entry 2 (log.entries[2]): response.content.text is not valid base64: illegal base64 data at input byte 0", entryOffset(data, 2)},
		{3, "bad.har: byte %d: entry 3 (log.entries[3]): response.status is a string, not a number", int64(bytes.Index(data, []byte(`"200"`)) + len(`"200"`))},
	}
	if len(got.skipped) != len(want) {
		t.Fatalf("skipped %v", got.skipped)
	}
	for i, w := range want {
		fe := got.skipped[i]
		if msg := strings.Replace(w.msg, "%d", strconv.FormatInt(w.offset, 10), 1); fe.Entry != w.entry || fe.Error() != msg || fe.Offset != w.offset || fe.Line != 0 {
			t.Errorf("skipped entry error\n got %q (entry %d, offset %d)\nwant %q", fe.Error(), fe.Entry, fe.Offset, msg)
		}
	}
}

// entryOffset returns the offset of the n-th (0-based) entry of a fixture whose entries each
// begin with {"request".
func entryOffset(data []byte, n int) int64 {
	off := 0
	for i := 0; i <= n; i++ {
		j := bytes.Index(data[off:], []byte(`{"request"`))
		if i == n {
			return int64(off + j)
		}
		off += j + 1
	}
	return -1
}

// TestHARFormatErrors: a file that is not JSON, is cut short or is not a HAR gives a final
// *FormatError naming the file, the offset and what is wrong, after every entry before it.
func TestHARFormatErrors(t *testing.T) {
	const ok = `{"request": {"method": "GET", "url": "https://api.example.com/a", "headers": []}, "response": {"status": 204, "httpVersion": "HTTP/1.1", "headers": [], "content": {}}}`
	for _, tt := range []struct {
		name    string
		data    string
		entries int
		offset  int64 // -1: the length of data
		msg     string
	}{
		{"empty", "", 0, 0, "the file is empty: not a HAR file"},
		{"spaces", " \n\t", 0, 3, "the file is empty: not a HAR file"},
		{"not JSON", "id,method,url\n", 0, 0, "not valid JSON before log.entries: invalid character 'i' looking for beginning of value"},
		{"a list", `[{"log": {}}]`, 0, 0, "not a HAR file: it holds a list, not an object with log.entries"},
		{"a string", `"log"`, 0, 0, "not a HAR file: it holds a string, not an object with log.entries"},
		{"BOM then a list", "\xef\xbb\xbf[]", 0, 3, "not a HAR file: it holds a list, not an object with log.entries"},
		{"no log", `{"version": "1.2", "entries": []}`, 0, -1, "not a HAR file: the top-level object has no log"},
		{"log a list", "{\"log\":\n[\n    2,1,3\n]\n\"request:\"}", 0, 8, "not a HAR file: log is a list, not an object"},
		{"log null", `{"log": null}`, 0, 8, "not a HAR file: log is null, not an object"},
		{"no entries", `{"log": {"version": "1.2", "creator": {"name": "x"}}}`, 0, -1, "not a HAR file: log has no entries"},
		{"entries an object", `{"log": {"entries": {}}}`, 0, 20, "not a HAR file: log.entries is an object, not a list"},
		{"two logs", `{"log": {"entries": []}, "log": {"entries": []}}`, 0, 25, "not a HAR file: the top-level object has two log keys"},
		{"two entries", `{"log": {"entries": [` + ok + `], "entries": []}}`, 1, int64(len(`{"log": {"entries": [` + ok + `], `)), "not a HAR file: log has two entries keys"},
		{"data after", `{"log": {"entries": []}} {"log": {}}`, 0, 25, "data after the end of the HAR object"},
		{"garbage after", `{"log": {"entries": [` + ok + `]}}` + "\n#", 1, -1 - 1, "data after the end of the HAR object"},
		{"a string cut after", `{"log": {"entries": []}}` + "\n\"abc", 0, -1 - 4, "data after the end of the HAR object"},
		{"cut in an entry", `{"log": {"entries": [` + ok + ", " + ok[:40], 1, -1,
			"unexpected end of the file in entry 1 (log.entries[1]; the entry before it was read) (the file is cut short)"},
		{"cut in the first entry", `{"log": {"entries": [` + ok[:40], 0, -1,
			"unexpected end of the file in entry 0 (log.entries[0]; no entry before it) (the file is cut short)"},
		{"cut after a comma", `{"log": {"entries": [` + ok + ", " + ok + ",\n", 2, -1,
			"unexpected end of the file in entry 2 (log.entries[2]; the 2 entries before it were read) (the file is cut short)"},
		{"cut after the entries", `{"log": {"entries": [` + ok + `], "version": "1.2"`, 1, -1,
			"unexpected end of the file after log.entries (its one entry was read) (the file is cut short)"},
		{"cut before the entries", `{"log": {"version": "1.2", "creator": {"name": "x"`, 0, -1,
			"unexpected end of the file before log.entries (the file is cut short)"},
		{"cut in a key", `{"log": {"entries": [` + ok + `], "vers`, 1, -1,
			"unexpected end of the file after log.entries (its one entry was read) (the file is cut short)"},
		{"missing comma between entries", `{"log": {"entries": [` + ok + " " + ok + `]}}`, 1, int64(len(`{"log": {"entries": [` + ok + " ")),
			"not valid JSON in entry 1 (log.entries[1]; the entry before it was read): expected comma after array element"},
		{"syntax error in an entry", `{"log": {"entries": [` + ok + ",\n  " + strings.Replace(ok, `"status": 204`, `"status": 204 x`, 1) + `]}}`, 1,
			int64(len(`{"log": {"entries": [`+ok+",\n  ") + strings.Index(ok, `"status": 204`) + len(`"status": 204 `)),
			"not valid JSON in entry 1 (log.entries[1]; the entry before it was read): invalid character 'x' after object key:value pair"},
		{"syntax error in a skipped value", `{"log": {"pages": [{"id": tru}], "entries": []}}`, 0, 29,
			"not valid JSON before log.entries: invalid character '}' in literal true (expecting 'e')"},
		{"unquoted key", `{"log": {entries: []}}`, 0, 9,
			"not valid JSON before log.entries: invalid character 'e'"}, // sic: encoding/json says no more
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := readHAR(t, strings.NewReader(tt.data), "capture.har")
			if len(got.obs) != tt.entries || len(got.skipped) != 0 {
				t.Errorf("read %d entries (skipped %v) before the error, want %d", len(got.obs), got.skipped, tt.entries)
			}
			if got.err == nil {
				t.Fatal("no error")
			}
			fe := formatError(t, got.err)
			offset := tt.offset
			if offset < 0 {
				offset += int64(len(tt.data)) + 1
			}
			if fe.File != "capture.har" || fe.Offset != offset || fe.Msg != tt.msg || fe.Skipped {
				t.Errorf("error %q (offset %d, skipped %v)\nwant offset %d, message %q", fe.Error(), fe.Offset, fe.Skipped, offset, tt.msg)
			}
			if want := "capture.har: byte " + strconv.FormatInt(offset, 10) + ": " + tt.msg; fe.Error() != want {
				t.Errorf("Error() = %q, want %q", fe.Error(), want)
			}
		})
	}
}

// TestHARLenientFields: values real exports write that HAR 1.2 does not quite say.
func TestHARLenientFields(t *testing.T) {
	entry := func(response string) string {
		return `{"log": {"entries": [{"startedDateTime": "2024-05-02T12:00:00.5+0200", "time": -1, "request": {"method": "GET", "url": "https://api.example.com/a", "headers": null, "postData": {"text": "aGk", "encoding": "base64"}}, "response": ` + response + `}]}}`
	}
	got := readHAR(t, strings.NewReader(entry(`{"status": 200.0, "headers": [{"name": "", "value": "x"}, {"name": "X-A", "value": null}], "content": {"text": "aGVs\nbG8=", "encoding": "base64"}}`)), "x.har")
	if got.err != nil || len(got.skipped) != 0 || len(got.obs) != 1 {
		t.Fatalf("read %d entries, skipped %v, error %v", len(got.obs), got.skipped, got.err)
	}
	o := got.obs[0]
	if o.Status != 200 || string(o.ResponseBody) != "hello" || string(o.RequestBody) != "hi" || o.Duration != 0 || len(o.ResponseHeader) != 1 || o.ResponseHeader.Get("X-A") != "" {
		t.Errorf("observation %+v", o)
	}
	if want := time.Date(2024, 5, 2, 10, 0, 0, 5e8, time.UTC); !o.Started.Equal(want) {
		t.Errorf("started %v", o.Started)
	}
	for _, tt := range []struct{ response, msg string }{
		{`{"status": 99}`, "response.status 99 is not an HTTP status"},
		{`{"status": 200.5}`, "response.status 200.5 is not an HTTP status"},
		{`{"status": 200, "content": {"text": "x", "encoding": "gzip"}}`, `response.content.encoding "gzip" is not supported (only base64 is)`},
		{`{"status": 200, "headers": {"a": "b"}}`, "response.headers is an object, not a list"},
		{`{"status": 200, "headers": [{"name": 1}]}`, "response.headers.name is a number, not a string"},
		{`{"status": 1e700}`, "response.status is the number 1e700, out of range"},
	} {
		got := readHAR(t, strings.NewReader(entry(tt.response)), "x.har")
		if got.err != nil || len(got.obs) != 0 || len(got.skipped) != 1 {
			t.Errorf("%s: read %d entries, skipped %v, error %v", tt.response, len(got.obs), got.skipped, got.err)
			continue
		}
		if want := "entry 0 (log.entries[0]): " + tt.msg; got.skipped[0].Msg != want {
			t.Errorf("%s: message %q, want %q", tt.response, got.skipped[0].Msg, want)
		}
	}
	// A number no float64 holds is valid JSON where it is skipped.
	if got := readHAR(t, strings.NewReader(`{"log": {"pages": [{"x": 1e700}], "entries": []}, "y": -1e999}`), "x.har"); got.err != nil || len(got.skipped) != 0 {
		t.Errorf("skipped 1e700: %v %v", got.err, got.skipped)
	}
	for _, tt := range []struct{ entry, msg string }{
		{`2`, "it is a number, not an object"},
		{`null`, "it has no request"},
		{`{"request": {"url": "https://a/"}}`, "request.method is missing"},
		{`{"request": {"method": "GET"}}`, "request.url is missing"},
	} {
		got := readHAR(t, strings.NewReader(`{"log": {"entries": [`+tt.entry+`]}}`), "x.har")
		if got.err != nil || len(got.skipped) != 1 || got.skipped[0].Msg != "entry 0 (log.entries[0]): "+tt.msg {
			t.Errorf("%s: skipped %v, error %v, want %q", tt.entry, got.skipped, got.err, tt.msg)
		}
	}
}

// TestHARIOErrorIsNotAFormatError: an error of the underlying reader comes back as it is, after
// the entries before it.
func TestHARIOErrorIsNotAFormatError(t *testing.T) {
	data, _ := os.ReadFile("testdata/bodies.har")
	failing := io.MultiReader(bytes.NewReader(data[:bytes.Index(data, []byte("upload"))]), errReader{})
	got := readHAR(t, failing, "x.har")
	if got.err != errDisk || len(got.obs) != 3 {
		t.Errorf("read %d entries, error %v", len(got.obs), got.err)
	}
}

var errDisk = io.ErrClosedPipe

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errDisk }

// TestHARErrorFixtures: the broken fixtures of testdata, read as files.
func TestHARErrorFixtures(t *testing.T) {
	size := func(path string) int64 {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	for _, tt := range []struct {
		file    string
		entries int
		offset  int64
		msg     string
	}{
		{"testdata/truncated.har", 1, size("testdata/truncated.har"), "unexpected end of the file in entry 1 (log.entries[1]; the entry before it was read) (the file is cut short)"},
		{"testdata/notjson.har", 0, 0, "not valid JSON before log.entries: invalid character 'i' looking for beginning of value"},
		{"testdata/nolog.har", 0, size("testdata/nolog.har"), "not a HAR file: the top-level object has no log"},
	} {
		got := readHARFile(t, tt.file)
		if len(got.obs) != tt.entries || got.err == nil {
			t.Errorf("%s: read %d entries, error %v", tt.file, len(got.obs), got.err)
			continue
		}
		if fe := formatError(t, got.err); fe.File != tt.file || fe.Offset != tt.offset || fe.Msg != tt.msg || fe.Skipped {
			t.Errorf("%s: error %q (offset %d), want offset %d, %q", tt.file, fe.Error(), fe.Offset, tt.offset, tt.msg)
		}
	}
}
