package core

import (
	"net/http"
	"strconv"
)

// MaxBodyBytes is the largest request body the mock reads; a larger one gets 413.
const MaxBodyBytes = 1 << 20

// The answers every route shares: unknown route, wrong method, body too large or unreadable,
// internal error, each in the shape of the request's API.

// UnknownRoute is the 404 for a path no route matches.
func (c *Call) UnknownRoute() Response {
	detail := "No endpoint " + Truncate(c.R.Method, 16) + " " + Truncate(c.Path, MaxLoggedPath)
	if c.API.NotFoundHint != nil {
		detail += c.API.NotFoundHint(c.Path)
	}
	return Fail(http.StatusNotFound, "not_found", "Not Found", detail)
}

// MethodNotAllowed is the 405 for a path whose routes take other methods: allow.
func (c *Call) MethodNotAllowed(allow string) Response {
	resp := Fail(http.StatusMethodNotAllowed, "method_not_allowed", "Method Not Allowed",
		"Method "+Truncate(c.R.Method, 16)+" is not allowed here; allowed: "+allow)
	resp.Allow = allow
	return resp
}

// TooLarge is the 413 for a body over MaxBodyBytes.
func (c *Call) TooLarge() Response {
	return Fail(http.StatusRequestEntityTooLarge, "payload_too_large", "Payload Too Large",
		"The request body is larger than "+strconv.Itoa(MaxBodyBytes)+" bytes")
}

// UnreadableBody is the 400 for a body that could not be read to its end.
func (c *Call) UnreadableBody() Response {
	return Fail(http.StatusBadRequest, "bad_request", "Bad Request", "The request body could not be read to its end")
}

// InternalError is the 500 for what the mock cannot answer otherwise.
func (c *Call) InternalError() Response {
	return Fail(http.StatusInternalServerError, "internal_error", "Internal Server Error", "An unexpected error occurred")
}

// Truncate cuts s to n bytes, marking the cut with "...".
func Truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
