package core

import (
	"net/http"
	"net/url"
	"strings"
)

// Handler answers a request its route matched.
type Handler func(c *Call) Response

// Router routes requests to the APIs' handlers. Each API registers its routes as http.ServeMux
// patterns, a method and a path with wildcards ("DELETE /org/v2/environments/{id}"), and claims
// the paths whose unknown routes it answers (Claim).
//
// The muxes only match: the router hands them a request of the method and path alone and a
// response writer that writes nothing, and learns from which of its handlers the mux calls
// what matched. Every answer is the mock's own, in the shape of the request's API: a 404 or 405
// (with Allow listing the path's methods in the order they were registered), never the mux's
// plain-text ones. The path is matched as it was sent: ServeMux would redirect a path with empty,
// "." or ".." segments to its cleaned form, and unescapes each segment before comparing it, so
// the router hands it a path it leaves alone (see muxPath) and decodes wildcard values itself.
type Router struct {
	// methods holds the routes by "METHOD /path" pattern.
	methods *http.ServeMux
	// paths holds each registered path, without method: for a 405's Allow.
	paths  *http.ServeMux
	byPath map[string]*pathRoutes
	claims []claim
}

// route is one registered pattern.
type route struct {
	api    *API
	method string
	path   *pathRoutes
	h      Handler
	// undocumented routes (added by a fault) are not listed in Allow and answer without
	// reading the body.
	undocumented bool
}

// pathRoutes is what the routes of one path share.
type pathRoutes struct {
	// allow is the Allow header of a 405: the documented methods, in registration order.
	allow string
	// wildcards are the names of the path's wildcards, in order.
	wildcards []string
}

// claim says that the unknown routes under prefix are api's.
type claim struct {
	prefix string
	api    *API
}

// NewRouter returns a router with no routes.
func NewRouter() *Router {
	return &Router{methods: http.NewServeMux(), paths: http.NewServeMux(), byPath: map[string]*pathRoutes{}}
}

// Handle registers h for pattern, "METHOD /path" in http.ServeMux's syntax: a path that ends in
// a slash matches exactly only when it ends in "/{$}". Allow lists the method. It panics, as
// ServeMux does, on a pattern that is malformed or conflicts with another.
func (rt *Router) Handle(api *API, pattern string, h Handler) { rt.handle(api, pattern, h, false) }

// HandleUndocumented registers h for pattern like Handle, for a route the API does not document
// (a fault adds it): Allow does not list its method, and h runs without the body being read.
func (rt *Router) HandleUndocumented(api *API, pattern string, h Handler) {
	rt.handle(api, pattern, h, true)
}

func (rt *Router) handle(api *API, pattern string, h Handler, undocumented bool) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		panic("core: pattern " + pattern + " is not METHOD /path")
	}
	pr := rt.byPath[path]
	if pr == nil {
		pr = &pathRoutes{wildcards: wildcards(path)}
		if len(pr.wildcards) > maxWildcards {
			panic("core: pattern " + pattern + " has too many wildcards")
		}
		rt.byPath[path] = pr
		rt.paths.Handle(path, pr)
	}
	if !undocumented {
		if pr.allow != "" {
			pr.allow += ", "
		}
		pr.allow += method
	}
	rt.methods.Handle(pattern, &route{api: api, method: method, path: pr, h: h, undocumented: undocumented})
}

// wildcards returns the names of a path pattern's wildcards ({name} or {name...}; not {$}).
func wildcards(path string) []string {
	var names []string
	for _, seg := range strings.Split(path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok && strings.HasSuffix(name, "}") && name != "$}" {
			names = append(names, strings.TrimSuffix(strings.TrimSuffix(name, "}"), "..."))
		}
	}
	return names
}

// Claim makes api answer the unknown routes of the paths under each prefix: a prefix ending in
// a slash claims the paths that start with it, another only itself; "/" claims every path no
// other claim holds. The longest claim that holds a path wins.
func (rt *Router) Claim(api *API, prefixes ...string) {
	for _, p := range prefixes {
		rt.claims = append(rt.claims, claim{prefix: p, api: api})
	}
}

// owner returns the API that claims escapedPath (the first claim's when none does).
func (rt *Router) owner(escapedPath string) *API {
	var best *claim
	for i := range rt.claims {
		cl := &rt.claims[i]
		var holds bool
		switch {
		case cl.prefix == "/":
			holds = true
		case strings.HasSuffix(cl.prefix, "/"):
			holds = strings.HasPrefix(escapedPath, cl.prefix)
		default:
			holds = escapedPath == cl.prefix
		}
		if holds && (best == nil || len(cl.prefix) > len(best.prefix)) {
			best = cl
		}
	}
	if best == nil {
		if len(rt.claims) == 0 {
			return &API{Errors: plainErrors{}}
		}
		best = &rt.claims[0]
	}
	return best.api
}

// match is the response writer the muxes get: it writes nothing and records which of the
// router's handlers the mux called.
type match struct {
	route  *route
	path   *pathRoutes
	header http.Header
}

func (m *match) Header() http.Header {
	if m.header == nil {
		m.header = http.Header{}
	}
	return m.header
}
func (m *match) Write(b []byte) (int, error) { return len(b), nil }
func (m *match) WriteHeader(int)             {}

func (r *route) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	if m, ok := w.(*match); ok {
		m.route = r
	}
}

func (p *pathRoutes) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	if m, ok := w.(*match); ok {
		m.path = p
	}
}

// find returns the route of the request's method and path, its wildcards decoded into c. When
// no route has the request's method but the path is registered, it returns the path's routes
// (a 405); when the path matches nothing, or a wildcard's value is empty, nil and nil (a 404).
func (rt *Router) find(c *Call) (*route, *pathRoutes) {
	mr := c.muxRequest()
	if mr == nil {
		return nil, nil
	}
	c.match = match{}
	rt.methods.ServeHTTP(&c.match, mr)
	// A GET pattern matches HEAD too; the mock answers HEAD 405.
	if r := c.match.route; r != nil && r.method == c.R.Method {
		if !c.decodeParams(r.path, mr) {
			return nil, nil
		}
		return r, nil
	}
	c.match = match{}
	rt.paths.ServeHTTP(&c.match, mr)
	if p := c.match.path; p != nil && c.decodeParams(p, mr) {
		return nil, p
	}
	return nil, nil
}

// decodeParams decodes the wildcards of p matched in mr into c; false when one is empty or does
// not decode.
func (c *Call) decodeParams(p *pathRoutes, mr *http.Request) bool {
	for i, name := range p.wildcards {
		v, ok := decodeParam(mr.PathValue(name))
		if !ok {
			return false
		}
		c.params[i] = v
	}
	c.names = p.wildcards
	return true
}

// decodeParam decodes a wildcard's value as sent (escaped): empty, or not decoding, is none.
func decodeParam(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	if !strings.Contains(raw, "%") {
		return raw, true
	}
	p, err := url.PathUnescape(raw)
	return p, err == nil && p != ""
}

// muxRequest returns the request the muxes match, of the request's method and escaped path, or
// nil when the path can match no route: one that does not start with a slash (e.g. "*") or that
// holds an empty segment ("//": no route has one).
//
// ServeMux cleans a path ("." and ".." segments) by redirecting, and unescapes each segment
// before matching it. The path it gets is the sent one with every "%" escaped as "%25" and every
// "." or ".." segment escaped ("%2E"), so that it is clean and each segment the mux compares is
// the segment as sent: literal segments match only as sent, and a wildcard's value is the
// segment as sent, which decodeParam decodes, as the mock always has.
func (c *Call) muxRequest() *http.Request {
	path := c.Path
	if !strings.HasPrefix(path, "/") || strings.Contains(path, "//") {
		return nil
	}
	u := c.R.URL // whose escaped path is c.Path
	if strings.Contains(path, "%") || hasDotSegment(path) {
		guarded := muxPath(path)
		p, err := url.PathUnescape(guarded)
		if err != nil {
			return nil
		}
		u = &url.URL{Path: p, RawPath: guarded}
	}
	c.mr.Method, c.mr.URL = c.R.Method, u // the rest of c.mr is zero, or set by the muxes
	return &c.mr
}

// hasDotSegment reports whether path holds a "." or ".." segment.
func hasDotSegment(path string) bool {
	for i := 0; i+1 < len(path); i++ {
		if path[i] != '/' || path[i+1] != '.' {
			continue
		}
		j := i + 2
		if j < len(path) && path[j] == '.' {
			j++
		}
		if j == len(path) || path[j] == '/' {
			return true
		}
	}
	return false
}

// muxPath escapes every "%" of an escaped path and its "." and ".." segments (see muxRequest).
func muxPath(escapedPath string) string {
	var b strings.Builder
	b.Grow(len(escapedPath) + 16)
	for _, seg := range strings.Split(escapedPath[1:], "/") {
		b.WriteByte('/')
		switch seg {
		case ".":
			b.WriteString("%2E")
		case "..":
			b.WriteString("%2E%2E")
		default:
			b.WriteString(strings.ReplaceAll(seg, "%", "%25"))
		}
	}
	return b.String()
}
