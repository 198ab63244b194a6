package traffic

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/runner"
)

// sharedHAR is the folder of real exports (Chrome, Firefox, Safari, Charles, Insomnia,
// mitmproxy), read in place: they are not ours to copy into the repository.
const sharedHAR = "../../shared/har"

// TestSharedHARFiles reads every file of the shared folder: each reads to its end with the
// number of entries listed here, or fails with the FormatError listed here; and each quirk a
// file shows is checked on it. A file added to the folder, or gone from it, fails the test
// until the table says what it gives.
func TestSharedHARFiles(t *testing.T) {
	if _, err := os.Stat(sharedHAR); err != nil {
		t.Skipf("the real HAR exports are not here (%v): the fixtures of testdata cover their quirks", err)
	}
	for _, tt := range []struct {
		file    string
		entries int
		err     string // the FormatError, when the file does not read to its end
		check   func(t *testing.T, obs []runner.Observation)
	}{
		{file: "LICENSE-mitmproxy", err: "LICENSE-mitmproxy: byte 0: not valid JSON before log.entries: invalid character 'C' looking for beginning of value"},
		{file: "brokenfile.har", err: "brokenfile.har: byte 8: not a HAR file: log is a list, not an object"},
		{file: "charles.har", entries: 1, check: func(t *testing.T, obs []runner.Observation) {
			if _, off := obs[0].Started.Zone(); off != -7*3600 || !strings.Contains(string(obs[0].ResponseBody), "mitmproxy") {
				t.Errorf("started %v, body %.40q", obs[0].Started, obs[0].ResponseBody)
			}
		}},
		{file: "chrome.har", entries: 3, check: func(t *testing.T, obs []runner.Observation) {
			for _, o := range obs {
				for k := range o.RequestHeader {
					if strings.HasPrefix(k, ":") {
						t.Errorf("%s: pseudo-header %q kept", o.URL, k)
					}
				}
			}
			if !bytes.HasPrefix(obs[0].ResponseBody, []byte("<!DOCTYPE html>")) || obs[0].Proto != "http/2.0" {
				t.Errorf("base64 HTML body %.20q, proto %q", obs[0].ResponseBody, obs[0].Proto)
			}
			if obs[1].Status != 0 || obs[1].NoResponse != "no response was recorded: net::ERR_INTERNET_DISCONNECTED" {
				t.Errorf("blocked entry: status %d, NoResponse %q", obs[1].Status, obs[1].NoResponse)
			}
			if !bytes.HasPrefix(obs[2].ResponseBody, []byte("\x89PNG")) || obs[2].Proto != "h3" {
				t.Errorf("base64 PNG body %.8q, proto %q", obs[2].ResponseBody, obs[2].Proto)
			}
		}},
		{file: "corrupted_gzip_body.har", entries: 1, check: func(t *testing.T, obs []runner.Observation) {
			// The body is recorded as it came (base64 of gzip bytes, and corrupt ones): it is
			// taken as it is, never gunzipped, and the header stays.
			if b := obs[0].ResponseBody; len(b) != 24 || !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) || obs[0].ResponseHeader.Get("Content-Encoding") != "gzip" {
				t.Errorf("body %q, header %v", b, obs[0].ResponseHeader)
			}
		}},
		{file: "error_log.har", entries: 2, check: func(t *testing.T, obs []runner.Observation) {
			if obs[0].Status != 0 || !strings.Contains(obs[0].NoResponse, "Connect call failed") {
				t.Errorf("failed entry: status %d, NoResponse %q", obs[0].Status, obs[0].NoResponse)
			}
			if obs[1].Method != "POST" || obs[1].Status != 405 || string(obs[1].RequestBody) != "key1=value1&key2=value2" {
				t.Errorf("POST entry: %s %d %q", obs[1].Method, obs[1].Status, obs[1].RequestBody)
			}
		}},
		{file: "firefox.har", entries: 14, check: func(t *testing.T, obs []runner.Observation) {
			// polyfills.js: recorded decoded, its headers still say gzip.
			if o := obs[6]; o.ResponseHeader.Get("Content-Encoding") != "gzip" || !bytes.HasPrefix(o.ResponseBody, []byte("// https://cdn.jsdelivr.net/npm/promise-")) {
				t.Errorf("gzip entry: header %v, body %.40q", o.ResponseHeader, o.ResponseBody)
			}
			// Cached images: no headers, no body ("Response bodies are not included").
			if o := obs[1]; o.Status != 200 || len(o.ResponseHeader) != 0 || o.ResponseBody != nil {
				t.Errorf("cached entry: %d %v %q", o.Status, o.ResponseHeader, o.ResponseBody)
			}
			if o := obs[13]; o.ResponseBody == nil || o.Proto != "HTTP/3" {
				t.Errorf("base64 favicon: %d bytes, proto %q", len(o.ResponseBody), o.Proto)
			}
		}},
		{file: "head-content-length.har", entries: 1, check: func(t *testing.T, obs []runner.Observation) {
			if o := obs[0]; o.Method != "HEAD" || o.ResponseBody != nil || o.ResponseHeader.Get("Content-Length") != "78258" {
				t.Errorf("HEAD: %s body %d bytes, Content-Length %q", o.Method, len(o.ResponseBody), o.ResponseHeader.Get("Content-Length"))
			}
		}},
		{file: "incomplete_log.har", entries: 4, check: func(t *testing.T, obs []runner.Observation) {
			for _, o := range obs {
				if o.Status != 0 || o.NoResponse != "no response was recorded (status 0)" || o.RequestBody != nil {
					t.Errorf("%s %s: status %d, NoResponse %q, body %q", o.Method, o.URL, o.Status, o.NoResponse, o.RequestBody)
				}
			}
		}},
		{file: "insomnia.har", entries: 1, check: func(t *testing.T, obs []runner.Observation) {
			if o := obs[0]; o.Status != 200 || len(o.ResponseBody) == 0 || o.RequestBody != nil {
				t.Errorf("%d, %d bytes, request body %q", o.Status, len(o.ResponseBody), o.RequestBody)
			}
		}},
		{file: "postdata.har", entries: 1, check: checkPostData},
		{file: "safari.har", entries: 19, check: func(t *testing.T, obs []runner.Observation) {
			gzipped := 0
			for _, o := range obs {
				if o.ResponseHeader.Get("Content-Encoding") == "gzip" {
					gzipped++
					if bytes.HasPrefix(o.ResponseBody, []byte{0x1f, 0x8b}) || len(o.ResponseBody) == 0 {
						t.Errorf("%s: gzip entry body %.10q", o.URL, o.ResponseBody)
					}
				}
			}
			if gzipped != 11 || !bytes.HasPrefix(obs[2].ResponseBody, []byte("\x89PNG")) {
				t.Errorf("%d gzip entries; base64 PNG %.8q", gzipped, obs[2].ResponseBody)
			}
		}},
		{file: "successful_log.har", entries: 2, check: func(t *testing.T, obs []runner.Observation) {
			if string(obs[1].RequestBody) != "key1=value1&key2=value2" || obs[1].Status != 200 {
				t.Errorf("POST: %d %q", obs[1].Status, obs[1].RequestBody)
			}
		}},
		{file: "websocket.har", entries: 3, check: func(t *testing.T, obs []runner.Observation) {
			for _, o := range obs {
				if o.Status != 101 || o.ResponseBody != nil || o.ResponseHeader.Get("Upgrade") != "websocket" {
					t.Errorf("websocket: %d %v %q", o.Status, o.ResponseHeader, o.ResponseBody)
				}
			}
		}},
		{file: "with-bom.har", entries: 1, check: checkPostData},
	} {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(sharedHAR, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got := readHAR(t, f, tt.file)
			if len(got.skipped) > 0 {
				t.Errorf("entries skipped: %v", got.skipped)
			}
			switch {
			case tt.err != "" && got.err == nil:
				t.Errorf("read %d entries, want the error %q", len(got.obs), tt.err)
			case tt.err != "":
				if fe := formatError(t, got.err); fe.Error() != tt.err {
					t.Errorf("error %q, want %q", fe.Error(), tt.err)
				}
			case got.err != nil:
				t.Errorf("error after %d entries: %v", len(got.obs), got.err)
			case len(got.obs) != tt.entries:
				t.Errorf("read %d entries, want %d", len(got.obs), tt.entries)
			case tt.check != nil:
				tt.check(t, got.obs)
			}
		})
	}
	entries, err := os.ReadDir(sharedHAR)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 15 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the folder holds %d files (%s): the table lists 15; say what each gives", len(entries), strings.Join(names, ", "))
	}
}

// checkPostData checks the Chrome entry of postdata.har (and with-bom.har, the same file after
// a BOM): an HTTP/2 POST whose body is postData.text.
func checkPostData(t *testing.T, obs []runner.Observation) {
	o := obs[0]
	if o.Method != "POST" || len(o.RequestBody) != 1310 || !bytes.HasPrefix(o.RequestBody, []byte(`{"metadata":`)) || o.RequestHeader.Get(":authority") != "" {
		t.Errorf("%s body %d bytes %.20q", o.Method, len(o.RequestBody), o.RequestBody)
	}
	if o.Status != 200 || o.Proto != "http/2.0" || o.ResponseBody != nil {
		t.Errorf("response %d %q %q", o.Status, o.Proto, o.ResponseBody)
	}
}
