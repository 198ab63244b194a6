package core

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Server is the shared core of a mock: the state store, the router, the request IDs and the
// request log. The APIs register their routes and their parts of the state on it; it answers
// every request.
type Server struct {
	Store  *Store
	Router *Router
	ids    *requestIDs
	log    *requestLog
}

// NewServer returns a core with no API. now is the clock of the state (nil: time.Now); log
// receives one line per request (nil: none).
func NewServer(now func() time.Time, log io.Writer) *Server {
	if now == nil {
		now = time.Now
	}
	return &Server{Store: &Store{now: now}, Router: NewRouter(), ids: newRequestIDs(), log: newRequestLog(log)}
}

// callPool holds the Calls of answered requests for the next ones: a Call is not kept once
// ServeHTTP has returned (nothing a handler returns refers to it).
var callPool = sync.Pool{New: func() any { return new(Call) }}

// ServeHTTP answers one request. It never panics: a bug that would is answered with a 500.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	path := r.URL.EscapedPath()
	c := callPool.Get().(*Call)
	*c = Call{srv: s, R: r, Path: path, API: s.Router.owner(path), RequestID: s.ids.next()}
	c.rec.ResponseWriter = w
	defer func() {
		if v := recover(); v != nil {
			if c.rec.status == 0 {
				c.write(c.InternalError())
			}
		}
		s.log.line(started, r.Method, path, c.rec.status, c.sentID)
		*c = Call{}
		callPool.Put(c)
	}()
	c.write(s.serve(c))
}

// serve decides the answer to the request: 413 for a declared body over MaxBodyBytes, 404 for a
// path no route matches, 405 for a method its routes do not take, then the route's (the body
// read first, 413 or 400 if it cannot be).
func (s *Server) serve(c *Call) Response {
	if c.R.ContentLength > MaxBodyBytes {
		return c.TooLarge()
	}
	rt, path := s.Router.find(c)
	if rt == nil {
		if path != nil {
			return c.MethodNotAllowed(path.allow)
		}
		return c.UnknownRoute()
	}
	c.API = rt.api
	if !rt.undocumented && c.R.Body != nil && c.R.Body != http.NoBody { // net/http gives NoBody to a request without one
		body, err := io.ReadAll(io.LimitReader(c.R.Body, MaxBodyBytes+1))
		if len(body) > MaxBodyBytes {
			return c.TooLarge()
		}
		if err != nil {
			return c.UnreadableBody()
		}
		c.Body = body
	}
	return rt.h(c)
}

// plainErrors is the error shape of a router no API claims a path of: never in a mock that
// registers its APIs, but no request may find none.
type plainErrors struct{}

func (plainErrors) Payload(_ *Call, status int, e *Error) Payload {
	return Payload{ContentType: "text/plain; charset=utf-8", Body: []byte(strconv.Itoa(status) + " " + e.Detail + "\n")}
}
