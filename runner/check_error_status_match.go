package runner

import (
	"strconv"

	"github.com/tidwall/gjson"
)

// checkErrorStatusMatch reports errors[].status values of a Failure body that differ from the
// HTTP status code. It applies where the documented schema has errors[].status (Confluent); a
// status of the wrong JSON type is body-schema's finding, not this one's.
func checkErrorStatusMatch(in *Input) []Violation {
	doc := in.Documented
	if doc == nil || !doc.errorStatus || !in.validJSON() {
		return nil
	}
	want := strconv.Itoa(in.Response.Status)
	var out []Violation
	gjson.GetBytes(in.Response.Body, "errors").ForEach(func(key, item gjson.Result) bool {
		st := item.Get("status")
		if !st.Exists() || st.String() == want {
			return true
		}
		i := key.String()
		out = append(out, Violation{
			Message:  "errors[" + i + "].status differs from the HTTP status",
			Expected: strconv.Quote(want),
			Actual:   st.Raw,
			Pointer:  pointer("errors", i, "status"),
			SpecRef:  doc.specRef,
		})
		return true
	})
	return out
}
