package traffic

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/apiconform/apiconform/runner"
)

// BatchReader reads a recording as batches of entries (HAR) or lines (JSON Lines) that several
// goroutines decode at once: Next cuts the file into batches on one goroutine, doing little
// more than finding where each entry ends, and Batch.Exchange decodes, maps and records (or
// redacts) one entry on whichever goroutine calls it. Taken in order, the exchanges and errors
// of the batches are exactly those Open's Source returns, with the same offsets and messages:
//
//   - HAR: the walk down to log.entries, the first entry, the end of log.entries and what comes
//     after it, and any entry the splitter does not find well formed or that is larger than
//     maxSplitEntry are read by a HARReader standing exactly where the sequential reader would
//     stand; every other entry is decoded by a fast decoder that accepts only what it decodes as
//     encoding/json does, and hands anything else (an error, an escaped or case-folded key, a
//     value of an unexpected type, a repeated field) to a HARReader reading that entry alone.
//     Two differences remain, both on entries that are broken already: after an entry whose
//     request is null, an entry without a request is said to have an empty method rather than no
//     request; and a header item that lacks its name or value (or is null) reads as empty, where
//     HARReader keeps what the entry before had at the same place in its header list (it reuses
//     the lists' storage from one entry to the next: harEntry.reset).
//   - JSON Lines: Next reads lines as JSONLReader.Next does (the BOM, blank lines, lines past
//     MaxLineBytes) and the lines are decoded with JSONLReader's own decoding and redacted as
//     Source's are.
//
// After an error that is not a *FormatError with Skipped set, the entries that come after it
// in the batches mean nothing (the sequential reader would return that error again): stop
// there. A BatchReader is read by one goroutine; its batches may be decoded by any number.
type BatchReader struct {
	src      Source
	format   string
	name     string
	redactor *runner.Redactor
	har      *harBatcher
	jsonl    *JSONLReader
	err      error // returned by Next once the batches are out
}

// Batch sizes: a batch closes at batchItems entries or batchBytes bytes, whichever comes first,
// so that a few batches in flight hold little memory and keep several goroutines busy.
const (
	batchItems = 128
	batchBytes = 256 << 10
	// maxSplitEntry bounds the entries the splitter cuts out; a larger one is read by the
	// sequential reader, in the memory of that entry.
	maxSplitEntry = 4 << 20
)

// OpenBatches opens the recording at path as Open does ("-" reads standard input, the format
// is told from the content, redactor redacts what comes out), to be read in batches.
func OpenBatches(path string, redactor *runner.Redactor) (*BatchReader, error) {
	src, err := Open(path, redactor)
	if err != nil {
		return nil, err
	}
	return newBatchReader(src), nil
}

// NewBatchReader is NewSource read in batches. Close does not close r.
func NewBatchReader(r io.Reader, name string, redactor *runner.Redactor) (*BatchReader, error) {
	src, err := NewSource(r, name, redactor)
	if err != nil {
		return nil, err
	}
	return newBatchReader(src), nil
}

func newBatchReader(src Source) *BatchReader {
	b := &BatchReader{src: src, format: src.Format()}
	switch s := src.(type) {
	case *harSource:
		b.name, b.redactor = s.r.name, s.redactor
		b.har = &harBatcher{h: s.r}
	case *jsonlSource:
		b.name, b.redactor = s.r.name, s.redactor
		b.jsonl = s.r
	}
	return b
}

// Format returns FormatHAR or FormatJSONL.
func (r *BatchReader) Format() string { return r.format }

// Close closes the file (standard input is left open).
func (r *BatchReader) Close() error { return r.src.Close() }

// Next returns the next batch, and io.EOF once the last one was returned. Any other error is
// the one the sequential reader returns after the entries of the batches before it (an error of
// the underlying reader, or a final *FormatError); it is returned again by every later call.
// A batch is never empty.
func (r *BatchReader) Next() (*Batch, error) {
	if r.err != nil {
		return nil, r.err
	}
	b := &Batch{r: r, data: getBatchBuf()}
	var err error
	if r.har != nil {
		err = r.har.fill(b)
	} else {
		err = r.fillJSONL(b)
	}
	if err != nil {
		r.err = err
	}
	if len(b.items) == 0 {
		b.Release()
		return nil, r.err
	}
	return b, nil
}

// Batch is consecutive entries (lines) of a recording, to be decoded with Exchange.
type Batch struct {
	r     *BatchReader
	data  []byte
	items []batchItem
}

type itemKind uint8

const (
	itemHAR   itemKind = iota // a HAR entry to decode: data[lo:hi] from the end of the previous entry
	itemJSONL                 // a JSON Lines line to decode: data[lo:hi], trimmed
	itemObs                   // a HAR entry the sequential reader decoded
	itemErr                   // the error of an entry (line) the sequential reader returned
)

type batchItem struct {
	kind   itemKind
	index  int   // HAR: the entry's index; JSON Lines: the line number
	off    int64 // offset in the file of data[lo]
	lo, hi int
	obj    int // HAR: where the entry object begins in data
	obs    *runner.Observation
	err    error
}

// Len returns the number of entries (lines) in the batch.
func (b *Batch) Len() int { return len(b.items) }

// Exchange returns the exchange of the batch's i-th entry (line), or its error, as Source.Next
// returns it. It is safe for concurrent use, also with other batches' Exchange.
func (b *Batch) Exchange(i int) (*runner.Exchange, error) {
	it := &b.items[i]
	switch it.kind {
	case itemErr:
		return nil, it.err
	case itemObs:
		return runner.Record(*it.obs, b.r.redactor), nil
	case itemJSONL:
		j := JSONLReader{name: b.r.name, line: it.index}
		ex, err := j.decode(b.data[it.lo:it.hi], it.off)
		if err != nil {
			return nil, err
		}
		redact(ex, b.r.redactor)
		return ex, nil
	}
	d := entryDecoders.Get().(*entryDecoder)
	obs, ok := d.observation(b.data[it.obj:it.hi])
	entryDecoders.Put(d)
	if !ok {
		var err error
		if obs, err = decodeEntryAlone(b.data[it.lo:it.hi], it.off, it.index, b.r.name); err != nil {
			return nil, err
		}
	}
	return runner.Record(obs, b.r.redactor), nil
}

// Release gives the batch's storage back once every Exchange call is done (the exchanges do
// not refer to it). The batch must not be used after.
func (b *Batch) Release() {
	if b.data != nil && cap(b.data) <= 2*batchBytes {
		batchBufs.Put(b.data[:0])
	}
	b.data, b.items = nil, nil
}

var batchBufs = sync.Pool{New: func() any { return make([]byte, 0, batchBytes+batchBytes/4) }}

func getBatchBuf() []byte { return batchBufs.Get().([]byte)[:0] }

func (b *Batch) full() bool { return len(b.items) >= batchItems || len(b.data) >= batchBytes }

// fillJSONL reads lines into b as JSONLReader.Next reads them.
func (r *BatchReader) fillJSONL(b *Batch) error {
	j := r.jsonl
	for !b.full() {
		if j.err != nil {
			return j.err
		}
		line, start, tooLong, err := j.readLine()
		if err != nil {
			j.err = err
			return err
		}
		if tooLong {
			b.items = append(b.items, batchItem{kind: itemErr, err: j.lineErr(start, fmt.Sprintf("the line is longer than %d bytes", MaxLineBytes))})
			continue
		}
		if j.line == 1 && bytes.HasPrefix(line, utf8BOM) {
			line, start = line[len(utf8BOM):], start+int64(len(utf8BOM))
		}
		trimmed := bytes.TrimLeft(line, " \t\r")
		if len(bytes.TrimRight(trimmed, " \t\r")) == 0 {
			continue
		}
		start += int64(len(line) - len(trimmed))
		lo := len(b.data)
		b.data = append(b.data, trimmed...)
		b.items = append(b.items, batchItem{kind: itemJSONL, index: j.line, off: start, lo: lo, hi: len(b.data)})
	}
	return nil
}

// harBatcher cuts log.entries into batches. It is in one of two modes: the sequential reader h
// reads (the start of the file, an entry the splitter leaves to it, the end), or the splitter
// s cuts entries out of the bytes that follow where h stopped.
type harBatcher struct {
	h *HARReader
	s *harSplitter
}

// fill adds entries to b, and returns the final error (io.EOF at the end).
func (hb *harBatcher) fill(b *Batch) error {
	for !b.full() {
		if hb.s == nil {
			h := hb.h
			obs, err := h.Next()
			var fe *FormatError
			switch {
			case err == nil:
				b.items = append(b.items, batchItem{kind: itemObs, obs: &obs})
			case errors.As(err, &fe) && fe.Skipped:
				b.items = append(b.items, batchItem{kind: itemErr, err: err})
			default:
				return err
			}
			if h.state == harEntries && h.err == nil {
				// Standing right after an entry: the splitter reads on from there.
				hb.s = newHARSplitter(io.MultiReader(h.dec.Buffered(), h.r), h.offset(), h.next)
			}
			continue
		}
		if !hb.s.next(b) {
			// The splitter stops short of the next entry: the sequential reader takes it from
			// where the splitter stands, and goes on.
			s := hb.s
			hb.s = nil
			rest := io.MultiReader(bytes.NewReader(s.buf[s.start:s.end]), s.src)
			hb.h = resumeHAR(rest, s.base+int64(s.start), s.index, hb.h.name)
		}
	}
	return nil
}

// resumePrefix puts a HARReader's decoder inside log.entries, after an entry: the state the
// decoder is in when it has read an entry of a real file.
const resumePrefix = `{"log":{"entries":[{}`

// resumeHAR returns a HARReader that reads rest as the part of a HAR file that begins at offset
// off, right after entry index-1 (its closing brace): it reads on exactly as a HARReader that
// had read the file up to there, with the same offsets, entry indexes and messages.
func resumeHAR(rest io.Reader, off int64, index int, name string) *HARReader {
	h := &HARReader{r: rest, name: name, state: harEntries, next: index, sawLog: true, sawEntries: true}
	h.dec = json.NewDecoder(io.MultiReader(strings.NewReader(resumePrefix), rest))
	h.dec.UseNumber()
	for range 5 { // { "log" { "entries" [
		if _, err := h.dec.Token(); err != nil {
			panic("traffic: resumePrefix: " + err.Error())
		}
	}
	var first json.RawMessage
	if err := h.dec.Decode(&first); err != nil {
		panic("traffic: resumePrefix: " + err.Error())
	}
	h.bom = off - int64(len(resumePrefix)) // offset() = bom + InputOffset
	if index > 0 {
		// The sequential reader reuses its entry: after an entry with a request, its Request
		// is set (an entry without one reads as having an empty method).
		h.entry.Request = &harRequest{}
	}
	return h
}

// decodeEntryAlone decodes one entry as the sequential reader does, from data, the bytes from
// the end of entry index-1 to the end of this one, at offset off: the exact error, or the
// observation of an entry the fast decoder left alone.
func decodeEntryAlone(data []byte, off int64, index int, name string) (runner.Observation, error) {
	return resumeHAR(bytes.NewReader(data), off, index, name).Next()
}

// harSplitter cuts the entries of log.entries out of src, which begins right after an entry:
// each next entry is a comma and an object, spaces around. It only matches brackets outside
// strings; whether an entry is well formed is for the decoder to say.
type harSplitter struct {
	src        io.Reader
	buf        []byte
	start, end int   // buf[start:end] is read and not cut yet
	base       int64 // offset in the file of buf[0]
	index      int   // index of the next entry
	eof        bool  // src is at its end (or failed: the sequential reader sees the error again)
}

func newHARSplitter(src io.Reader, off int64, index int) *harSplitter {
	return &harSplitter{src: src, buf: make([]byte, 256<<10), base: off, index: index}
}

// fill reads more into buf, keeping buf[start:end]; false when nothing more comes.
func (s *harSplitter) fill() bool {
	if s.eof {
		return false
	}
	if s.end == len(s.buf) {
		if s.start > 0 {
			n := copy(s.buf, s.buf[s.start:s.end])
			s.base += int64(s.start)
			s.start, s.end = 0, n
		} else {
			if len(s.buf) >= maxSplitEntry+64<<10 {
				return false
			}
			nb := make([]byte, 2*len(s.buf))
			copy(nb, s.buf[:s.end])
			s.buf = nb
		}
	}
	for {
		n, err := s.src.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			// An error of the reader is left for the sequential reader to meet: it reads the
			// same reader next, and a reader that failed fails again (a file, standard input).
			s.eof = true
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// next cuts the next entry into b; false when the splitter stops short of it (the end of
// log.entries, anything other than a comma and an object, the end of the file, an entry larger
// than maxSplitEntry): it then stands on the end of the previous entry.
func (s *harSplitter) next(b *Batch) bool {
	// i walks from start; phase 0: spaces, the comma; 1: spaces, the brace; 2: the object.
	i, phase, obj := s.start, 0, 0
	depth, inString := 0, false
	for {
		for i < s.end {
			c := s.buf[i]
			switch phase {
			case 0, 1:
				switch {
				case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				case phase == 0 && c == ',':
					phase = 1
				case phase == 1 && c == '{':
					phase, obj, depth = 2, i, 1
				default:
					return false
				}
				i++
				continue
			}
			if inString {
				k := bytes.IndexByte(s.buf[i:s.end], '"')
				if k < 0 {
					i = s.end
					break
				}
				i += k
				// The quote ends the string unless an odd number of backslashes escapes it.
				bs := 0
				for j := i - 1; j > obj && s.buf[j] == '\\'; j-- {
					bs++
				}
				i++
				if bs%2 == 0 {
					inString = false
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					i++
					lo := len(b.data)
					b.data = append(b.data, s.buf[s.start:i]...)
					b.items = append(b.items, batchItem{kind: itemHAR, index: s.index, off: s.base + int64(s.start),
						lo: lo, obj: lo + (obj - s.start), hi: len(b.data)})
					s.start = i
					s.index++
					return true
				}
			}
			i++
		}
		if i-s.start > maxSplitEntry {
			return false
		}
		// Read more, keeping what was scanned: positions move with the compaction.
		before := s.start
		if !s.fill() {
			return false
		}
		shift := before - s.start
		i -= shift
		obj -= shift
	}
}

// entryDecoder decodes an entry object into a harEntry when the entry is plain enough for it to
// decode exactly as encoding/json does (see decode); otherwise it says so and the entry goes to
// the sequential reader. It validates the whole entry as JSON, skipped values included.
type entryDecoder struct {
	data  []byte
	e     harEntry
	req   harRequest
	resp  harResponse
	post  harPostData
	stack []byte
	paths pathCache
}

var entryDecoders = sync.Pool{New: func() any { return new(entryDecoder) }}

// observation decodes the entry object data and maps it to an Observation; false when the
// entry is not one the fast decoder takes, or its mapping fails (the sequential reader then
// says what is wrong).
func (d *entryDecoder) observation(data []byte) (runner.Observation, bool) {
	if !d.decode(data) {
		return runner.Observation{}, false
	}
	obs, err := d.e.observation()
	if err != nil {
		return runner.Observation{}, false
	}
	// What a run remembers of each exchange (its path, for request-id-unique) should not keep
	// the whole URL string alive (url.Parse's Path is a slice of it), nor a copy of a path
	// that comes again and again.
	obs.URL.Path = d.paths.get(obs.URL.Path)
	if obs.URL.RawPath != "" {
		obs.URL.RawPath = strings.Clone(obs.URL.RawPath)
	}
	return obs, true
}

// pathCache shares the strings of paths that recur (an endpoint called again and again).
type pathCache map[string]string

// get returns a string equal to s that is not a slice of a larger one.
func (c *pathCache) get(s string) string {
	if p, ok := (*c)[s]; ok {
		return p
	}
	if len(*c) >= 512 || *c == nil {
		*c = make(pathCache, 512)
	}
	p := strings.Clone(s)
	(*c)[p] = p
	return p
}

// decode fills d.e from data, one whole entry object, and reports whether it did so exactly as
// json.Unmarshal into a harEntry whose Request and Response point to empty values would: every
// key it keeps matches a field exactly, no field comes twice, every value has the type its field
// wants (or is null), and the whole object is valid JSON. Anything else is left alone.
func (d *entryDecoder) decode(data []byte) bool {
	d.data = data
	d.e = harEntry{}
	d.req = harRequest{Headers: d.req.Headers[:0]}
	d.resp = harResponse{Headers: d.resp.Headers[:0]}
	d.post = harPostData{Params: d.post.Params[:0]}
	end, ok := d.entry(0)
	d.data = nil
	return ok && end == len(data)
}

// JSON helpers. Each takes the index of a value's first byte and returns the index after it.

func (d *entryDecoder) ws(i int) int {
	for i < len(d.data) {
		switch d.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// members walks the object at i, calling member with each key (raw, between its quotes; keys
// with escapes or bytes past ASCII are left alone) and the index of its value.
func (d *entryDecoder) members(i int, member func(key []byte, i int) (int, bool)) (int, bool) {
	data := d.data
	if i >= len(data) || data[i] != '{' {
		return i, false
	}
	i = d.ws(i + 1)
	if i < len(data) && data[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return i, false
		}
		k := i + 1
		for k < len(data) && data[k] != '"' && data[k] != '\\' && data[k] >= 0x20 && data[k] < utf8.RuneSelf {
			k++
		}
		if k >= len(data) || data[k] != '"' {
			return i, false
		}
		key := data[i+1 : k]
		i = d.ws(k + 1)
		if i >= len(data) || data[i] != ':' {
			return i, false
		}
		var ok bool
		if i, ok = member(key, d.ws(i+1)); !ok {
			return i, false
		}
		i = d.ws(i)
		if i >= len(data) {
			return i, false
		}
		switch data[i] {
		case ',':
			i = d.ws(i + 1)
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// elements walks the array at i, calling elem with the index of each element.
func (d *entryDecoder) elements(i int, elem func(i int) (int, bool)) (int, bool) {
	data := d.data
	if i >= len(data) || data[i] != '[' {
		return i, false
	}
	i = d.ws(i + 1)
	if i < len(data) && data[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = elem(i); !ok {
			return i, false
		}
		i = d.ws(i)
		if i >= len(data) {
			return i, false
		}
		switch data[i] {
		case ',':
			i = d.ws(i + 1)
		case ']':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// isNull reports whether the value at i is null, and the index after it.
func (d *entryDecoder) isNull(i int) (int, bool) {
	if i+4 <= len(d.data) && string(d.data[i:i+4]) == "null" {
		return i + 4, true
	}
	return i, false
}

// foldMatch reports whether key matches one of names but for the case of its letters: such a
// key sets the field for encoding/json, and is left alone here.
func foldMatch(key []byte, names ...string) bool {
	for _, n := range names {
		if len(n) == len(key) && strings.EqualFold(n, string(key)) {
			return true
		}
	}
	return false
}

// str decodes a string (or null, which leaves it as it is) into *dst.
func (d *entryDecoder) str(i int, dst *string) (int, bool) {
	data := d.data
	if i < len(data) && data[i] == 'n' {
		return d.isNull(i)
	}
	if i >= len(data) || data[i] != '"' {
		return i, false
	}
	j := i + 1
	plain := true // no escape, ASCII only
	for {
		for j < len(data) && plainByte[data[j]] {
			j++
		}
		if j >= len(data) {
			return j, false
		}
		c := data[j]
		switch {
		case c == '"':
			raw := data[i+1 : j]
			switch {
			case plain:
				*dst = internString(raw)
			case utf8.Valid(raw) && bytes.IndexByte(raw, '\\') < 0:
				*dst = string(raw)
			default:
				s, ok := unquoteJSON(raw)
				if !ok {
					return j, false
				}
				*dst = s
			}
			return j + 1, true
		case c < 0x20:
			return j, false
		case c == '\\':
			plain = false
			if j+1 >= len(data) {
				return j, false
			}
			switch data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(data) || !isHex4(data[j+2:j+6]) {
					return j, false
				}
				j += 6
			default:
				return j, false
			}
		case c >= utf8.RuneSelf:
			plain = false
			j++
		default:
			j++
		}
	}
}

// internString returns common short values (methods, protocol versions) without allocating.
func internString(b []byte) string {
	switch string(b) {
	case "GET":
		return "GET"
	case "POST":
		return "POST"
	case "PUT":
		return "PUT"
	case "PATCH":
		return "PATCH"
	case "DELETE":
		return "DELETE"
	case "HEAD":
		return "HEAD"
	case "OPTIONS":
		return "OPTIONS"
	case "http/2.0":
		return "http/2.0"
	case "HTTP/1.1":
		return "HTTP/1.1"
	case "http/1.1":
		return "http/1.1"
	case "h3":
		return "h3"
	case "":
		return ""
	}
	return string(b)
}

// plainByte tells the bytes of a JSON string that stand for themselves: ASCII, neither a
// control character, a quote nor a backslash.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// unquoteJSON decodes the inside of a valid JSON string as encoding/json does: escapes, UTF-16
// surrogate pairs (a lone surrogate is U+FFFD), and every byte that is not UTF-8 as U+FFFD.
func unquoteJSON(s []byte) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for r := 0; r < len(s); {
		if plainByte[s[r]] { // a run of bytes that stand for themselves
			k := r + 1
			for k < len(s) && plainByte[s[k]] {
				k++
			}
			b.Write(s[r:k])
			r = k
			continue
		}
		c := s[r]
		switch {
		case c == '\\':
			if r+1 >= len(s) {
				return "", false
			}
			switch s[r+1] {
			case '"', '\\', '/', '\'':
				b.WriteByte(s[r+1])
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				rr := getu4(s[r:])
				if rr < 0 {
					return "", false
				}
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						r += 6
						b.WriteRune(dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				b.WriteRune(rr)
				continue
			default:
				return "", false
			}
			r += 2
		case c == '"' || c < ' ':
			return "", false
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			b.WriteRune(rr) // utf8.RuneError for a byte that is not UTF-8
		}
	}
	return b.String(), true
}

// getu4 decodes \uXXXX at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	r, err := strconv.ParseUint(string(s[2:6]), 16, 64)
	if err != nil {
		return -1
	}
	return rune(r)
}

// num decodes a number (or null, which leaves it as it is) into *dst, as encoding/json does
// for a float64: a number out of range is left alone.
func (d *entryDecoder) num(i int, dst *float64) (int, bool) {
	if i < len(d.data) && d.data[i] == 'n' {
		return d.isNull(i)
	}
	end, ok := d.number(i)
	if !ok {
		return i, false
	}
	f, err := strconv.ParseFloat(string(d.data[i:end]), 64)
	if err != nil {
		return i, false
	}
	*dst = f
	return end, true
}

// number validates a JSON number.
func (d *entryDecoder) number(i int) (int, bool) {
	data := d.data
	digits := func(i int) (int, bool) {
		j := i
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		return j, j > i
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return i, false
	case data[i] == '0':
		i++
	case data[i] >= '1' && data[i] <= '9':
		i, _ = digits(i)
	default:
		return i, false
	}
	var ok bool
	if i < len(data) && data[i] == '.' {
		if i, ok = digits(i + 1); !ok {
			return i, false
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i, ok = digits(i); !ok {
			return i, false
		}
	}
	return i, true
}

// skip validates the value at i and returns the index after it. Nesting deeper than
// encoding/json allows is left alone.
func (d *entryDecoder) skip(i int) (int, bool) {
	data := d.data
	stack := d.stack[:0]
	defer d.keepStack(&stack)
	for {
		// A value.
		if i >= len(data) {
			return i, false
		}
		switch c := data[i]; c {
		case '{', '[':
			if len(stack) >= 9990 {
				return i, false
			}
			stack = append(stack, c)
			i = d.ws(i + 1)
			if i < len(data) && (c == '{' && data[i] == '}' || c == '[' && data[i] == ']') {
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				var ok bool
				if i, ok = d.skipKey(i); !ok {
					return i, false
				}
			}
			continue
		case '"':
			var ok bool
			if i, ok = d.skipString(i); !ok {
				return i, false
			}
		case 't':
			if i+4 > len(data) || string(data[i:i+4]) != "true" {
				return i, false
			}
			i += 4
		case 'f':
			if i+5 > len(data) || string(data[i:i+5]) != "false" {
				return i, false
			}
			i += 5
		case 'n':
			if i+4 > len(data) || string(data[i:i+4]) != "null" {
				return i, false
			}
			i += 4
		default:
			var ok bool
			if i, ok = d.number(i); !ok {
				return i, false
			}
		}
		// After a value: close containers, or go on to the next member or element.
		for {
			if len(stack) == 0 {
				return i, true
			}
			i = d.ws(i)
			if i >= len(data) {
				return i, false
			}
			top := stack[len(stack)-1]
			c := data[i]
			if c == ',' {
				i = d.ws(i + 1)
				if top == '{' {
					var ok bool
					if i, ok = d.skipKey(i); !ok {
						return i, false
					}
				}
				break
			}
			if top == '{' && c == '}' || top == '[' && c == ']' {
				stack = stack[:len(stack)-1]
				i++
				continue
			}
			return i, false
		}
	}
}

func (d *entryDecoder) keepStack(stack *[]byte) { d.stack = (*stack)[:0] }

// skipKey validates a key and its colon, and returns the index of the value.
func (d *entryDecoder) skipKey(i int) (int, bool) {
	i, ok := d.skipString(i)
	if !ok {
		return i, false
	}
	i = d.ws(i)
	if i >= len(d.data) || d.data[i] != ':' {
		return i, false
	}
	return d.ws(i + 1), true
}

// skipString validates a string without decoding it.
func (d *entryDecoder) skipString(i int) (int, bool) {
	data := d.data
	if i >= len(data) || data[i] != '"' {
		return i, false
	}
	j := i + 1
	for j < len(data) {
		c := data[j]
		switch {
		case c == '"':
			return j + 1, true
		case c < 0x20:
			return j, false
		case c == '\\':
			if j+1 >= len(data) {
				return j, false
			}
			switch data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(data) || !isHex4(data[j+2:j+6]) {
					return j, false
				}
				j += 6
			default:
				return j, false
			}
		default:
			j++
		}
	}
	return j, false
}

// The objects of an entry. Each keeps the fields harEntry has, once each, and skips (validating)
// the rest.

func (d *entryDecoder) entry(i int) (int, bool) {
	var seen uint8
	return d.members(i, func(key []byte, i int) (int, bool) {
		switch string(key) {
		case "startedDateTime":
			return d.once(&seen, 1, i, func(i int) (int, bool) { return d.str(i, &d.e.StartedDateTime) })
		case "time":
			return d.once(&seen, 2, i, func(i int) (int, bool) { return d.num(i, &d.e.Time) })
		case "request":
			return d.once(&seen, 4, i, d.request)
		case "response":
			return d.once(&seen, 8, i, d.response)
		}
		if foldMatch(key, "startedDateTime", "time", "request", "response") {
			return i, false
		}
		return d.skip(i)
	})
}

// once decodes a field's value the first time its key comes; a field that comes twice is left
// alone (encoding/json merges the values of a repeated object key).
func (d *entryDecoder) once(seen *uint8, bit uint8, i int, value func(int) (int, bool)) (int, bool) {
	if *seen&bit != 0 {
		return i, false
	}
	*seen |= bit
	return value(i)
}

func (d *entryDecoder) request(i int) (int, bool) {
	if end, null := d.isNull(i); null {
		d.e.Request = nil
		return end, true
	}
	d.e.Request = &d.req
	var seen uint8
	return d.members(i, func(key []byte, i int) (int, bool) {
		switch string(key) {
		case "method":
			return d.once(&seen, 1, i, func(i int) (int, bool) { return d.str(i, &d.req.Method) })
		case "url":
			return d.once(&seen, 2, i, func(i int) (int, bool) { return d.str(i, &d.req.URL) })
		case "headers":
			return d.once(&seen, 4, i, func(i int) (int, bool) { return d.nameValues(i, &d.req.Headers) })
		case "postData":
			return d.once(&seen, 8, i, d.postData)
		}
		if foldMatch(key, "method", "url", "headers", "postData") {
			return i, false
		}
		return d.skip(i)
	})
}

func (d *entryDecoder) response(i int) (int, bool) {
	if end, null := d.isNull(i); null {
		d.e.Response = nil
		return end, true
	}
	d.e.Response = &d.resp
	var seen uint8
	return d.members(i, func(key []byte, i int) (int, bool) {
		switch string(key) {
		case "status":
			return d.once(&seen, 1, i, func(i int) (int, bool) { return d.num(i, &d.resp.Status) })
		case "httpVersion":
			return d.once(&seen, 2, i, func(i int) (int, bool) { return d.str(i, &d.resp.HTTPVersion) })
		case "headers":
			return d.once(&seen, 4, i, func(i int) (int, bool) { return d.nameValues(i, &d.resp.Headers) })
		case "content":
			return d.once(&seen, 8, i, d.content)
		case "_error":
			return d.once(&seen, 16, i, func(i int) (int, bool) { return d.str(i, &d.resp.Error) })
		}
		if foldMatch(key, "status", "httpVersion", "headers", "content", "_error") {
			return i, false
		}
		return d.skip(i)
	})
}

func (d *entryDecoder) content(i int) (int, bool) {
	if end, null := d.isNull(i); null { // null leaves a struct as it is
		return end, true
	}
	var seen uint8
	return d.members(i, func(key []byte, i int) (int, bool) {
		switch string(key) {
		case "text":
			return d.once(&seen, 1, i, func(i int) (int, bool) { return d.str(i, &d.resp.Content.Text) })
		case "encoding":
			return d.once(&seen, 2, i, func(i int) (int, bool) { return d.str(i, &d.resp.Content.Encoding) })
		}
		if foldMatch(key, "text", "encoding") {
			return i, false
		}
		return d.skip(i)
	})
}

func (d *entryDecoder) postData(i int) (int, bool) {
	if end, null := d.isNull(i); null {
		d.req.PostData = nil
		return end, true
	}
	d.req.PostData = &d.post
	var seen uint8
	return d.members(i, func(key []byte, i int) (int, bool) {
		switch string(key) {
		case "mimeType":
			return d.once(&seen, 1, i, func(i int) (int, bool) { return d.str(i, &d.post.MimeType) })
		case "text":
			return d.once(&seen, 2, i, func(i int) (int, bool) { return d.str(i, &d.post.Text) })
		case "params":
			return d.once(&seen, 4, i, d.params)
		case "encoding":
			return d.once(&seen, 8, i, func(i int) (int, bool) { return d.str(i, &d.post.Encoding) })
		}
		if foldMatch(key, "mimeType", "text", "params", "encoding") {
			return i, false
		}
		return d.skip(i)
	})
}

// nameValues decodes a list of {name, value} into *list (null empties it).
func (d *entryDecoder) nameValues(i int, list *[]harNameValue) (int, bool) {
	if end, null := d.isNull(i); null {
		*list = nil
		return end, true
	}
	*list = (*list)[:0]
	return d.elements(i, func(i int) (int, bool) {
		*list = append(*list, harNameValue{})
		nv := &(*list)[len(*list)-1]
		if end, null := d.isNull(i); null {
			return end, true
		}
		var seen uint8
		return d.members(i, func(key []byte, i int) (int, bool) {
			switch string(key) {
			case "name":
				return d.once(&seen, 1, i, func(i int) (int, bool) { return d.str(i, &nv.Name) })
			case "value":
				return d.once(&seen, 2, i, func(i int) (int, bool) { return d.str(i, &nv.Value) })
			}
			if foldMatch(key, "name", "value") {
				return i, false
			}
			return d.skip(i)
		})
	})
}

func (d *entryDecoder) params(i int) (int, bool) {
	if end, null := d.isNull(i); null {
		d.post.Params = nil
		return end, true
	}
	d.post.Params = d.post.Params[:0]
	return d.elements(i, func(i int) (int, bool) {
		d.post.Params = append(d.post.Params, harParam{})
		p := &d.post.Params[len(d.post.Params)-1]
		if end, null := d.isNull(i); null {
			return end, true
		}
		var seen uint8
		return d.members(i, func(key []byte, i int) (int, bool) {
			switch string(key) {
			case "name":
				return d.once(&seen, 1, i, func(i int) (int, bool) { return d.str(i, &p.Name) })
			case "value":
				return d.once(&seen, 2, i, func(i int) (int, bool) { return d.str(i, &p.Value) })
			case "fileName":
				return d.once(&seen, 4, i, func(i int) (int, bool) { return d.str(i, &p.FileName) })
			case "contentType":
				return d.once(&seen, 8, i, func(i int) (int, bool) { return d.str(i, &p.ContentType) })
			}
			if foldMatch(key, "name", "value", "fileName", "contentType") {
				return i, false
			}
			return d.skip(i)
		})
	})
}
