package specs

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestLoadIsLoadBytesWithoutOrigins guards the shortcut of Load: the embedded documents it
// returns are those of LoadBytes in every field JSON shows, only without source positions.
func TestLoadIsLoadBytesWithoutOrigins(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			fast, err := Load(name)
			if err != nil {
				t.Fatal(err)
			}
			data, file, err := Source(name)
			if err != nil {
				t.Fatal(err)
			}
			full, err := LoadBytes(data, file)
			if err != nil {
				t.Fatal(err)
			}
			a, err := json.Marshal(fast)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(full)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("Load and LoadBytes differ:\n%s\n%s", a, b)
			}
			for _, item := range fast.Paths.Map() {
				for _, op := range item.Operations() {
					if op.Origin != nil {
						t.Errorf("Load recorded the origin of %s", op.OperationID)
					}
				}
			}
		})
	}
}
