package runner

import (
	"fmt"
	"strings"
)

// checkRequestBody reports an observed request body that the operation's requestBody does not
// allow: missing when required, of an undeclared media type, not parsing, or breaking the
// schema (every schema error with its JSON pointer into the request body).
func checkRequestBody(in *Input) []Violation {
	ref := in.Op.SpecRef + "/requestBody"
	var out []Violation
	for _, re := range in.requestErrors().body {
		if ses := schemaErrors(re.Err); len(ses) > 0 {
			for _, se := range ses {
				v := schemaViolation(se, ref)
				v.Message = "the request body: " + v.Message
				out = append(out, v)
			}
			continue
		}
		reason := re.Reason
		if reason == "" && re.Err != nil {
			reason = re.Err.Error() // kin-openapi's sentinel errors, which hold no value
		}
		v := Violation{SpecRef: ref, Message: "the request body: " + reason}
		switch {
		case strings.Contains(reason, "failed to decode"):
			v.Message = "the request body does not parse as its media type says"
			v.Expected, v.Actual = "a body that parses", "unparseable body"
		case strings.Contains(reason, "required but missing"):
			v.Expected, v.Actual = "a body", "no body"
		case strings.Contains(reason, "Content-Type"):
			v.Expected = "a media type the requestBody declares"
			v.Actual = fmt.Sprintf("%q", in.Exchange.Request.Header.Get("Content-Type"))
		}
		out = append(out, v)
	}
	return out
}
