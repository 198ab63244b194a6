package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// serveDirect calls the handler in-process with a request net/http's client could not send.
func serveDirect(s *Server, method, rawPath, auth, contentType string, body []byte) *httptest.ResponseRecorder {
	u := &url.URL{Path: rawPath}
	if p, err := url.PathUnescape(rawPath); err == nil {
		u.Path, u.RawPath = p, rawPath
	}
	r := &http.Request{
		Method:        method,
		URL:           u,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{},
		Host:          "127.0.0.1",
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
	}
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// checkSane holds any answer of the mock to the invariants: no 5xx, a request ID, and a JSON
// body (when there is one) with an error shape when the status is an error.
func checkSane(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 || w.Code < 200 {
		t.Errorf("%s: status %d: %s", what, w.Code, w.Body)
	}
	if w.Header().Get("X-Request-Id") == "" {
		t.Errorf("%s: no X-Request-Id", what)
	}
	if w.Body.Len() == 0 {
		return
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Errorf("%s: body is not a JSON object: %v", what, err)
		return
	}
	if w.Code >= 400 && m["errors"] == nil && m["error"] == nil {
		t.Errorf("%s: error body without errors or error: %s", what, w.Body)
	}
}

func TestOddInputs(t *testing.T) {
	s, err := New(nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	methods := []string{"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "BREW", "delete", ""}
	paths := []string{
		"/", "", "/org", "/org/v2/environments/", "/org/v2/environments//", "/org/v2/environments/env-demo1/",
		"/org/v2/environments/env-demo1/x", "/org/v2/environments/env%2Ddemo1", "/org/v2/environments/env-%00",
		"/org/v2/environments/%zz", "/org/v2/environments/" + strings.Repeat("a", 5000),
		"/apiops", "/apiops/", "/apiops/projects/", "/apiops/projects/DemoProject/apiProxies/petstore-api/environments/production",
		"/apiops/projects/DemoProject/apiProxies/petstore-api/environments/production//",
		"/apiops/projects/Demo%2FProject/apiProxies/petstore-api/environments/production/",
		"/apiops/projects/%E2%9C%93/apiProxies/%00/environments/%20/",
		"/apiops/projects//apiProxies//environments//", "/_mock", "/_mock/", "/_mock/state/", "/_mock/../_mock/state",
	}
	auths := []string{"", "Basic", "Basic ", "Basic ZGVtby1rZXk=", "Basic " + strings.Repeat("=", 100), "Bearer", "Bearer ",
		"bearer demo-token", "BASIC ZGVtby1rZXk6ZGVtby1zZWNyZXQ=", "Bearer demo-sts-token extra", "\x00\xff"}
	bodies := [][]byte{nil, []byte("{"), []byte("null"), []byte(`{"display_name":null,"persistent":null}`), []byte("\xff\xfe"),
		[]byte(`{"description":{"a":[1,2,{}]},"persistent":1e999}`), []byte(strings.Repeat("[", 10000)), []byte(`"str"`)}
	n := 0
	for _, m := range methods {
		for _, p := range paths {
			for i, a := range auths {
				b := bodies[(n+i)%len(bodies)]
				n++
				w := serveDirect(s, m, p, a, "application/json", b)
				checkSane(t, m+" "+p, w)
			}
		}
	}
}

// TestRouteErrors: unknown routes 404, wrong methods 405 with Allow, bodies over 1 MiB 413, all
// JSON in the shape of the path's API.
func TestRouteErrors(t *testing.T) {
	_, base := start(t, nil, Options{})
	big := strings.Repeat("x", MaxBodyBytes+1)
	tests := []struct {
		req   req
		want  int
		allow string
		shape string // "errors" (Confluent) or "error" (Apinizer)
	}{
		{req{method: "GET", path: "/nowhere"}, 404, "", "errors"},
		{req{method: "GET", path: "/org/v2/environments"}, 405, "POST", "errors"},
		{req{method: "PUT", path: envPath + "env-demo1", auth: demoKey}, 405, "GET, DELETE", "errors"},
		{req{method: "GET", path: "/apiops/projects/"}, 404, "", "error"},
		{req{method: "PUT", path: proxyPath("petstore-api", "production"), auth: demoToken}, 405, "DELETE, POST", "error"},
		{req{method: "POST", path: "/org/v2/environments", auth: demoKey, body: big}, 413, "", "errors"},
		{req{method: "DELETE", path: envPath + "env-demo1", auth: demoKey, body: big}, 413, "", "errors"},
		{req{method: "DELETE", path: proxyPath("petstore-api", "production"), auth: demoToken, body: big}, 413, "", "error"},
		{req{method: "POST", path: "/nowhere", body: big}, 413, "", "errors"},
	}
	for _, tt := range tests {
		g := send(t, base, tt.req)
		if g.status != tt.want || g.header.Get("Allow") != tt.allow || g.header.Get("Content-Type") != "application/json" || g.header.Get("X-Request-Id") == "" {
			t.Errorf("%s %s: %d %v, want %d Allow %q", tt.req.method, tt.req.path, g.status, g.header, tt.want, tt.allow)
			continue
		}
		if g.json()[tt.shape] == nil {
			t.Errorf("%s %s: body %s lacks %q", tt.req.method, tt.req.path, g.body, tt.shape)
		}
	}
	// The environment was not deleted by the refused DELETE.
	if g := send(t, base, req{method: "GET", path: envPath + "env-demo1", auth: demoKey}); g.status != 200 {
		t.Errorf("env-demo1 after a refused DELETE: %d", g.status)
	}
}

// TestChunkedBodyTooLarge: a body with no Content-Length is cut off at the limit, too.
func TestChunkedBodyTooLarge(t *testing.T) {
	_, base := start(t, nil, Options{})
	pr, pw := io.Pipe()
	go func() {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for i := 0; i < 20; i++ {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		_ = pw.Close()
	}()
	r, err := http.NewRequest("POST", base+"/org/v2/environments", pr)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", demoKey)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_ = pr.CloseWithError(io.ErrClosedPipe)
	if resp.StatusCode != 413 {
		t.Errorf("chunked body over 1 MiB: %d", resp.StatusCode)
	}
}

// FuzzServeHTTP: no method, path, credential or body makes the handler panic or answer 5xx.
func FuzzServeHTTP(f *testing.F) {
	f.Add("DELETE", "/org/v2/environments/env-demo1", "Basic ZGVtby1rZXk6ZGVtby1zZWNyZXQ=", []byte(nil))
	f.Add("POST", "/org/v2/environments", "Bearer demo-sts-token", []byte(`{"display_name":"x"}`))
	f.Add("DELETE", "/apiops/projects/DemoProject/apiProxies/petstore-api/environments/production/", "Bearer demo-token", []byte(`{"persistent":true}`))
	f.Add("POST", "/apiops/projects/DemoProject/apiProxies/orders-api/environments/test/", "Bearer demo-token", []byte(nil))
	f.Add("GET", "/_mock/state", "", []byte(nil))
	s, err := New(nil, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, auth string, body []byte) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		w := serveDirect(s, method, path, auth, "application/json", body)
		checkSane(t, method+" "+path, w)
	})
}
