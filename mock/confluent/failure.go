package confluent

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"github.com/apiconform/apiconform/mock/internal/core"
)

// Errors is Confluent's error shape: a Failure body, {"errors": [Error]}, one error whose id is
// the request ID, with the error faults applied (text-plain-error, oversized-body,
// error-status-number, error-status-mismatch, error-extra-property). The mock's own endpoints
// answer in it too.
var Errors core.ErrorShape = failures{}

type failures struct{}

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

// errorSource is the source of a Confluent error: a JSON pointer into the request body, or the
// name of the parameter.
type errorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

func (failures) Payload(c *core.Call, status int, e *core.Error) core.Payload {
	if c.Fault(core.TextPlainError) {
		return core.Payload{ContentType: "text/plain; charset=utf-8",
			Body: []byte(strconv.Itoa(status) + " " + http.StatusText(status) + ": " + e.Detail + "\n")}
	}
	if c.Fault(core.OversizedBody) {
		return oversized(c, status, e)
	}
	return core.Payload{Body: failureJSON(c, status, e)}
}

// failureJSON encodes the Failure body of e.
func failureJSON(c *core.Call, status int, e *core.Error) []byte {
	item := failureItem{ID: c.RequestID, Status: strconv.Itoa(status), Code: e.Code, Title: e.Title, Detail: e.Detail}
	if e.Pointer != "" || e.Parameter != "" {
		item.Source = &errorSource{Pointer: e.Pointer, Parameter: e.Parameter}
	}
	switch {
	case c.Fault(core.ErrorStatusNumber):
		item.Status = status
	case c.Fault(core.ErrorStatusMismatch):
		item.Status = "500"
		if status == http.StatusInternalServerError {
			item.Status = "503"
		}
	}
	if c.Fault(core.ErrorExtraProperty) {
		item.Hint = "see the documentation"
	}
	return core.MustJSON(struct {
		Errors []failureItem `json:"errors"`
	}{[]failureItem{item}})
}

// oversizedPadding is how much the oversized-body fault pads an error's detail: past the
// runner's default 10 MiB cap.
const oversizedPadding = 11 << 20

// oversized is e's Failure body with its detail padded past 10 MiB, streamed.
func oversized(c *core.Call, status int, e *core.Error) core.Payload {
	const marker = "\x00pad\x00"
	padded := *e
	padded.Detail = marker
	body := failureJSON(c, status, &padded)
	i := bytes.Index(body, []byte(`\u0000pad\u0000`))
	if i < 0 {
		i = len(body)
	}
	head, tail := body[:i], body[min(i+len(`\u0000pad\u0000`), len(body)):]
	return core.Payload{Length: len(head) + oversizedPadding + len(tail), Stream: func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		chunk := bytes.Repeat([]byte{'x'}, 64<<10)
		for n := 0; n < oversizedPadding; n += len(chunk) {
			if _, err := w.Write(chunk[:min(len(chunk), oversizedPadding-n)]); err != nil {
				return err
			}
		}
		_, err := w.Write(tail)
		return err
	}}
}
