package runner

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Body is a request or response body. In JSON it is a string when it is valid UTF-8 (a JSON
// body reads as itself in reports), else "base64:" and its base64 encoding (also for a text
// that starts with "base64:" itself, so that it reads back as it was).
type Body []byte

// MarshalJSON renders the body as a string.
func (b Body) MarshalJSON() ([]byte, error) {
	if utf8.Valid(b) && !bytes.HasPrefix(b, []byte("base64:")) {
		return json.Marshal(string(b))
	}
	return json.Marshal("base64:" + base64.StdEncoding.EncodeToString(b))
}

// Exchange is one request fired at a target and what came back, recorded for the checks and for
// reports. The recorded request is already redacted: it never holds a credential.
type Exchange struct {
	OperationID string            `json:"operation_id"`
	Request     RecordedRequest   `json:"request"`
	Response    *RecordedResponse `json:"response,omitempty"`
	Started     time.Time         `json:"started"`
	Duration    time.Duration     `json:"duration_ns"`
	// Err is set when no HTTP response was received (refused, reset, timed out, TLS failure).
	Err *TransportError `json:"transport_error,omitempty"`
}

// RecordedRequest is the request as sent, with credentials redacted.
type RecordedRequest struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Path   string      `json:"path"`
	Header http.Header `json:"header,omitempty"`
	Body   Body        `json:"body,omitempty"`
}

// RecordedResponse is what the target answered. Body holds at most the client's cap; Truncated
// says the target sent more.
type RecordedResponse struct {
	Status    int         `json:"status"`
	Proto     string      `json:"proto"`
	Header    http.Header `json:"header"`
	Body      Body        `json:"body,omitempty"`
	Truncated bool        `json:"truncated,omitempty"`
	// Cap is the body cap in bytes that Truncated refers to.
	Cap int64 `json:"cap,omitempty"`
	// ReadErr is set when the body could not be read to its end (reset, timeout mid-body).
	ReadErr string `json:"read_error,omitempty"`
}

// Status returns the response status, or 0 when no response arrived.
func (e *Exchange) Status() int {
	if e == nil || e.Response == nil {
		return 0
	}
	return e.Response.Status
}

// TransportError says why no HTTP response arrived. Kind is one of the TransportKind constants.
type TransportError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// Kinds of transport error.
const (
	TransportRefused  = "connection-refused"
	TransportTimeout  = "timeout"
	TransportReset    = "connection-reset"
	TransportTLS      = "tls"
	TransportProtocol = "protocol"
	TransportOther    = "other"
)

func (e *TransportError) Error() string { return e.Kind + ": " + e.Message }

// UnmarshalJSON reads what MarshalJSON writes.
func (b *Body) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	if rest, ok := strings.CutPrefix(s, "base64:"); ok {
		raw, err := base64.StdEncoding.DecodeString(rest)
		if err != nil {
			return err
		}
		*b = raw
		return nil
	}
	*b = Body(s)
	return nil
}
