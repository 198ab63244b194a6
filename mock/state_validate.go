package mock

import (
	"github.com/apiconform/apiconform/mock/apinizer"
	"github.com/apiconform/apiconform/mock/confluent"
	"github.com/apiconform/apiconform/mock/internal/core"
)

// validate returns every problem of s, in document order, each at its path from the document
// root. It does not change s.
func validate(s *State) []core.Problem {
	v := &core.Validator{}
	confluent.Validate(v, "confluent", &s.Confluent)
	apinizer.Validate(v, "apinizer", &s.Apinizer)
	return v.Problems
}
