package report

import (
	"encoding/json"
	"io"

	"github.com/apiconform/apiconform/run"
)

// JSON writes the whole Result as indented JSON (`apiconform run --format json`): the same data
// every other format is rendered from.
func JSON(w io.Writer, r *run.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
