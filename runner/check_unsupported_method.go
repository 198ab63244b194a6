package runner

import (
	"net/http"
	"strings"
)

// checkUnsupportedMethod reports how a server answered a method the path does not document:
// anything but a 4xx is wrong (a 2xx did something nobody documented, a 5xx failed), and a 405
// must say in Allow which methods the path takes.
func checkUnsupportedMethod(in *Input) []Violation {
	if in.Intent == nil || !in.Intent.UnsupportedMethod {
		return nil
	}
	st := in.Response.Status
	allowed := strings.Join(in.Intent.Allowed, ", ")
	switch {
	case st >= 400 && st <= 499 && st != http.StatusMethodNotAllowed:
		return nil
	case st == http.StatusMethodNotAllowed:
		if in.Response.Header.Get("Allow") != "" {
			return nil
		}
		return []Violation{{Message: "a 405 without Allow", Expected: "Allow: " + allowed, Actual: "no Allow header", Header: "Allow"}}
	}
	return []Violation{{
		Message:  "the server answered a method the path does not document (it documents " + allowed + ")",
		Expected: "405 with Allow, or another 4xx",
		Actual:   statusText(st),
	}}
}
