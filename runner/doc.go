// Package runner is the engine of apiconform: it holds a loaded spec as an API (operations indexed
// by operation ID, a router, per-response facts computed once), fires requests at a target with a
// bounded Client, records each Exchange, and runs the registered checks on it.
//
// Checks are named units with stable kebab-case IDs (status-documented, body-schema, ...), all
// listed in one table (see All). Each check is one function in its own file, check_<id>.go, with
// its tests beside it and what only it uses. The facts of an exchange that checks read (the
// documented response, header look-ups, the media type, the body decoded as JSON once) are worked
// out once per exchange, in facts.go; the helpers that write findings are in findings.go. A check
// returns Violations: plain data (check ID, severity, operation, request, what the spec expects,
// what came back, the JSON pointer) that later layers render as text, JSON or JUnit. Checks never
// echo credentials: a Redactor scrubs every violation and every recorded request before it leaves
// the engine.
//
// Unlike kin-openapi on its own, the checks report every violation in a response: undocumented
// statuses, missing documented headers, header type errors and body schema errors are each their
// own finding, and one never hides another.
package runner
