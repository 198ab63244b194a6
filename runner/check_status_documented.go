package runner

import (
	"strconv"
	"strings"
)

// checkStatusDocumented reports a status the operation does not declare (and no default).
func checkStatusDocumented(in *Input) []Violation {
	if in.Documented != nil {
		return nil
	}
	return []Violation{{
		Message:  "status " + strconv.Itoa(in.Response.Status) + " is not documented for " + in.Op.ID,
		Expected: "one of " + strings.Join(in.Op.DocumentedStatuses(), ", "),
		Actual:   statusText(in.Response.Status),
		SpecRef:  in.Op.SpecRef + "/responses",
	}}
}
