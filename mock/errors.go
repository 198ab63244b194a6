package mock

import (
	"net/http"
	"strconv"
	"strings"
)

// The answers every route shares: unknown route, wrong method, body too large or unreadable,
// internal error. Under /apiops/ they take Apinizer's error shape; elsewhere Confluent's Failure.

// errorFor builds an error response in the shape of the request's API.
func (c *call) errorFor(status int, code, title, detail string) response {
	if c.api == apiApinizer {
		return response{status: status, apinizerErr: &apinizerError{code: code, description: detail}}
	}
	return response{status: status, failure: &failure{code: code, title: title, detail: detail}}
}

func (c *call) unknownRoute() response {
	path := c.path
	detail := "No endpoint " + truncate(c.r.Method, 16) + " " + truncate(path, maxLoggedPath)
	if c.api == apiApinizer && !strings.HasSuffix(path, "/") {
		detail += " (APIOps paths end with a slash)"
	}
	return c.errorFor(http.StatusNotFound, "not_found", "Not Found", detail)
}

func (c *call) methodNotAllowed(allow string) response {
	resp := c.errorFor(http.StatusMethodNotAllowed, "method_not_allowed", "Method Not Allowed",
		"Method "+truncate(c.r.Method, 16)+" is not allowed here; allowed: "+allow)
	resp.allow = allow
	return resp
}

func (c *call) tooLarge() response {
	return c.errorFor(http.StatusRequestEntityTooLarge, "payload_too_large", "Payload Too Large",
		"The request body is larger than "+strconv.Itoa(MaxBodyBytes)+" bytes")
}

func (c *call) unreadableBody() response {
	return c.errorFor(http.StatusBadRequest, "bad_request", "Bad Request", "The request body could not be read to its end")
}

func (c *call) internalError() response {
	return c.errorFor(http.StatusInternalServerError, "internal_error", "Internal Server Error", "An unexpected error occurred")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
