package runner

import (
	"encoding/json"
	"testing"
)

func TestBodyJSONRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		body Body
		want string
	}{
		{Body(`{"a":1}`), `"{\"a\":1}"`},
		{Body{0xff, 0xfe}, `"base64://4="`},
		{nil, `""`},
	} {
		got, err := json.Marshal(tt.body)
		if err != nil || string(got) != tt.want {
			t.Errorf("Marshal(%q) = %s, %v; want %s", tt.body, got, err, tt.want)
		}
		var back Body
		if err := json.Unmarshal(got, &back); err != nil || string(back) != string(tt.body) {
			t.Errorf("round trip of %q gave %q, %v", tt.body, back, err)
		}
	}
}

// TestBodyStartingWithBase64RoundTrips: every body reads back as it was written, a text that
// "base64:" included.
func TestBodyStartingWithBase64RoundTrips(t *testing.T) {
	for _, b := range []Body{nil, Body(`{"a":1}`), Body("base64:aGk="), Body{0xff, 0x00, 'x'}, Body("é")} {
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		var back Body
		if err := json.Unmarshal(data, &back); err != nil || string(back) != string(b) {
			t.Errorf("%q -> %s -> %q (%v)", b, data, back, err)
		}
	}
}
