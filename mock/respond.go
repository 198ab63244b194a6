package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// response is the mock's decision about one request, made under the state lock; write turns it
// into HTTP after the lock is released, applying the server's faults. Exactly one of failure,
// apinizerErr, result and body is set, or none for an empty body.
type response struct {
	status int
	// rate sets the X-RateLimit-* headers (and Retry-After on a 429) where the spec documents
	// them; see rateHeaderStatus.
	rate *rateStatus
	// challenges are the WWW-Authenticate values of a 401.
	challenges []string
	location   string
	allow      string
	// failure is a Confluent Failure body (also used by unknown routes outside /apiops/).
	failure *failure
	// apinizerErr is an Apinizer error body.
	apinizerErr *apinizerError
	// result is an Apinizer deploy or undeploy envelope.
	result *envResult
	// body is an encoded JSON body.
	body []byte
	// hangUp closes the connection without answering (the hang-up fault).
	hangUp bool
	// stream writes a JSON body of unknown length (GET /_mock/state), after the headers.
	stream func(io.Writer) error
}

// failure is one error of a Confluent Failure body.
type failure struct {
	code, title, detail string
	source              *errorSource
}

// errorSource is the source of a Confluent error: a JSON pointer into the request body, or the
// name of the parameter.
type errorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

// failureItem is the JSON of one Confluent error (the spec's Error schema).
type failureItem struct {
	ID     string       `json:"id"`
	Status any          `json:"status"`
	Code   string       `json:"code,omitempty"`
	Title  string       `json:"title"`
	Detail string       `json:"detail,omitempty"`
	Source *errorSource `json:"source,omitempty"`
	// Hint is set only by the error-extra-property fault: the schema forbids it.
	Hint string `json:"hint,omitempty"`
}

// apinizerError is an Apinizer error body: {"error", "error_description"}.
type apinizerError struct {
	code, description string
}

// envResult is the outcome of a successful deploy or undeploy in one environment.
type envResult struct {
	environment, message string
}

// apinizerFaults are the faults that apply to Apinizer responses; the others apply to
// Confluent's.
const apinizerFaults = faultApinizerMissingErrorDescription | faultApinizerSuccessString | faultApinizerPersistentString

// fault reports whether f is on and applies to this request's API. The mock's own endpoints
// never break.
func (c *call) fault(f fault) bool {
	if !c.s.faults.has(f) || c.api == apiMock {
		return false
	}
	return (f&apinizerFaults != 0) == (c.api == apiApinizer)
}

// write sends resp.
func (c *call) write(resp response) {
	if resp.hangUp {
		c.hangUp()
		return
	}
	h := c.rec.Header()
	switch {
	case c.fault(faultDropRequestID):
	case c.fault(faultDuplicateRequestID):
		c.sentID = c.s.ids.fixed
	default:
		c.sentID = c.requestID
	}
	if c.sentID != "" {
		h["X-Request-Id"] = []string{c.sentID}
	}
	if resp.rate != nil && (rateHeaderStatus(resp.status) || c.fault(faultRateLimitOnErrors)) {
		c.rateHeaders(h, resp.status, resp.rate)
	}
	if len(resp.challenges) > 0 && !c.fault(faultMissingWWWAuthenticate) {
		h["Www-Authenticate"] = resp.challenges
	}
	if resp.location != "" {
		h["Location"] = []string{resp.location}
	}
	if resp.allow != "" {
		h["Allow"] = []string{resp.allow}
	}
	if resp.stream != nil {
		h["Content-Type"] = []string{"application/json"}
		c.rec.WriteHeader(resp.status)
		_ = resp.stream(c.rec) // an error is the client gone: nothing more to send
		return
	}
	var body []byte
	switch {
	case resp.failure != nil:
		if c.fault(faultTextPlainError) {
			h["Content-Type"] = []string{"text/plain; charset=utf-8"}
			body = []byte(strconv.Itoa(resp.status) + " " + http.StatusText(resp.status) + ": " + resp.failure.detail + "\n")
			break
		}
		if c.fault(faultOversizedBody) {
			c.writeOversized(resp)
			return
		}
		body = c.failureJSON(resp.status, resp.failure)
	case resp.apinizerErr != nil:
		body = c.apinizerErrorJSON(resp.apinizerErr)
	case resp.result != nil:
		body = c.resultJSON(resp.result)
	default:
		body = resp.body
	}
	if len(body) > 0 {
		if _, ok := h["Content-Type"]; !ok {
			h["Content-Type"] = []string{"application/json"}
		}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	c.rec.WriteHeader(resp.status)
	if len(body) > 0 {
		_, _ = c.rec.Write(body)
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
func (c *call) rateHeaders(h http.Header, status int, st *rateStatus) {
	remaining := st.remaining
	if c.fault(faultRateLimitRemainingAboveLimit) {
		remaining = st.limit + 1
	}
	reset := strconv.Itoa(st.reset)
	switch {
	case c.fault(faultRateLimitResetEpoch):
		reset = strconv.FormatInt(c.s.now().Unix()+int64(st.reset), 10)
	case c.fault(faultRateLimitNonInteger):
		reset = strconv.Itoa(max(st.reset-1, 0)) + ".5"
	}
	h["X-Ratelimit-Limit"] = []string{strconv.Itoa(st.limit)}
	h["X-Ratelimit-Remaining"] = []string{strconv.Itoa(remaining)}
	h["X-Ratelimit-Reset"] = []string{reset}
	if status == http.StatusTooManyRequests && !c.fault(faultMissingRetryAfter) {
		h["Retry-After"] = []string{strconv.Itoa(st.reset)}
	}
}

// failureItemFor builds the error item of a Failure body, with the error faults applied.
func (c *call) failureItemFor(status int, f *failure) failureItem {
	item := failureItem{ID: c.requestID, Status: strconv.Itoa(status), Code: f.code, Title: f.title, Detail: f.detail, Source: f.source}
	switch {
	case c.fault(faultErrorStatusNumber):
		item.Status = status
	case c.fault(faultErrorStatusMismatch):
		item.Status = "500"
		if status == http.StatusInternalServerError {
			item.Status = "503"
		}
	}
	if c.fault(faultErrorExtraProperty) {
		item.Hint = "see the documentation"
	}
	return item
}

func (c *call) failureJSON(status int, f *failure) []byte {
	return mustJSON(struct {
		Errors []failureItem `json:"errors"`
	}{[]failureItem{c.failureItemFor(status, f)}})
}

func (c *call) apinizerErrorJSON(e *apinizerError) []byte {
	if c.fault(faultApinizerMissingErrorDescription) {
		return mustJSON(struct {
			Error string `json:"error"`
		}{e.code})
	}
	return mustJSON(struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}{e.code, e.description})
}

func (c *call) resultJSON(r *envResult) []byte {
	type result struct {
		EnvironmentName string `json:"environmentName"`
		Success         bool   `json:"success"`
		Message         string `json:"message"`
	}
	type deploymentResult struct {
		Success           bool     `json:"success"`
		DeploymentResults []result `json:"deploymentResults"`
	}
	var success any = true
	if c.fault(faultApinizerSuccessString) {
		success = "true"
	}
	return mustJSON(struct {
		Success          any              `json:"success"`
		DeploymentResult deploymentResult `json:"deploymentResult"`
	}{success, deploymentResult{true, []result{{r.environment, true, r.message}}}})
}

// oversizedPadding is how much the oversized-body fault pads an error's detail: past the
// runner's default 10 MiB cap.
const oversizedPadding = 11 << 20

// writeOversized sends resp's Failure with its detail padded past 10 MiB.
func (c *call) writeOversized(resp response) {
	const marker = "\x00pad\x00"
	f := *resp.failure
	f.detail = marker
	body := c.failureJSON(resp.status, &f)
	i := bytes.Index(body, []byte(`\u0000pad\u0000`))
	if i < 0 {
		i = len(body)
	}
	head, tail := body[:i], body[min(i+len(`\u0000pad\u0000`), len(body)):]
	h := c.rec.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(head) + oversizedPadding + len(tail))}
	c.rec.WriteHeader(resp.status)
	if _, err := c.rec.Write(head); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte{'x'}, 64<<10)
	for n := 0; n < oversizedPadding; n += len(chunk) {
		if _, err := c.rec.Write(chunk[:min(len(chunk), oversizedPadding-n)]); err != nil {
			return
		}
	}
	_, _ = c.rec.Write(tail)
}

// hangUp closes the connection without a response. Where the connection cannot be taken over
// (HTTP/2), it sends a 500 whose body ends before its declared length instead.
func (c *call) hangUp() {
	conn, _, err := http.NewResponseController(c.rec).Hijack()
	if err == nil {
		_ = conn.Close()
		return
	}
	c.rec.Header()["Content-Type"] = []string{"application/json"}
	c.rec.Header()["Content-Length"] = []string{"64"}
	c.rec.WriteHeader(http.StatusInternalServerError)
	_, _ = c.rec.Write([]byte(`{"errors":[`))
}

// mustJSON encodes v, which is always encodable (plain structs of strings, numbers, booleans).
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{}`)
	}
	return b
}
