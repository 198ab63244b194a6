package runner

import (
	"fmt"
	"mime"
	"strings"
)

// checkContentType reports a media type the spec does not declare for the status, a body where
// none is declared, and a missing body where one is.
func checkContentType(in *Input) []Violation {
	doc := in.Documented
	if doc == nil {
		return nil
	}
	resp := in.Response
	ct := resp.Header.Get("Content-Type")
	ref := doc.contentRef
	if len(doc.declared) == 0 {
		if len(resp.Body) == 0 {
			return nil
		}
		return []Violation{{
			Message:  fmt.Sprintf("status %s declares no body, but the response has one", doc.key),
			Expected: "no body",
			Actual:   fmt.Sprintf("%d bytes of %s", len(resp.Body), orUnknown(ct)),
			SpecRef:  doc.specRef,
		}}
	}
	want := doc.declaredWant
	if len(resp.Body) == 0 {
		if resp.ReadErr != "" {
			return nil // the body was cut off before its first byte: response-received reports it
		}
		return []Violation{{
			Message:  fmt.Sprintf("status %s declares a body (%s), but the response has none", doc.key, want),
			Expected: want,
			Actual:   "an empty body",
			SpecRef:  ref,
		}}
	}
	if ct == "" {
		return []Violation{{
			Message:  "the response has a body but no Content-Type header",
			Expected: want,
			Actual:   "no Content-Type",
			Header:   "Content-Type",
			SpecRef:  ref,
		}}
	}
	mt, err := in.mediaType()
	if err != nil {
		return []Violation{{
			Message:  "the Content-Type header is not a valid media type",
			Expected: want,
			Actual:   ct,
			Header:   "Content-Type",
			SpecRef:  ref,
		}}
	}
	if doc.resp.Content.Get(mt) == nil {
		return []Violation{{
			Message:  fmt.Sprintf("media type %s is not declared for status %s", mt, doc.key),
			Expected: want,
			Actual:   mt,
			Header:   "Content-Type",
			SpecRef:  ref,
		}}
	}
	return nil
}

// mediaTypeMemo holds the response's media type once parsed (Input.mediaType).
type mediaTypeMemo struct {
	done bool
	mt   string
	err  error
}

// mediaType returns the media type of the response's Content-Type, as mime.ParseMediaType
// gives it, parsed once per exchange.
func (in *Input) mediaType() (string, error) {
	if !in.media.done {
		in.media.done = true
		in.media.mt, in.media.err = parseMediaType(in.Response.Header.Get("Content-Type"))
	}
	return in.media.mt, in.media.err
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

func orUnknown(ct string) string {
	if ct == "" {
		return "unknown type"
	}
	return ct
}
