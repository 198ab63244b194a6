package runner

import (
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// checkRequestParameters reports each path, query, header or cookie parameter of an observed
// request that the operation's parameters do not allow (missing when required, of the wrong
// type or form), by kin-openapi's openapi3filter.ValidateRequest.
func checkRequestParameters(in *Input) []Violation {
	f := in.requestErrors()
	var out []Violation
	for _, re := range f.parameters {
		p := re.Parameter
		v := Violation{
			SpecRef:  in.Op.SpecRef + "/parameters",
			Expected: fmt.Sprintf("a valid %s parameter %s", p.In, p.Name),
		}
		var se *openapi3.SchemaError
		switch {
		case errors.As(re.Err, &se):
			sv := schemaViolation(se, "")
			v.Message = fmt.Sprintf("the %s parameter %q: %s", p.In, p.Name, sv.Message)
			v.Expected, v.Actual = sv.Expected, sv.Actual
		case re.Err != nil && re.Reason == "":
			// A value that does not parse: its text may quote the value; say what kind it is not.
			v.Message = fmt.Sprintf("the %s parameter %q does not parse as its schema says", p.In, p.Name)
			v.Actual = "an unparseable value"
		default:
			v.Message = fmt.Sprintf("the %s parameter %q: %s", p.In, p.Name, re.Reason)
			if p.Required {
				v.Actual = "no value"
			}
		}
		out = append(out, v)
	}
	if f.other != nil {
		out = append(out, Violation{Message: "the request could not be checked: " + f.other.Error(), SpecRef: in.Op.SpecRef})
	}
	return out
}
