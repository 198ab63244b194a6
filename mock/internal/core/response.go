package core

import (
	"io"
	"net/http"
	"strconv"
)

// Response is a route's decision about one request, made under the state lock; the core writes
// it after the lock is released, applying the faults of the request's API.
type Response struct {
	Status int
	// Rate sets the X-RateLimit-* headers (and Retry-After on a 429) where the spec documents
	// them: the successes and 429 (RateLimitOnErrors puts them on every answer).
	Rate *RateStatus
	// Challenges are the WWW-Authenticate values of a 401.
	Challenges []string
	Location   string
	Allow      string
	// Err is an error body, shaped by the request's API (API.Errors) when written; it takes the
	// place of Payload.
	Err *Error
	Payload
	// HangUp closes the connection without answering (the hang-up fault).
	HangUp bool
}

// Payload is the body of a response: Body, or Stream, or none.
type Payload struct {
	// ContentType is the body's media type; empty means application/json.
	ContentType string
	Body        []byte
	// Stream writes the body after the headers (of unknown length unless Length is set).
	Stream func(w io.Writer) error
	// Length is the Content-Length of a Stream; 0 sends none.
	Length int
}

// JSON returns a response of status with an encoded JSON body.
func JSON(status int, body []byte) Response {
	return Response{Status: status, Payload: Payload{Body: body}}
}

// Fail returns an error response of status; its API shapes it.
func Fail(status int, code, title, detail string) Response {
	return Response{Status: status, Err: &Error{Code: code, Title: title, Detail: detail}}
}

// write sends resp.
func (c *Call) write(resp Response) {
	if resp.HangUp {
		c.hangUp()
		return
	}
	h := c.rec.Header()
	switch {
	case c.Fault(DropRequestID):
	case c.Fault(DuplicateRequestID):
		c.sentID = c.srv.ids.fixed
	default:
		c.sentID = c.RequestID
	}
	if c.sentID != "" {
		h["X-Request-Id"] = []string{c.sentID}
	}
	if resp.Rate != nil && (rateHeaderStatus(resp.Status) || c.Fault(RateLimitOnErrors)) {
		c.rateHeaders(h, resp.Status, resp.Rate)
	}
	if len(resp.Challenges) > 0 && !c.Fault(MissingWWWAuthenticate) {
		h["Www-Authenticate"] = resp.Challenges
	}
	if resp.Location != "" {
		h["Location"] = []string{resp.Location}
	}
	if resp.Allow != "" {
		h["Allow"] = []string{resp.Allow}
	}
	p := resp.Payload
	if resp.Err != nil {
		p = c.API.Errors.Payload(c, resp.Status, resp.Err)
	}
	contentType := p.ContentType
	if contentType == "" {
		contentType = "application/json"
	}
	if p.Stream != nil {
		h["Content-Type"] = []string{contentType}
		if p.Length > 0 {
			h["Content-Length"] = []string{strconv.Itoa(p.Length)}
		}
		c.rec.WriteHeader(resp.Status)
		_ = p.Stream(&c.rec) // an error is the client gone: nothing more to send
		return
	}
	if len(p.Body) > 0 {
		h["Content-Type"] = []string{contentType}
		h["Content-Length"] = []string{strconv.Itoa(len(p.Body))}
	}
	c.rec.WriteHeader(resp.Status)
	if len(p.Body) > 0 {
		_, _ = c.rec.Write(p.Body)
	}
}

// rateHeaderStatus reports whether the spec documents the rate-limit headers for status: the
// successes and 429. Other responses to an authenticated request are counted but carry none.
func rateHeaderStatus(status int) bool {
	switch status {
	case http.StatusOK, http.StatusCreated, http.StatusAccepted, http.StatusNoContent, http.StatusTooManyRequests:
		return true
	}
	return false
}

// rateHeaders sets X-RateLimit-Limit, -Remaining and -Reset (relative seconds), and Retry-After
// on a 429.
func (c *Call) rateHeaders(h http.Header, status int, st *RateStatus) {
	remaining := st.Remaining
	if c.Fault(RateLimitRemainingAboveLimit) {
		remaining = st.Limit + 1
	}
	reset := strconv.Itoa(st.Reset)
	switch {
	case c.Fault(RateLimitResetEpoch):
		reset = strconv.FormatInt(c.Now().Unix()+int64(st.Reset), 10)
	case c.Fault(RateLimitNonInteger):
		reset = strconv.Itoa(max(st.Reset-1, 0)) + ".5"
	}
	h["X-Ratelimit-Limit"] = []string{strconv.Itoa(st.Limit)}
	h["X-Ratelimit-Remaining"] = []string{strconv.Itoa(remaining)}
	h["X-Ratelimit-Reset"] = []string{reset}
	if status == http.StatusTooManyRequests && !c.Fault(MissingRetryAfter) {
		h["Retry-After"] = []string{strconv.Itoa(st.Reset)}
	}
}

// hangUp closes the connection without a response. Where the connection cannot be taken over
// (HTTP/2), it sends a 500 whose body ends before its declared length instead.
func (c *Call) hangUp() {
	conn, _, err := http.NewResponseController(&c.rec).Hijack()
	if err == nil {
		_ = conn.Close()
		return
	}
	c.rec.Header()["Content-Type"] = []string{"application/json"}
	c.rec.Header()["Content-Length"] = []string{"64"}
	c.rec.WriteHeader(http.StatusInternalServerError)
	_, _ = c.rec.Write([]byte(`{"errors":[`))
}
