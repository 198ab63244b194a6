package core

// API is one API the mock serves (or the mock's own endpoints): what the answers to its requests
// have in common, whichever route answers them (its own, or the core's 404, 405, 413, 400 and
// 500). A request is for the API whose route matched it, else for the API that claims its path
// (Router.Claim).
type API struct {
	// Name is the API's name in the fault table ("confluent", "apinizer"); empty for the mock's
	// own endpoints.
	Name string
	// Faults are the server's faults that apply to this API: those the table gives Name.
	Faults FaultSet
	// Errors shapes the API's error bodies.
	Errors ErrorShape
	// NotFoundHint, when set, returns what to add to the detail of a 404 for a path no route
	// matches (e.g. that the API's paths end with a slash).
	NotFoundHint func(escapedPath string) string
}

// Error is an error answer before its API shapes it (see ErrorShape).
type Error struct {
	Code, Title, Detail string
	// Pointer (a JSON pointer into the request body) or Parameter (a parameter's name) says
	// where the problem is, for shapes that have room for it.
	Pointer, Parameter string
}

// ErrorShape renders errors in an API's shape, as the response is written (after the state lock
// is released), with the faults of the request's API applied.
type ErrorShape interface {
	Payload(c *Call, status int, e *Error) Payload
}
