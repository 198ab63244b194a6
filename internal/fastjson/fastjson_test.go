package fastjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestShallow: nesting is counted outside strings only, up to MaxDepth and no further.
func TestShallow(t *testing.T) {
	for _, tt := range []struct {
		data string
		want bool
	}{
		{strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth), true},
		{strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), false},
		{`{"a":"` + strings.Repeat("[", 500) + `"}`, true},
		{`{"a":"\"` + strings.Repeat("{", 500) + `"}`, true},
		{strings.Repeat(`[],`, 500), true},
	} {
		if got := Shallow([]byte(tt.data)); got != tt.want {
			t.Errorf("Shallow(%.40q) = %v, want %v", tt.data, got, tt.want)
		}
	}
}

var errTrailing = errors.New("trailing data")

// TestUnmarshalAsEncodingJSON: what Unmarshal and UnmarshalNumber accept they decode as
// encoding/json does; a deep document, trailing data and broken JSON are refused.
func TestUnmarshalAsEncodingJSON(t *testing.T) {
	for _, data := range []string{`{"a":[1,2.5,"x\u00e9",null,true],"a":{"b":1e400}}`, " [1] ", "\"\xff\"", `{} x`, `{"a":`, strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
		var got, want any
		ok := Unmarshal([]byte(data), &got)
		wantErr := json.Unmarshal([]byte(data), &want)
		if ok && (wantErr != nil || !reflect.DeepEqual(got, want)) {
			t.Errorf("%.40q: %#v; encoding/json: %#v, %v", data, got, want, wantErr)
		}
		if !ok && wantErr == nil && Shallow([]byte(data)) {
			t.Errorf("%.40q refused; encoding/json decodes it", data)
		}
		var n, wantN any
		dec := json.NewDecoder(strings.NewReader(data))
		dec.UseNumber()
		decErr := dec.Decode(&wantN)
		if decErr == nil && strings.TrimSpace(data[dec.InputOffset():]) != "" {
			decErr = errTrailing // something after the document
		}
		if okN := UnmarshalNumber([]byte(data), &n); okN && (decErr != nil || !reflect.DeepEqual(n, wantN)) {
			t.Errorf("%.40q: UnmarshalNumber %#v; Decoder.UseNumber: %#v, %v", data, n, wantN, decErr)
		} else if !okN && decErr == nil && Shallow([]byte(data)) {
			t.Errorf("%.40q refused by UnmarshalNumber; Decoder.UseNumber decodes it", data)
		}
	}
}
