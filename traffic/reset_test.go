package traffic

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestHeaderItemsDoNotInheritFromTheEntryBefore guards a reuse bug: the reader reused the
// storage of an entry's header list, and encoding/json decodes a list item into what is already
// there, so a header item without a name or a value kept the previous entry's (its credential,
// unredacted, under another header).
func TestHeaderItemsDoNotInheritFromTheEntryBefore(t *testing.T) {
	har := `{"log":{"entries":[
	 {"request":{"method":"GET","url":"https://x/a","headers":[{"name":"Authorization","value":"Bearer SECRET-1234"}]},"response":{"status":200,"headers":[{"name":"X-One","value":"1"}]}},
	 {"request":{"method":"GET","url":"https://x/b","headers":[{"value":"no name"}]},"response":{"status":200,"headers":[{"name":"X-Two"}]}}
	]}}`
	r := NewHARReader(strings.NewReader(har), "t.har")
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	obs, err := r.Next()
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatal(err)
		}
		return // refused: nothing inherited
	}
	for name, vs := range obs.RequestHeader {
		for _, v := range vs {
			if strings.Contains(v, "SECRET") || name == "Authorization" {
				t.Errorf("the second entry inherited %s: %s", name, v)
			}
		}
	}
	if obs.ResponseHeader.Get("X-One") != "" {
		t.Errorf("the second entry's response inherited X-One: %v", obs.ResponseHeader)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("end: %v", err)
	}
}
