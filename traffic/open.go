package traffic

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apiconform/apiconform/runner"
)

// The formats of recordings, as Source.Format names them.
const (
	// FormatHAR is a HAR 1.2 file, as browsers, Charles, Insomnia and mitmproxy export.
	FormatHAR = "har"
	// FormatJSONL is JSON Lines of runner.Exchange, as apiconform proxy --record writes.
	FormatJSONL = "jsonl"
)

// Source is a recording opened for reading: a HAR file or JSON Lines.
type Source interface {
	// Next returns the next exchange, redacted, and io.EOF after the last one. Errors are as
	// HARReader.Next and JSONLReader.Next return them: a *FormatError with Skipped set lets
	// Next be called again; any other error is final.
	Next() (*runner.Exchange, error)
	// Format returns FormatHAR or FormatJSONL.
	Format() string
	// Close closes the file (standard input is left open).
	Close() error
}

// sniffBytes is how much of the start of a recording is looked at, at most, to tell its
// format.
const sniffBytes = 256 << 10

// Open opens the recording at path ("-" reads standard input) and tells its format from its
// content (see NewSource). redactor (nil: only the credentials the requests carry and the
// credential-bearing headers) redacts what comes out. An error opening or reading the file is
// returned as it is; content that is neither format gives a *FormatError.
func Open(path string, redactor *runner.Redactor) (Source, error) {
	if path == "-" {
		return NewSource(os.Stdin, "stdin", redactor)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	src, err := newSource(f, path, redactor, f)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return src, nil
}

// NewSource returns a Source reading r, named name in errors, whose format it tells from the
// first bytes (after a UTF-8 BOM and spaces):
//
//   - the first key of the top-level object that is either "log" or a key of the JSON form of
//     runner.Exchange ("operation_id", "request", "response", ...) decides: "log" is a HAR file,
//     an exchange's key is JSON Lines (keys may come in any order; others are passed over);
//   - a whole first object that has neither is neither format, and gives a *FormatError;
//   - when the first 256 KiB do not tell (a long value before the first such key, or JSON that
//     is broken early), the file is read as a HAR file, whose reader says what is wrong;
//   - an empty file is an empty JSON Lines recording (a proxy that saw no traffic);
//   - content that does not start with "{" is neither, and gives a *FormatError.
//
// The exchanges of a HAR file are made with runner.Record(observation, redactor); those of
// JSON Lines are redacted already, and redactor is applied to them again (the secrets it knows
// and the credential-bearing headers) in case another run wrote them. Close does not close r.
func NewSource(r io.Reader, name string, redactor *runner.Redactor) (Source, error) {
	return newSource(r, name, redactor, nil)
}

func newSource(r io.Reader, name string, redactor *runner.Redactor, closer io.Closer) (Source, error) {
	br := bufio.NewReaderSize(r, sniffBytes)
	// Look at what arrives, one read at a time, until the format shows: a pipe from a live
	// proxy may hold a few lines only.
	var format string
	for want := 1; format == ""; {
		_, err := br.Peek(want) // waits for want bytes, the end, or an error
		if err != nil && err != io.EOF {
			return nil, err
		}
		head, _ := br.Peek(br.Buffered()) // all that has arrived
		var ferr *FormatError
		format, ferr = sniff(head, err == io.EOF || len(head) == sniffBytes)
		if ferr != nil {
			ferr.File = name
			return nil, ferr
		}
		want = min(len(head)+1, sniffBytes)
	}
	if format == FormatHAR {
		return &harSource{r: NewHARReader(br, name), redactor: redactor, closer: closer}, nil
	}
	return &jsonlSource{r: NewJSONLReader(br, name), redactor: redactor, closer: closer}, nil
}

// exchangeKeys are the top-level keys of the JSON form of runner.Exchange.
var exchangeKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeFor[runner.Exchange]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}()

// sniff tells the format of a recording from its first bytes, or returns "" when it needs
// more of them; final says head is all there is to look at (the whole file, or sniffBytes). The
// error has no file name.
func sniff(head []byte, final bool) (string, *FormatError) {
	body := bytes.TrimPrefix(head, utf8BOM)
	if len(body) < len(utf8BOM) && bytes.HasPrefix(utf8BOM, body) && !final {
		return "", nil // maybe the start of a BOM
	}
	body = bytes.TrimLeft(body, " \t\r\n")
	at := int64(len(head) - len(body))
	switch {
	case len(body) == 0 && !final:
		return "", nil
	case len(body) == 0 && len(head) < sniffBytes:
		return FormatJSONL, nil // an empty recording
	case len(body) == 0:
		return FormatHAR, nil
	case body[0] != '{':
		return "", &FormatError{Offset: at, Entry: -1, Msg: fmt.Sprintf("neither a HAR file nor JSON Lines of exchanges: it starts with %q, not with an object", firstRune(body))}
	}
	// Walk the keys of the first object.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return sniffRest(final)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		switch {
		case err != nil || !ok:
			return sniffRest(final)
		case key == "log":
			return FormatHAR, nil
		case exchangeKeys[key]:
			return FormatJSONL, nil
		}
		keys = append(keys, strconv.Quote(truncate(key, 40)))
		if skipJSON(dec) != nil {
			return sniffRest(final)
		}
	}
	if _, err := dec.Token(); err != nil { // the object is cut short, or broken
		return sniffRest(final)
	}
	// A whole object without any key either format has.
	what := "it has no key"
	if len(keys) > 0 {
		what = "its keys are " + strings.Join(keys[:min(len(keys), 5)], ", ")
		if len(keys) > 5 {
			what += ", ..."
		}
	}
	return "", &FormatError{Offset: at, Entry: -1, Msg: "neither a HAR file nor JSON Lines of exchanges: the first object has no log (HAR) nor request (an exchange): " + what}
}

// sniffRest decides when the keys of the first object do not: with more bytes to come, it
// waits for them; else the file is read as a HAR file, whose reader says what is wrong with it.
func sniffRest(final bool) (string, *FormatError) {
	if final {
		return FormatHAR, nil
	}
	return "", nil
}

// skipJSON skips one value of dec token by token, so that a large value is never held whole.
func skipJSON(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// truncate cuts s to n bytes at most, on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// firstRune returns the first character of b, or its first byte when that is no UTF-8.
func firstRune(b []byte) string {
	s := string(b[:min(len(b), 4)])
	for _, r := range s {
		if r == '\uFFFD' {
			break
		}
		return string(r)
	}
	return string(b[:1])
}

// harSource reads a HAR file, recording each observation through runner.Record.
type harSource struct {
	r        *HARReader
	redactor *runner.Redactor
	closer   io.Closer
}

func (s *harSource) Next() (*runner.Exchange, error) {
	obs, err := s.r.Next()
	if err != nil {
		return nil, err
	}
	return runner.Record(obs, s.redactor), nil
}

func (s *harSource) Format() string { return FormatHAR }

func (s *harSource) Close() error { return closeIf(s.closer) }

// jsonlSource reads JSON Lines, applying the redactor again.
type jsonlSource struct {
	r        *JSONLReader
	redactor *runner.Redactor
	closer   io.Closer
}

func (s *jsonlSource) Next() (*runner.Exchange, error) {
	ex, err := s.r.Next()
	if err != nil {
		return nil, err
	}
	redact(ex, s.redactor)
	return ex, nil
}

func (s *jsonlSource) Format() string { return FormatJSONL }

func (s *jsonlSource) Close() error { return closeIf(s.closer) }

// redact applies r to an exchange read from JSON Lines: the secrets r knows, wherever they are,
// and the credential-bearing headers, whatever their value.
func redact(ex *runner.Exchange, r *runner.Redactor) {
	ex.Request.URL = r.String(ex.Request.URL)
	ex.Request.Path = r.String(ex.Request.Path)
	ex.Request.Header = r.Header(ex.Request.Header)
	ex.Request.Body = r.Bytes(ex.Request.Body)
	if resp := ex.Response; resp != nil {
		resp.Header = r.Header(resp.Header)
		resp.Body = r.Bytes(resp.Body)
		resp.ReadErr = r.String(resp.ReadErr)
	}
	if ex.Err != nil {
		ex.Err.Message = r.String(ex.Err.Message)
	}
}

func closeIf(c io.Closer) error {
	if c == nil {
		return nil
	}
	return c.Close()
}
