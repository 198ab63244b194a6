package runner

import (
	"strconv"

	"github.com/tidwall/gjson"
)

// checkErrorStatusMatch reports status values of an error body that differ from the HTTP status
// code, where the API's profile says an error body carries its status (error-status: a field of
// each item of an array, such as errors[].status, of one error object, such as error.status, or
// of the body itself). It applies where the
// documented schema has that field; a status of the wrong JSON type is body-schema's finding,
// not this one's.
func checkErrorStatusMatch(in *Input) []Violation {
	doc := in.Documented
	if doc == nil || !doc.errorStatus {
		return nil
	}
	es := in.Op.api.profile.ErrorStatus
	want := strconv.Itoa(in.Response.Status)
	var out []Violation
	match := func(st gjson.Result, name string, at ...string) {
		if (st.Type != gjson.String && st.Type != gjson.Number) || st.String() == want {
			return // absent, or not a status at all (true, null, an object): body-schema's to say
		}
		out = append(out, Violation{
			Message:  name + " differs from the HTTP status",
			Expected: strconv.Quote(want),
			Actual:   st.Raw,
			Pointer:  pointer(at...),
			SpecRef:  doc.specRef,
		})
	}
	field := gjson.Escape(es.Field)
	if es.Items == "" {
		match(gjson.GetBytes(in.Response.Body, field), es.Field, es.Field)
	} else {
		holder := gjson.GetBytes(in.Response.Body, gjson.Escape(es.Items))
		if holder.IsObject() { // the one error object
			match(holder.Get(field), es.Items+"."+es.Field, es.Items, es.Field)
		} else {
			holder.ForEach(func(key, item gjson.Result) bool {
				i := key.String()
				match(item.Get(field), es.Items+"["+i+"]."+es.Field, es.Items, i, es.Field)
				return true
			})
		}
	}
	if len(out) > 0 && !in.validJSON() {
		return nil // gjson reads any text; only a JSON body is held to its status
	}
	return out
}
