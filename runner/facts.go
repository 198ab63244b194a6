package runner

import (
	"bytes"
	"encoding/json"
	"mime"
	"strconv"
	"strings"

	"github.com/apiconform/apiconform/internal/fastjson"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/tidwall/gjson"
)

// exchangeFacts are the facts of one exchange that checks read, and this file is their one home.
// Each is worked out at most once per exchange, the first time a check asks, and kept here (Input
// embeds exchangeFacts; a fact's zero value means "not asked yet"), so that checks that run
// together share it and a check run alone finds the same. They are:
//
//   - the documented response (Input.Documented, set by the Checker before the first check):
//     documentedResponse;
//   - response header look-ups: header, contentType;
//   - the media type of the response (mediaType), whether it is JSON (isJSONMediaType), and what
//     the spec declares for it (documentedMedia);
//   - the body decoded as JSON, once, by encoding/json as kin-openapi decodes JSON bodies
//     (jsonBody: body-schema validates it, the drift checks walk it with its schema:
//     documentedJSON), and whether the body is one JSON document (jsonDocument);
//   - whether the body is JSON to gjson (validJSON), for the checks that look paths up with gjson
//     (body-expected, error-status-match);
//   - what kin-openapi finds wrong with an observed request (requestErrors), for the request
//     checks.
//
// Adding a check that needs a new fact of the exchange means adding the fact here (a field of
// exchangeFacts and a method of *Input that fills it on first use), never in the check's own
// file or another check's. What only one check works out stays in its check_<id>.go file; the
// helpers that write findings are in findings.go; facts about the spec (per operation and
// response, worked out once when the spec is loaded) are in api.go.
type exchangeFacts struct {
	media      mediaTypeFact
	bodyMedia  documentedMediaFact
	json       jsonBodyFact
	gjsonValid validJSONFact
	request    requestFindings
}

// documentedResponse is the spec's response for the status of resp (the exact status, else its
// range such as 4XX, else default), or nil when the status is undocumented or no response
// arrived. The Checker sets Input.Documented to it before the first check runs.
func documentedResponse(op *Operation, resp *RecordedResponse) *responseFacts {
	if resp == nil {
		return nil
	}
	return op.response(resp.Status)
}

// header returns the first value of a response header, as Header.Get does. canonical must be
// the name as net/http keys it (Content-Type, X-Trace-Id), so that it is not canonicalised on
// every call.
func (in *Input) header(canonical string) string {
	if vs := in.Response.Header[canonical]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// contentType returns the response's Content-Type header, "" when it has none.
func (in *Input) contentType() string { return in.header("Content-Type") }

// mediaTypeFact is the media type of the response's Content-Type (Input.mediaType).
type mediaTypeFact struct {
	done bool
	mt   string
	err  error
}

// mediaType returns the media type of the response's Content-Type, as mime.ParseMediaType
// gives it (lower case, no parameters), or its error.
func (in *Input) mediaType() (string, error) {
	m := &in.media
	if !m.done {
		m.done = true
		m.mt, m.err = parseMediaType(in.contentType())
	}
	return m.mt, m.err
}

// parseMediaType returns what mime.ParseMediaType returns as the media type, without its
// parameter map when ct is already a bare lower-case type/subtype (application/json).
func parseMediaType(ct string) (string, error) {
	if isBareMediaType(ct) {
		return ct, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	return mt, err
}

// isBareMediaType reports whether ct is token/token in lower case with nothing around it, which
// mime.ParseMediaType returns unchanged.
func isBareMediaType(ct string) bool {
	slash := strings.IndexByte(ct, '/')
	if slash <= 0 || slash == len(ct)-1 {
		return false
	}
	for i := 0; i < len(ct); i++ {
		c := ct[i]
		switch {
		case i == slash:
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isJSONMediaType reports whether kin-openapi reads a body of media type mt (parsed: lower case,
// no parameters) as JSON: its registered body decoders decode application/json, and every
// */*+json type (those it registers by name, and the others by falling back to
// application/json's decoder), with openapi3filter.JSONBodyDecoder; no other type.
func isJSONMediaType(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// documentedMediaFact is what the documented response declares for the response's media type
// (Input.documentedMedia).
type documentedMediaFact struct {
	done  bool
	media *openapi3.MediaType
}

// documentedMedia returns what the documented response declares for the response's media type
// (openapi3.Content.Get: the type itself, else a range such as application/* or */*), or nil when
// the status is undocumented, the media type does not parse or the response declares nothing for
// it.
func (in *Input) documentedMedia() *openapi3.MediaType {
	m := &in.bodyMedia
	if !m.done {
		m.done = true
		if in.Documented != nil {
			if mt, err := in.mediaType(); err == nil {
				m.media = in.Documented.resp.Content.Get(mt)
			}
		}
	}
	return m.media
}

// jsonBodyFact is the response body decoded as JSON (Input.jsonBody, Input.jsonDocument).
type jsonBodyFact struct {
	done  bool
	value any
	err   error
	// end is the offset just past the decoded value.
	end int64
	// documentDone and document hold jsonDocument's answer once worked out.
	documentDone, document bool
}

// jsonBody returns the response body decoded as openapi3filter.JSONBodyDecoder, kin-openapi's
// JSON body decoder, decodes it: the first JSON value of the body, read by an encoding/json
// Decoder with UseNumber (objects as map[string]any, arrays as []any, numbers as json.Number,
// the last of duplicate names kept), whatever follows it ignored. The body is decoded once per
// exchange; checks only read the value.
//
// A body that is one JSON document and nothing else, not deeply nested (the usual case), is
// decoded in place by internal/fastjson (segmentio/encoding/json), which gives the same value as
// encoding/json without copying the body into a Decoder's buffer; any other body (an error,
// something after the value, deep nesting) goes to the encoding/json Decoder itself, so that
// what is accepted, and the error, are kin-openapi's. TestJSONBodyIsKinOpenAPIsDecoding and
// FuzzSharedJSONBody hold the two to each other.
func (in *Input) jsonBody() (any, error) {
	m := &in.json
	if !m.done {
		m.done = true
		body := in.Response.Body
		if fastjson.UnmarshalNumber(body, &m.value) {
			m.end = int64(len(body))
			return m.value, nil
		}
		m.value = nil
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&m.value); err != nil {
			m.value, m.err = nil, err
		} else {
			m.end = dec.InputOffset()
		}
	}
	return m.value, m.err
}

// jsonDocument reports whether the body is one JSON document: jsonBody decodes it, and
// json.Unmarshal into an interface would accept it too (nothing but whitespace after the value,
// every number within float64's range). The drift checks report only on such a body.
func (in *Input) jsonDocument() bool {
	m := &in.json
	if !m.documentDone {
		m.documentDone = true
		v, err := in.jsonBody()
		m.document = err == nil && onlyJSONAfter(in.Response.Body, m.end) && numbersFitFloat64(v)
	}
	return m.document
}

// onJSONDocument returns findings made on the decoded body (documentedJSON) when the body is
// one JSON document (jsonDocument), and none otherwise. The drift checks walk the decoded body
// first and ask only when they found something: a conformant body costs no second look.
func (in *Input) onJSONDocument(findings []Violation) []Violation {
	if len(findings) == 0 || !in.jsonDocument() {
		return nil
	}
	return findings
}

// onlyJSONAfter reports whether body holds nothing but JSON whitespace from offset end on.
func onlyJSONAfter(body []byte, end int64) bool {
	if end < 0 || end > int64(len(body)) {
		return false
	}
	for _, c := range body[end:] {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// numbersFitFloat64 reports whether every number in v converts to a float64, as json.Unmarshal
// into an interface requires.
func numbersFitFloat64(v any) bool {
	switch x := v.(type) {
	case json.Number:
		_, err := strconv.ParseFloat(string(x), 64)
		return err == nil
	case map[string]any:
		for _, e := range x {
			if !numbersFitFloat64(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !numbersFitFloat64(e) {
				return false
			}
		}
	}
	return true
}

// documentedJSON returns the schema the spec declares for the response's media type, the
// decoded body (jsonBody) and the schema's JSON pointer in the spec; the schema is nil when there
// is no such pair: an undocumented status, an empty or cut body, no schema declared for the media
// type, or a body that does not decode. It is what the drift checks walk; they keep what they
// find only on a JSON document (onJSONDocument), which their json.Unmarshal once required.
func (in *Input) documentedJSON() (*openapi3.Schema, any, string) {
	doc, resp := in.Documented, in.Response
	if doc == nil || len(resp.Body) == 0 || resp.Truncated {
		return nil, nil, ""
	}
	media := in.documentedMedia()
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, nil, ""
	}
	v, err := in.jsonBody()
	if err != nil {
		return nil, nil, ""
	}
	mt, _ := in.mediaType()
	return media.Schema.Value, v, doc.schemaRef(mt)
}

// validJSONFact is gjson's verdict on the body (Input.validJSON).
type validJSONFact struct{ done, valid bool }

// validJSON reports gjson.ValidBytes(body), scanning the body once per exchange: the checks that
// look paths up in the body with gjson ask it first.
func (in *Input) validJSON() bool {
	m := &in.gjsonValid
	if !m.done {
		m.done = true
		m.valid = gjson.ValidBytes(in.Response.Body)
	}
	return m.valid
}

// requestFindings is what kin-openapi's openapi3filter.ValidateRequest says of an observed
// request, sorted by what it is about, for the three request checks (Input.requestErrors).
type requestFindings struct {
	done       bool
	parameters []*openapi3filter.RequestError
	body       []*openapi3filter.RequestError
	security   []*openapi3filter.SecurityRequirementsError
	// other holds an error that fits none of them (the request could not be rebuilt).
	other error
}

// requestErrors validates the exchange's request against its operation (validateRequest), once.
func (in *Input) requestErrors() *requestFindings {
	f := &in.request
	if !f.done {
		f.done = true
		validateRequest(in, f)
	}
	return f
}
