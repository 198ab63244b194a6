package runner

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// errNotPlainJSON is returned by decodePlainJSON for anything it leaves to encoding/json.
var errNotPlainJSON = errors.New("not plain JSON")

// maxPlainJSONDepth bounds the nesting decodePlainJSON decodes itself.
const maxPlainJSONDepth = 64

// decodePlainJSON decodes the first JSON value of data as a json.Decoder with UseNumber does
// (objects as map[string]any, arrays as []any, numbers as json.Number, strings, booleans, nil) and
// returns it with the offset just past it, which is what json.Decoder.InputOffset then says. It
// is a one-pass decoder for the bodies a conformance run sees; anything unusual (a syntax error,
// invalid UTF-8, a UTF-16 surrogate escape, nesting deeper than 64) makes it give up with
// errNotPlainJSON, and the caller decodes with encoding/json instead. When it succeeds, it
// agrees with encoding/json (FuzzDecodePlainJSON holds it to that).
func decodePlainJSON(data []byte) (any, int64, error) {
	d := plainDecoder{data: data}
	d.skipSpace()
	v, ok := d.value(0)
	if !ok {
		return nil, 0, errNotPlainJSON
	}
	return v, int64(d.pos), nil
}

type plainDecoder struct {
	data []byte
	pos  int
}

func (d *plainDecoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *plainDecoder) value(depth int) (any, bool) {
	if d.pos >= len(d.data) {
		return nil, false
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, ok := d.str()
		return s, ok
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, false
}

func (d *plainDecoder) literal(word string) bool {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return false
	}
	d.pos += len(word)
	return true
}

func (d *plainDecoder) object(depth int) (any, bool) {
	if depth > maxPlainJSONDepth {
		return nil, false
	}
	d.pos++ // {
	m := make(map[string]any)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, true
	}
	for {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, false
		}
		key, ok := d.str()
		if !ok {
			return nil, false
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, false
		}
		d.pos++
		d.skipSpace()
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		m[key] = v
		if end, ok := d.separator('}'); !ok {
			return nil, false
		} else if end {
			return m, true
		}
	}
}

// separator reads what follows a member or element: a comma (more follow) or the closing
// bracket (end is true); anything else is not plain JSON.
func (d *plainDecoder) separator(closing byte) (end, ok bool) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return false, false
	}
	switch d.data[d.pos] {
	case ',':
		d.pos++
		d.skipSpace()
		return false, true
	case closing:
		d.pos++
		return true, true
	}
	return false, false
}

func (d *plainDecoder) array(depth int) (any, bool) {
	if depth > maxPlainJSONDepth {
		return nil, false
	}
	d.pos++ // [
	a := make([]any, 0)
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return a, true
	}
	for {
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		if end, ok := d.separator(']'); !ok {
			return nil, false
		} else if end {
			return a, true
		}
	}
}

// number reads a number by the JSON grammar, -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?,
// ending where the grammar ends, as encoding/json's scanner does.
func (d *plainDecoder) number() (any, bool) {
	start, p, n := d.pos, d.pos, len(d.data)
	digits := func() bool {
		from := p
		for p < n && '0' <= d.data[p] && d.data[p] <= '9' {
			p++
		}
		return p > from
	}
	if d.data[p] == '-' {
		p++
	}
	switch {
	case p < n && d.data[p] == '0':
		p++
	case p < n && '1' <= d.data[p] && d.data[p] <= '9':
		digits()
	default:
		return nil, false
	}
	if p < n && d.data[p] == '.' {
		p++
		if !digits() {
			return nil, false
		}
	}
	if p < n && (d.data[p] == 'e' || d.data[p] == 'E') {
		p++
		if p < n && (d.data[p] == '+' || d.data[p] == '-') {
			p++
		}
		if !digits() {
			return nil, false
		}
	}
	d.pos = p
	return json.Number(d.data[start:p]), true
}

// str reads a string, unescaping it; it gives up on invalid UTF-8 and on surrogate escapes,
// which encoding/json replaces or combines.
func (d *plainDecoder) str() (string, bool) {
	d.pos++ // opening quote
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			raw := d.data[start:d.pos]
			d.pos++
			if !utf8.Valid(raw) {
				return "", false
			}
			return string(raw), true
		case c == '\\':
			return d.escapedStr(start)
		case c < 0x20:
			return "", false
		}
		d.pos++
	}
	return "", false
}

func (d *plainDecoder) escapedStr(start int) (string, bool) {
	out := append([]byte(nil), d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.data) {
			return "", false
		}
		e := d.data[d.pos+1]
		d.pos += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if d.pos+4 > len(d.data) {
				return "", false
			}
			r := rune(0)
			for _, h := range d.data[d.pos : d.pos+4] {
				switch {
				case '0' <= h && h <= '9':
					r = r<<4 | rune(h-'0')
				case 'a' <= h && h <= 'f':
					r = r<<4 | rune(h-'a'+10)
				case 'A' <= h && h <= 'F':
					r = r<<4 | rune(h-'A'+10)
				default:
					return "", false
				}
			}
			if 0xD800 <= r && r <= 0xDFFF {
				return "", false
			}
			d.pos += 4
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}
