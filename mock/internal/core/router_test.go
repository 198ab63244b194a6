package core

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// testShape renders errors as "<code>: <detail>".
type testShape struct{}

func (testShape) Payload(_ *Call, _ int, e *Error) Payload {
	return Payload{ContentType: "text/plain", Body: []byte(e.Code + ": " + e.Detail)}
}

// testServer is a core with routes shaped like the mock's: a, under "/", and b, under /b/.
func testServer() (*Server, *API, *API) {
	srv := NewServer(nil, nil)
	a := &API{Name: "a", Errors: testShape{}}
	b := &API{Name: "b", Errors: testShape{}, NotFoundHint: func(p string) string {
		if !strings.HasSuffix(p, "/") {
			return " (b paths end with a slash)"
		}
		return ""
	}}
	echo := func(c *Call) Response {
		var vals []string
		for _, n := range c.names {
			vals = append(vals, n+"="+c.Param(n))
		}
		return Response{Status: http.StatusOK, Payload: Payload{ContentType: "text/plain", Body: []byte(c.API.Name + " " + c.R.Method + " " + strings.Join(vals, " "))}}
	}
	rt := srv.Router
	rt.Claim(a, "/")
	rt.Claim(b, "/b/", "/b")
	rt.Handle(a, "POST /items", echo)
	rt.Handle(a, "GET /items/{id}", echo)
	rt.Handle(a, "DELETE /items/{id}", echo)
	rt.HandleUndocumented(a, "PUT /items/{id}", echo)
	rt.Handle(b, "DELETE /b/p/{p}/x/{x}/{$}", echo)
	rt.Handle(b, "POST /b/p/{p}/x/{x}/{$}", echo)
	return srv, a, b
}

// TestRouterAnswers: paths are matched as they were sent (no cleaning, no redirect, no
// unescaping of literal segments), wildcard values are decoded, and every 404 and 405 is the
// core's, in the shape of the path's API, with Allow in registration order.
func TestRouterAnswers(t *testing.T) {
	srv, _, _ := testServer()
	tests := []struct {
		method, path string
		status       int
		body, allow  string
	}{
		{"GET", "/items/x1", 200, "a GET id=x1", ""},
		{"DELETE", "/items/x1", 200, "a DELETE id=x1", ""},
		{"PUT", "/items/x1", 200, "a PUT id=x1", ""},
		{"GET", "/items/a%2Fb", 200, "a GET id=a/b", ""},
		{"GET", "/items/%2E", 200, "a GET id=.", ""},
		{"GET", "/items/..", 200, "a GET id=..", ""},
		{"GET", "/items/.", 200, "a GET id=.", ""},
		{"GET", "/items/%25zz", 200, "a GET id=%zz", ""},
		{"HEAD", "/items/x1", 405, "method_not_allowed: Method HEAD is not allowed here; allowed: GET, DELETE", "GET, DELETE"},
		{"PATCH", "/items/x1", 405, "method_not_allowed: Method PATCH is not allowed here; allowed: GET, DELETE", "GET, DELETE"},
		{"get", "/items/x1", 405, "method_not_allowed: Method get is not allowed here; allowed: GET, DELETE", "GET, DELETE"},
		{"GET", "/items", 405, "method_not_allowed: Method GET is not allowed here; allowed: POST", "POST"},
		{"GET", "/items/", 404, "not_found: No endpoint GET /items/", ""},
		{"GET", "/items//", 404, "not_found: No endpoint GET /items//", ""},
		{"GET", "/items/x1/", 404, "not_found: No endpoint GET /items/x1/", ""},
		{"GET", "/%69tems/x1", 404, "not_found: No endpoint GET /%69tems/x1", ""},
		{"GET", "/x/../items/x1", 404, "not_found: No endpoint GET /x/../items/x1", ""},
		{"GET", "/items/./x1", 404, "not_found: No endpoint GET /items/./x1", ""},
		{"GET", "//items/x1", 404, "not_found: No endpoint GET //items/x1", ""},
		{"DELETE", "/b/p/1/x/2/", 200, "b DELETE p=1 x=2", ""},
		{"DELETE", "/b/p/1/x/%2E%2E/", 200, "b DELETE p=1 x=..", ""},
		{"PUT", "/b/p/1/x/2/", 405, "method_not_allowed: Method PUT is not allowed here; allowed: DELETE, POST", "DELETE, POST"},
		{"DELETE", "/b/p/1/x/2", 404, "not_found: No endpoint DELETE /b/p/1/x/2 (b paths end with a slash)", ""},
		{"DELETE", "/b/p/1/x/2/y", 404, "not_found: No endpoint DELETE /b/p/1/x/2/y (b paths end with a slash)", ""},
		{"DELETE", "/b/p//x//", 404, "not_found: No endpoint DELETE /b/p//x//", ""},
		{"GET", "/b", 404, "not_found: No endpoint GET /b (b paths end with a slash)", ""},
		{"GET", "/bb", 404, "not_found: No endpoint GET /bb", ""},
		{"OPTIONS", "*", 404, "not_found: No endpoint OPTIONS *", ""},
	}
	for _, tt := range tests {
		u := &url.URL{Path: tt.path}
		if p, err := url.PathUnescape(tt.path); err == nil {
			u.Path, u.RawPath = p, tt.path
		}
		r := &http.Request{Method: tt.method, URL: u, Header: http.Header{}, Host: "127.0.0.1", Body: http.NoBody}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != tt.status || w.Body.String() != tt.body || w.Header().Get("Allow") != tt.allow || w.Header().Get("Location") != "" {
			t.Errorf("%s %s: %d %q Allow %q Location %q, want %d %q Allow %q", tt.method, tt.path, w.Code, w.Body, w.Header().Get("Allow"),
				w.Header().Get("Location"), tt.status, tt.body, tt.allow)
		}
		if w.Header().Get("X-Request-Id") == "" {
			t.Errorf("%s %s: no X-Request-Id", tt.method, tt.path)
		}
	}
}

// TestFaultsPerAPI: a request sees the faults of its own API only.
func TestFaultsPerAPI(t *testing.T) {
	srv, a, _ := testServer()
	a.Faults = a.Faults.With(DropRequestID)
	for path, want := range map[string]bool{"/items/x": false, "/b/p/1/x/2/": true, "/nowhere": false, "/b/nowhere": true} {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, httptest.NewRequest("DELETE", path, nil))
		if got := w.Header().Get("X-Request-Id") != ""; got != want {
			t.Errorf("DELETE %s: X-Request-Id sent %v, want %v", path, got, want)
		}
	}
}
