package traffic

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/apiconform/apiconform/runner"
)

// harEntry is the part of a HAR 1.2 entry an Observation is made of. Other fields (timings,
// cache, cookies, the "_"-prefixed vendor fields, websocket messages) are skipped by the
// decoder, save response._error, which says why a response is missing.
type harEntry struct {
	StartedDateTime string       `json:"startedDateTime"`
	Time            float64      `json:"time"`
	Request         *harRequest  `json:"request"`
	Response        *harResponse `json:"response"`
}

type harRequest struct {
	Method   string         `json:"method"`
	URL      string         `json:"url"`
	Headers  []harNameValue `json:"headers"`
	PostData *harPostData   `json:"postData"`
}

type harNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string     `json:"mimeType"`
	Text     string     `json:"text"`
	Params   []harParam `json:"params"`
	// Encoding is no HAR 1.2 field, but some tools write "base64" there as in content.
	Encoding string `json:"encoding"`
}

type harParam struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
}

type harResponse struct {
	// Status is a float so that a status written as 200.0 reads too.
	Status      float64        `json:"status"`
	HTTPVersion string         `json:"httpVersion"`
	Headers     []harNameValue `json:"headers"`
	Content     harContent     `json:"content"`
	// Error is Chrome's and mitmproxy's reason for a missing response (net::ERR_ABORTED).
	Error string `json:"_error"`
}

type harContent struct {
	Text     string `json:"text"`
	Encoding string `json:"encoding"`
}

// reset empties e for the next entry, keeping the storage of its header lists: the decoder
// leaves the fields an entry lacks as they are.
func (e *harEntry) reset() {
	req, resp := e.Request, e.Response
	*e = harEntry{}
	// encoding/json decodes list items into the elements already there: an item that lacks a
	// name or a value would keep the previous entry's (a credential, under another name). The
	// whole backing array is cleared before it is reused.
	if req != nil {
		clear(req.Headers[:cap(req.Headers)])
		*req = harRequest{Headers: req.Headers[:0]}
		e.Request = req
	}
	if resp != nil {
		clear(resp.Headers[:cap(resp.Headers)])
		*resp = harResponse{Headers: resp.Headers[:0]}
		e.Response = resp
	}
}

// observation maps the entry to an Observation. The entry is read as recorded: a body recorded
// already decoded whose headers still say Content-Encoding: gzip is taken as the decoded text
// and nothing is removed from the headers.
func (e *harEntry) observation() (runner.Observation, error) {
	req := e.Request
	if req == nil {
		return runner.Observation{}, errors.New("it has no request")
	}
	if req.Method == "" {
		return runner.Observation{}, errors.New("request.method is missing")
	}
	if req.URL == "" {
		return runner.Observation{}, errors.New("request.url is missing")
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		// The url.Error would repeat the whole URL, and with it any credential it carries.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return runner.Observation{}, fmt.Errorf("request.url is not a valid URL: %v", err)
	}
	obs := runner.Observation{
		Method:        req.Method,
		URL:           u,
		RequestHeader: harHeader(req.Headers),
		Started:       harTime(e.StartedDateTime),
		Duration:      harDuration(e.Time),
	}
	if obs.RequestBody, err = req.PostData.body(obs.RequestHeader); err != nil {
		return runner.Observation{}, err
	}
	resp := e.Response
	if resp == nil || resp.Status == 0 {
		obs.NoResponse = "no response was recorded (status 0)"
		if resp != nil && resp.Error != "" {
			obs.NoResponse = "no response was recorded: " + resp.Error
		}
		return obs, nil
	}
	if resp.Status != math.Trunc(resp.Status) || resp.Status < 100 || resp.Status > 999 {
		return runner.Observation{}, fmt.Errorf("response.status %v is not an HTTP status", resp.Status)
	}
	obs.Status = int(resp.Status)
	obs.Proto = resp.HTTPVersion
	obs.ResponseHeader = harHeader(resp.Headers)
	if obs.Status >= 200 { // an informational response (101 Switching Protocols) has no body
		if obs.ResponseBody, err = decodeText(resp.Content.Text, resp.Content.Encoding, "response.content"); err != nil {
			return runner.Observation{}, err
		}
	}
	return obs, nil
}

// harHeader builds a header from a HAR header list, keeping repeated names and leaving out the
// HTTP/2 pseudo-headers (":authority", ":status") and nameless items.
func harHeader(list []harNameValue) http.Header {
	h := make(http.Header, len(list))
	for _, nv := range list {
		if nv.Name == "" || nv.Name[0] == ':' {
			continue
		}
		h.Add(nv.Name, nv.Value)
	}
	return h
}

// body returns the request body a postData records: its text, or its params rendered as the
// form they were sent as when the text is absent.
func (p *harPostData) body(header http.Header) ([]byte, error) {
	if p == nil {
		return nil, nil
	}
	if p.Text != "" || len(p.Params) == 0 {
		return decodeText(p.Text, p.Encoding, "request.postData")
	}
	mimeType := p.MimeType
	if mimeType == "" {
		mimeType = header.Get("Content-Type")
	}
	if media, params, err := mime.ParseMediaType(mimeType); err == nil && media == "multipart/form-data" && params["boundary"] != "" {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		if err := w.SetBoundary(params["boundary"]); err == nil {
			for _, param := range p.Params {
				part := partHeader(param)
				pw, err := w.CreatePart(part)
				if err != nil {
					return nil, fmt.Errorf("request.postData.params: %v", err)
				}
				_, _ = pw.Write([]byte(param.Value))
			}
			_ = w.Close()
			return buf.Bytes(), nil
		}
	}
	var form strings.Builder
	for i, param := range p.Params {
		if i > 0 {
			form.WriteByte('&')
		}
		form.WriteString(url.QueryEscape(param.Name))
		form.WriteByte('=')
		form.WriteString(url.QueryEscape(param.Value))
	}
	return []byte(form.String()), nil
}

// partHeader returns the header of the multipart part of a form param.
func partHeader(p harParam) map[string][]string {
	disposition := map[string]string{"name": p.Name}
	if p.FileName != "" {
		disposition["filename"] = p.FileName
	}
	h := map[string][]string{"Content-Disposition": {mime.FormatMediaType("form-data", disposition)}}
	if p.ContentType != "" {
		h["Content-Type"] = []string{p.ContentType}
	}
	return h
}

// decodeText returns the bytes a HAR text holds: the text itself, or what its base64 encodes.
// An empty text is no body.
func decodeText(text, encoding, field string) ([]byte, error) {
	if text == "" {
		return nil, nil
	}
	switch encoding {
	case "":
		return []byte(text), nil
	case "base64":
		raw, err := decodeBase64(text)
		if err != nil {
			return nil, fmt.Errorf("%s.text is not valid base64: %v", field, err)
		}
		return raw, nil
	}
	return nil, fmt.Errorf("%s.encoding %q is not supported (only base64 is)", field, encoding)
}

// decodeBase64 decodes standard base64, with or without padding, ignoring line breaks.
func decodeBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil && !strings.HasSuffix(s, "=") {
		if raw2, err2 := base64.RawStdEncoding.DecodeString(s); err2 == nil {
			return raw2, nil
		}
	}
	return raw, err
}

// harTime parses startedDateTime; a date that is absent or not RFC 3339 leaves Started zero.
func harTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// harDuration turns the entry's time, in milliseconds, into a Duration; a negative time
// (unknown) is 0.
func harDuration(ms float64) time.Duration {
	switch ns := ms * 1e6; {
	case !(ns > 0):
		return 0
	case ns >= math.MaxInt64:
		return time.Duration(math.MaxInt64)
	default:
		return time.Duration(math.Round(ns))
	}
}

// typeErrorText says which field of an entry has a value of the wrong type.
func typeErrorText(err *json.UnmarshalTypeError) string {
	want := "a value of another type"
	if err.Type != nil {
		switch err.Type.Kind() {
		case reflect.String:
			want = "a string"
		case reflect.Float64, reflect.Int, reflect.Int64:
			want = "a number"
		case reflect.Slice:
			want = "a list"
		case reflect.Struct, reflect.Pointer:
			want = "an object"
		}
	}
	value := err.Value
	if strings.HasPrefix(value, "number") && want == "a number" && err.Field != "" {
		return fmt.Sprintf("%s is the %s, out of range", err.Field, value)
	}
	switch {
	case value == "array":
		value = "a list"
	case strings.HasPrefix(value, "number "):
		value = "the " + value
	case value == "bool":
		value = "true or false"
	case value == "object":
		value = "an object"
	case value != "":
		value = "a " + value
	}
	if err.Field == "" {
		return fmt.Sprintf("it is %s, not an object", value)
	}
	return fmt.Sprintf("%s is %s, not %s", err.Field, value, want)
}
