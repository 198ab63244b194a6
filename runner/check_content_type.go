package runner

import (
	"fmt"
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
	ct := in.contentType()
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
	if len(resp.Body) == 0 {
		if resp.ReadErr != "" {
			return nil // the body was cut off before its first byte: response-received reports it
		}
		want := declaredTypes(doc)
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
			Expected: declaredTypes(doc),
			Actual:   "no Content-Type",
			Header:   "Content-Type",
			SpecRef:  ref,
		}}
	}
	mt, err := in.mediaType()
	if err != nil {
		return []Violation{{
			Message:  "the Content-Type header is not a valid media type",
			Expected: declaredTypes(doc),
			Actual:   ct,
			Header:   "Content-Type",
			SpecRef:  ref,
		}}
	}
	if in.documentedMedia() == nil {
		return []Violation{{
			Message:  fmt.Sprintf("media type %s is not declared for status %s", mt, doc.key),
			Expected: declaredTypes(doc),
			Actual:   mt,
			Header:   "Content-Type",
			SpecRef:  ref,
		}}
	}
	return nil
}

// declaredTypes names the media types the response declares: "application/json or text/plain".
func declaredTypes(doc *responseFacts) string {
	return strings.Join(doc.declared, " or ")
}

func orUnknown(ct string) string {
	if ct == "" {
		return "unknown type"
	}
	return ct
}
