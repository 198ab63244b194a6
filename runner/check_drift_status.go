package runner

import (
	"strconv"
	"strings"
)

// checkDriftStatus records a status the pinned spec does not describe, for the drift summary.
// (status-documented reports the same response as a contract violation.)
func checkDriftStatus(in *Input) []Violation {
	if in.Documented != nil {
		return nil
	}
	return []Violation{{
		Message:  "the server answered " + strconv.Itoa(in.Response.Status) + ", a status the pinned spec does not describe for " + in.Op.ID,
		Expected: "one of " + strings.Join(in.Op.DocumentedStatuses(), ", "),
		Actual:   strconv.Itoa(in.Response.Status),
		SpecRef:  in.Op.SpecRef + "/responses",
	}}
}
