package runner

import (
	"fmt"
	"mime"
	"sort"
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
	declared := declaredMediaTypes(doc)
	ref := doc.specRef + "/content"
	if len(declared) == 0 {
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
	want := strings.Join(declared, " or ")
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
	mt, _, err := mime.ParseMediaType(ct)
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

func declaredMediaTypes(doc *responseFacts) []string {
	out := make([]string, 0, len(doc.resp.Content))
	for mt := range doc.resp.Content {
		out = append(out, mt)
	}
	sort.Strings(out)
	return out
}

func orUnknown(ct string) string {
	if ct == "" {
		return "unknown type"
	}
	return ct
}
