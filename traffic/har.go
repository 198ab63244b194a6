package traffic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/apiconform/apiconform/runner"
)

// HARReader reads the entries of a HAR 1.2 file one at a time, in bounded memory: it walks the
// JSON tokens down to log.entries and decodes one entry at a time, so only the entry being read
// is held (a file of any size reads in the memory of its largest entry). The keys of the file
// may come in any order (log.entries before or after version, creator and pages); other keys,
// and the "_"-prefixed vendor fields of entries, are skipped. A UTF-8 BOM at the start is
// skipped. A HARReader is not safe for concurrent use.
type HARReader struct {
	r     io.Reader
	name  string
	dec   *json.Decoder
	bom   int64 // length of the BOM skipped at the start (0 or 3)
	state harState
	next  int   // index of the next entry in log.entries
	err   error // the final error, returned by every later call
	// sawLog and sawEntries record what the walk found, to tell a HAR from another JSON object.
	sawLog, sawEntries bool
	entry              harEntry // reused between entries
}

type harState uint8

const (
	harStart   harState = iota // nothing read yet
	harTop                     // inside the top-level object
	harLog                     // inside log
	harEntries                 // inside log.entries
	harEnd                     // after the top-level object
	harDone                    // io.EOF returned
)

// utf8BOM is the byte order mark some tools write at the start of a UTF-8 file.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// NewHARReader returns a reader of the HAR file r. name names the file in errors (a path, or
// "stdin"). Nothing is read before the first call to Next.
func NewHARReader(r io.Reader, name string) *HARReader {
	return &HARReader{r: r, name: name}
}

// Next returns the next entry as an Observation, io.EOF after the last one. An error is either
// a *FormatError, when the file is not a well-formed HAR file, or an error of the underlying
// reader. A FormatError with Skipped set concerns one entry only (a URL that does not parse, a
// body whose base64 is bad, a field of the wrong type): Next may be called again to read on.
// Any other error is final: Next returns it again. Every entry before an error has been
// returned by earlier calls.
func (h *HARReader) Next() (runner.Observation, error) {
	if h.err != nil {
		return runner.Observation{}, h.err
	}
	obs, err := h.advance()
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) || !fe.Skipped {
			h.err = err
		}
	}
	return obs, err
}

// advance walks the tokens to the next entry and decodes it.
func (h *HARReader) advance() (runner.Observation, error) {
	for {
		switch h.state {
		case harStart:
			if err := h.start(); err != nil {
				return runner.Observation{}, err
			}
			h.state = harTop
		case harTop:
			if !h.dec.More() {
				if err := h.closeDelim('}'); err != nil {
					return runner.Observation{}, err
				}
				h.state = harEnd
				continue
			}
			keyAt := h.valueStart()
			key, err := h.key()
			if err != nil {
				return runner.Observation{}, err
			}
			if key != "log" {
				if err := h.skipValue(); err != nil {
					return runner.Observation{}, err
				}
				continue
			}
			if h.sawLog {
				return runner.Observation{}, h.formatErr(keyAt, -1, "not a HAR file: the top-level object has two log keys")
			}
			h.sawLog = true
			if err := h.openDelim('{', "log"); err != nil {
				return runner.Observation{}, err
			}
			h.state = harLog
		case harLog:
			if !h.dec.More() {
				if err := h.closeDelim('}'); err != nil {
					return runner.Observation{}, err
				}
				h.state = harTop
				continue
			}
			keyAt := h.valueStart()
			key, err := h.key()
			if err != nil {
				return runner.Observation{}, err
			}
			if key != "entries" {
				if err := h.skipValue(); err != nil {
					return runner.Observation{}, err
				}
				continue
			}
			if h.sawEntries {
				return runner.Observation{}, h.formatErr(keyAt, -1, "not a HAR file: log has two entries keys")
			}
			h.sawEntries = true
			if err := h.openDelim('[', "log.entries"); err != nil {
				return runner.Observation{}, err
			}
			h.state = harEntries
		case harEntries:
			if !h.dec.More() {
				if err := h.closeDelim(']'); err != nil {
					return runner.Observation{}, err
				}
				h.state = harLog
				continue
			}
			return h.decodeEntry()
		case harEnd:
			off := h.valueStart()
			if _, err := h.dec.Token(); err != io.EOF {
				if err != nil && err != io.ErrUnexpectedEOF && !isSyntax(err) {
					return runner.Observation{}, err // the underlying reader's
				}
				return runner.Observation{}, h.formatErr(off, -1, "data after the end of the HAR object")
			}
			switch {
			case !h.sawLog:
				return runner.Observation{}, h.formatErr(off, -1, "not a HAR file: the top-level object has no log")
			case !h.sawEntries:
				return runner.Observation{}, h.formatErr(off, -1, "not a HAR file: log has no entries")
			}
			h.state = harDone
		case harDone:
			return runner.Observation{}, io.EOF
		}
	}
}

// start skips a BOM and reads the opening brace of the top-level object.
func (h *HARReader) start() error {
	head := make([]byte, len(utf8BOM))
	n, err := io.ReadFull(h.r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	rest := h.r
	if n == len(head) && bytes.Equal(head, utf8BOM) {
		h.bom = int64(n)
	} else {
		rest = io.MultiReader(bytes.NewReader(head[:n]), h.r)
	}
	h.dec = json.NewDecoder(rest)
	h.dec.UseNumber() // a number skipped (1e700) is valid JSON, even where no float64 holds it
	off := h.valueStart()
	tok, err := h.dec.Token()
	switch {
	case err == io.EOF:
		return h.formatErr(h.offset()+int64(bufferedLen(h.dec)), -1, "the file is empty: not a HAR file")
	case err != nil:
		return h.jsonErr(err, -1)
	}
	if tok != json.Delim('{') {
		return h.formatErr(off, -1, "not a HAR file: it holds "+tokenKind(tok)+", not an object with log.entries")
	}
	return nil
}

// key reads an object key.
func (h *HARReader) key() (string, error) {
	tok, err := h.dec.Token()
	if err != nil {
		return "", h.jsonErr(err, -1)
	}
	key, ok := tok.(string)
	if !ok { // the Decoder only returns strings where a key is due
		return "", h.formatErr(h.offset(), -1, "not valid JSON: an object key is not a string")
	}
	return key, nil
}

// openDelim reads the opening delimiter of the value of what (log or log.entries).
func (h *HARReader) openDelim(want json.Delim, what string) error {
	off := h.valueStart()
	tok, err := h.dec.Token()
	if err != nil {
		return h.jsonErr(err, -1)
	}
	if tok != want {
		kind := "an object"
		if want == '[' {
			kind = "a list"
		}
		return h.formatErr(off, -1, fmt.Sprintf("not a HAR file: %s is %s, not %s", what, tokenKind(tok), kind))
	}
	return nil
}

// closeDelim reads the closing delimiter of the current object or list.
func (h *HARReader) closeDelim(want json.Delim) error {
	tok, err := h.dec.Token()
	if err != nil {
		return h.jsonErr(err, -1)
	}
	if tok != want { // the Decoder checks nesting; kept as a guard
		return h.formatErr(h.offset(), -1, fmt.Sprintf("not valid JSON: %v where %v is due", tok, want))
	}
	return nil
}

// skipValue skips the value of a key the reader does not need, token by token so that a large
// value is never held whole.
func (h *HARReader) skipValue() error {
	if err := skipJSON(h.dec); err != nil {
		return h.jsonErr(err, -1)
	}
	return nil
}

// decodeEntry decodes the next entry of log.entries and maps it to an Observation.
func (h *HARReader) decodeEntry() (runner.Observation, error) {
	index := h.next
	h.next++
	data, start := h.entryStart(index == 0)
	h.entry.reset()
	if err := h.dec.Decode(&h.entry); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) { // the entry was read whole: the next one can be read
			return runner.Observation{}, h.entryErr(max(start, data+typeErr.Offset), index, typeErrorText(typeErr))
		}
		return runner.Observation{}, h.jsonErr(err, index)
	}
	obs, err := h.entry.observation()
	if err != nil {
		return runner.Observation{}, h.entryErr(start, index, err.Error())
	}
	return obs, nil
}

// entryStart returns the offset where the data the Decoder decodes as the next entry begins
// (the Decoder stands on the entry, or on the comma before it), and where the entry itself
// begins (after the comma and the spaces after it, as far as the Decoder holds them).
func (h *HARReader) entryStart(first bool) (data, entry int64) {
	off := h.offset()
	if first {
		return off, off
	}
	buf, _ := h.dec.Buffered().(*bytes.Reader)
	if buf == nil {
		return off + 1, off + 1
	}
	var skipped int64
	for {
		c, err := buf.ReadByte()
		if err != nil || skipped > 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return off + 1, off + skipped
		}
		skipped++
	}
}

// offset returns the current offset in the file.
func (h *HARReader) offset() int64 {
	if h.dec == nil {
		return h.bom
	}
	return h.bom + h.dec.InputOffset()
}

// formatErr returns a final FormatError at off.
func (h *HARReader) formatErr(off int64, entry int, msg string) *FormatError {
	return &FormatError{File: h.name, Offset: off, Entry: entry, Msg: msg}
}

// entryErr returns the FormatError of an entry that was read whole but cannot be used.
func (h *HARReader) entryErr(off int64, entry int, msg string) *FormatError {
	return &FormatError{File: h.name, Offset: off, Entry: entry, Msg: fmt.Sprintf("entry %d (log.entries[%d]): %s", entry, entry, msg), Skipped: true}
}

// jsonErr turns an error of the Decoder into a FormatError (a syntax error, the end of the file
// where more is due) or returns it as it is (an error of the underlying reader). entry is the
// index of the entry being decoded, or -1.
func (h *HARReader) jsonErr(err error, entry int) error {
	var syn *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr): // not expected of Token with UseNumber; kept as a guard
		return h.formatErr(h.offset(), entry, "a value "+h.where(entry)+" cannot be read: "+typeErr.Error())
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		end := h.offset() + int64(bufferedLen(h.dec))
		return h.formatErr(end, entry, "unexpected end of the file "+h.where(entry)+" (the file is cut short)")
	case errors.As(err, &syn):
		return h.formatErr(h.syntaxOffset(), entry, "not valid JSON "+h.where(entry)+": "+syn.Error())
	}
	return err
}

// where says where in the file the reader stands, and what was read before.
func (h *HARReader) where(entry int) string {
	switch {
	case entry >= 0:
		return fmt.Sprintf("in entry %d (log.entries[%d]; %s)", entry, entry, entriesBefore(entry))
	case h.sawEntries && h.state != harEntries:
		return fmt.Sprintf("after log.entries (%s)", allEntries(h.next))
	case h.sawEntries && h.next == 0:
		return "at the start of log.entries"
	case h.sawEntries:
		return fmt.Sprintf("in log.entries after entry %d (%s)", h.next-1, entriesBefore(h.next))
	}
	return "before log.entries"
}

// entriesBefore says that the n entries before the one concerned were read.
func entriesBefore(n int) string {
	switch n {
	case 0:
		return "no entry before it"
	case 1:
		return "the entry before it was read"
	}
	return fmt.Sprintf("the %d entries before it were read", n)
}

// allEntries says that all the n entries of log.entries were read.
func allEntries(n int) string {
	switch n {
	case 0:
		return "it was empty"
	case 1:
		return "its one entry was read"
	}
	return fmt.Sprintf("all %d entries were read", n)
}

// syntaxOffset finds the offending byte of a syntax error. The Decoder's own offsets count
// from the start of its current value only, so the buffered bytes from the current position
// are scanned again: an error inside the value starting there is found at the same byte; when
// that value is sound the offending byte is the one the decoder stands on (a delimiter where
// another is due).
func (h *HARReader) syntaxOffset() int64 {
	off := h.offset()
	buf, _ := h.dec.Buffered().(*bytes.Reader)
	if buf == nil {
		return off
	}
	rest := make([]byte, buf.Len())
	_, _ = buf.Read(rest)
	var raw json.RawMessage
	var syn *json.SyntaxError
	if err := json.NewDecoder(bytes.NewReader(rest)).Decode(&raw); errors.As(err, &syn) && syn.Offset > 0 {
		return off + syn.Offset - 1
	}
	return off
}

// valueStart returns the offset of the next key or value: past the spaces, the colon or comma
// and the spaces after it that the decoder holds.
func (h *HARReader) valueStart() int64 {
	h.dec.More() // reads on to the next byte that is not a space
	off := h.offset()
	buf, _ := h.dec.Buffered().(*bytes.Reader)
	if buf == nil {
		return off
	}
	sep := false
	for {
		c, err := buf.ReadByte()
		switch {
		case err != nil:
			return off
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case (c == ':' || c == ',') && !sep:
			sep = true
		default:
			return off
		}
		off++
	}
}

// bufferedLen returns how many bytes the decoder holds beyond its position.
func bufferedLen(dec *json.Decoder) int {
	if buf, ok := dec.Buffered().(*bytes.Reader); ok {
		return buf.Len()
	}
	return 0
}

// isSyntax reports whether err is a JSON syntax error.
func isSyntax(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn)
}

// tokenKind names the kind of a JSON token for messages.
func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		if tok == json.Delim('[') {
			return "a list"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return "a value"
}
