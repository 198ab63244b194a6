// Package core is what the mock's APIs share: the state store (one lock over every API's live
// state, a reset and a snapshot that see them all at one instant), the router (each API
// registers http.ServeMux patterns; every answer, 404 and 405 included, is the mock's own),
// faults (the bits of the one fault table in package mock, each API holding those of its own),
// request IDs, the rate limiter, the request log, and writing a response (error bodies in the
// shape of the API the request is for).
//
// It knows no vendor: mock/confluent and mock/apinizer build on it, and package mock assembles
// them.
package core
