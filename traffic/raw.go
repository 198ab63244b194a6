package traffic

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"

	"github.com/apiconform/apiconform/internal/fastjson"
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
//     stand; every other entry is decoded by segmentio/encoding/json (internal/fastjson), as
//     encoding/json would decode it, and anything it refuses (an error, a value of an unexpected
//     type, deep nesting, a key spelled with a letter that folds to ASCII) goes to a HARReader
//     reading that entry alone, for the exact error. One difference remains, on entries that
//     are broken already: after an entry whose request is null, an entry without a request is
//     said to have an empty method rather than no request.
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
		line, start, err := j.nextLine()
		if fe, ok := err.(*FormatError); ok { // a line too long: reading goes on
			b.items = append(b.items, batchItem{kind: itemErr, err: fe})
			continue
		}
		if err != nil {
			return err
		}
		lo := len(b.data)
		b.data = append(b.data, line...)
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

// entryDecoder decodes an entry object into a harEntry with internal/fastjson (segmentio's
// in-place decoding, as json.Unmarshal would into a harEntry whose Request and Response point to
// empty values); an entry it refuses (not JSON, nested too deep, a value of the wrong type) goes
// to the sequential reader, which says what is wrong.
type entryDecoder struct {
	e     harEntry
	req   harRequest
	resp  harResponse
	paths pathCache
}

var entryDecoders = sync.Pool{New: func() any { return new(entryDecoder) }}

// observation decodes the entry object data and maps it to an Observation; false when the
// entry does not decode, or its mapping fails (the sequential reader then says what is wrong).
func (d *entryDecoder) observation(data []byte) (runner.Observation, bool) {
	// The lists' storage is reused from entry to entry, cleared first (harEntry.reset).
	d.e.Request, d.e.Response = &d.req, &d.resp
	d.e.reset()
	if foldsToASCII(data) || !fastjson.Unmarshal(data, &d.e) {
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

// Two non-ASCII letters fold to ASCII ones (the Kelvin sign to k, the long s to s), and
// encoding/json matches a key written with them to a field ("ſtatus" to status); segmentio does
// not. An entry holding either, as UTF-8 or as a JSON escape, goes to the sequential reader.
var foldingLetters = [][]byte{[]byte("\u212a"), []byte("\u017f"), []byte(`\u212a`), []byte(`\u212A`), []byte(`\u017f`), []byte(`\u017F`)}

// foldsToASCII reports whether data holds the Kelvin sign or the long s.
func foldsToASCII(data []byte) bool {
	for _, l := range foldingLetters {
		if bytes.Contains(data, l) {
			return true
		}
	}
	return false
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
