// Package fastjson decodes JSON with github.com/segmentio/encoding/json, a maintained drop-in
// for encoding/json that parses in place and much faster, where it is safe to: segmentio's
// parser has no nesting limit and slows down sharply with depth (a 78 KB body of nested arrays
// took it 13 s; two million levels overflowed the stack), so a document nested deeper than a
// bound is refused here, for the caller to hand to encoding/json, which refuses more than
// 10,000 levels at once. Callers fall back to encoding/json on every false, so what they accept
// and the errors they give stay encoding/json's.
package fastjson

import (
	"bytes"

	segmentjson "github.com/segmentio/encoding/json"
)

// MaxDepth is the deepest nesting a document may have to be decoded here.
const MaxDepth = 64

// Unmarshal decodes data, one JSON document and nothing after it but spaces, into v as
// json.Unmarshal does; false (v then in any state) when data is nested deeper than MaxDepth or
// does not decode.
func Unmarshal(data []byte, v any) bool {
	return Shallow(data) && segmentjson.Unmarshal(data, v) == nil
}

// UnmarshalNumber is Unmarshal with numbers in interfaces as json.Number (encoding/json's
// Decoder.UseNumber).
func UnmarshalNumber(data []byte, v any) bool {
	if !Shallow(data) {
		return false
	}
	rest, err := segmentjson.Parse(data, v, segmentjson.UseNumber)
	return err == nil && len(rest) == 0
}

var openBrace, openBracket = []byte{'{'}, []byte{'['}

// Shallow reports whether the brackets of data, outside strings, nest at most MaxDepth deep:
// one pass over the bytes, with no judgement on whether it is JSON.
func Shallow(data []byte) bool {
	if bytes.Count(data, openBrace)+bytes.Count(data, openBracket) <= MaxDepth {
		return true // too few brackets to nest deeper (bytes.Count of one byte is vectorised)
	}
	depth, inString, escaped := 0, false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > MaxDepth {
				return false
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return true
}
