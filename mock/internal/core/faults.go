package core

// Fault is one way the mock can break its contract: a bit of a FaultSet. The one table that
// names them, says which API each breaks and which check catches it is package mock's
// (faults.go); an API is given the set of the faults the table gives it, so that asking "is
// fault F on?" (Call.Fault) is asking "is it on for this request's API?".
type Fault uint32

// The faults, in the order of the table.
const (
	DropRequestID Fault = 1 << iota
	DuplicateRequestID
	ErrorStatusNumber
	ErrorExtraProperty
	ErrorStatusMismatch
	RateLimitResetEpoch
	RateLimitRemainingAboveLimit
	RateLimitNonInteger
	MissingRetryAfter
	MissingWWWAuthenticate
	UndocumentedStatus
	TextPlainError
	OversizedBody
	HangUp
	ApinizerMissingErrorDescription
	ApinizerSuccessString
	RateLimitOnErrors
	LongIDServerError
	DeleteWithoutCredentials
	ApinizerPersistentString
	PutEnvironment
)

// FaultSet is a set of faults.
type FaultSet Fault

// Has reports whether f is in the set.
func (s FaultSet) Has(f Fault) bool { return Fault(s)&f != 0 }

// With returns the set with f added.
func (s FaultSet) With(f Fault) FaultSet { return s | FaultSet(f) }
