package core

import (
	"net/http"
	"time"
)

// Call is one request being answered.
type Call struct {
	R *http.Request
	// Path is the request's escaped path.
	Path string
	// API is the API the request is for (see API).
	API *API
	// RequestID is the request's X-Request-Id (sent unless a fault drops or replaces it).
	RequestID string
	// Body is the request body, read before a route's handler runs (at most MaxBodyBytes).
	Body []byte

	srv *Server
	rec recorder
	// sentID is the X-Request-Id actually sent ("" when a fault dropped it).
	sentID string
	// mr is the request the router's muxes match, and match receives what they matched; names
	// and params are the matched path's wildcards and their decoded values.
	mr     http.Request
	match  match
	names  []string
	params [maxWildcards]string
}

// maxWildcards bounds the wildcards of a pattern.
const maxWildcards = 4

// Param returns the decoded value of the matched path's wildcard name ("" if it has none).
func (c *Call) Param(name string) string {
	for i, n := range c.names {
		if n == name {
			return c.params[i]
		}
	}
	return ""
}

// Fault reports whether fault f is on for the request's API.
func (c *Call) Fault(f Fault) bool { return c.API.Faults.Has(f) }

// Now returns the time of the state's clock.
func (c *Call) Now() time.Time { return c.srv.Store.Now() }
