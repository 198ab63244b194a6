package traffic

import (
	"bytes"
	"io"
)

// typicalEntries are small entries as a contract test sees them: a Confluent 204 and a small
// JSON error body, as Chrome exports them.
var typicalEntries = [][]byte{
	[]byte(`{"_initiator":{"type":"other"},"_priority":"High","_resourceType":"fetch","cache":{},"connection":"443","pageref":"page_1",
      "request":{"method":"DELETE","url":"https://api.confluent.cloud/org/v2/environments/env-%06d","httpVersion":"http/2.0",
        "headers":[{"name":":authority","value":"api.confluent.cloud"},{"name":":method","value":"DELETE"},{"name":":path","value":"/org/v2/environments/env-1"},{"name":":scheme","value":"https"},{"name":"accept","value":"application/json"},{"name":"authorization","value":"Basic S0VZSUQtMzEzMzc6c2VjcmV0"},{"name":"user-agent","value":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"}],
        "queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
      "response":{"status":204,"statusText":"","httpVersion":"http/2.0",
        "headers":[{"name":"date","value":"Thu, 02 May 2024 10:00:00 GMT"},{"name":"x-request-id","value":"2c6d4e1f-9a7b-4c3d-8e2f-1a2b3c4d5e6f"},{"name":"x-ratelimit-limit","value":"50"},{"name":"x-ratelimit-remaining","value":"49"},{"name":"x-ratelimit-reset","value":"60"},{"name":"strict-transport-security","value":"max-age=31536000"}],
        "cookies":[],"content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":0,"_transferSize":312,"_error":null},
      "serverIPAddress":"104.18.0.1","startedDateTime":"2024-05-02T10:00:00.123Z","time":41.532,
      "timings":{"blocked":1.2,"dns":-1,"ssl":-1,"connect":-1,"send":0.1,"wait":39.9,"receive":0.3,"_blocked_queueing":0.8}}`),
	[]byte(`{"_initiator":{"type":"other"},"_priority":"High","_resourceType":"fetch","cache":{},"connection":"443","pageref":"page_1",
      "request":{"method":"GET","url":"https://api.confluent.cloud/org/v2/environments/env-%06d","httpVersion":"http/2.0",
        "headers":[{"name":":authority","value":"api.confluent.cloud"},{"name":":method","value":"GET"},{"name":":path","value":"/org/v2/environments/env-404"},{"name":":scheme","value":"https"},{"name":"accept","value":"application/json"},{"name":"authorization","value":"Basic S0VZSUQtMzEzMzc6c2VjcmV0"},{"name":"user-agent","value":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"}],
        "queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
      "response":{"status":404,"statusText":"","httpVersion":"http/2.0",
        "headers":[{"name":"content-type","value":"application/json"},{"name":"date","value":"Thu, 02 May 2024 10:00:00 GMT"},{"name":"x-request-id","value":"7d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"},{"name":"content-length","value":"133"}],
        "cookies":[],"content":{"size":133,"mimeType":"application/json","text":"{\"errors\":[{\"id\":\"e-1\",\"status\":\"404\",\"code\":\"resource_not_found\",\"title\":\"Not Found\",\"detail\":\"The environment env-404 was not found.\"}]}"},
        "redirectURL":"","headersSize":-1,"bodySize":133,"_transferSize":420,"_error":null},
      "serverIPAddress":"104.18.0.1","startedDateTime":"2024-05-02T10:00:00.456Z","time":38.25,
      "timings":{"blocked":1.1,"dns":-1,"ssl":-1,"connect":-1,"send":0.1,"wait":36.8,"receive":0.2}}`),
}

// harGenerator is a reader of a HAR file of n entries made on the fly from typicalEntries (each
// with its own environment ID): it never holds more than one entry, so the file may be as large
// as a test wants, and it costs little beside the decoding it feeds.
type harGenerator struct {
	n, next int
	pending []byte
	buf     []byte
	done    bool
}

func newHARGenerator(n int) *harGenerator {
	return &harGenerator{n: n, pending: []byte(`{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}, "pages": [{"id": "page_1", "title": "x", "pageTimings": {}}], "entries": [` + "\n")}
}

func (g *harGenerator) Read(p []byte) (int, error) {
	for len(g.pending) == 0 {
		switch {
		case g.done:
			return 0, io.EOF
		case g.next == g.n:
			g.pending, g.done = []byte("\n]}}\n"), true
		default:
			before, after, _ := bytes.Cut(typicalEntries[g.next%len(typicalEntries)], []byte("%06d"))
			g.buf = g.buf[:0]
			if g.next > 0 {
				g.buf = append(g.buf, ",\n"...)
			}
			g.buf = append(g.buf, before...)
			for div := 100000; div > 0; div /= 10 {
				g.buf = append(g.buf, byte('0'+g.next/div%10))
			}
			g.pending = append(g.buf, after...)
			g.next++
		}
	}
	n := copy(p, g.pending)
	g.pending = g.pending[n:]
	return n, nil
}
