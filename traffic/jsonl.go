package traffic

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apiconform/apiconform/runner"
)

// MaxLineBytes bounds one line of a JSON Lines recording: a longer line is an error, never a
// reason to hold it all in memory. The writer refuses to write one.
const MaxLineBytes = 64 << 20

// JSONLWriter writes exchanges as JSON Lines: each exchange on one line, exactly its JSON form
// (json.Marshal of *runner.Exchange). The exchanges must be redacted already, as the Client and
// runner.Record make them. A JSONLWriter is safe for concurrent use: each line is written whole
// by one Write call to the underlying writer, never interleaved with another.
type JSONLWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// NewJSONLWriter returns a writer of JSON Lines to w.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	return &JSONLWriter{w: w}
}

// Write writes ex as one line. It returns an error, and writes nothing, when ex is nil or its
// JSON form is longer than MaxLineBytes (a reader would refuse the line).
func (w *JSONLWriter) Write(ex *runner.Exchange) error {
	if ex == nil {
		return errors.New("traffic: write of a nil exchange")
	}
	line, err := json.Marshal(ex)
	if err != nil {
		return fmt.Errorf("traffic: %w", err)
	}
	if len(line) > MaxLineBytes {
		return fmt.Errorf("traffic: the exchange's JSON form is %d bytes, more than the %d a line may hold", len(line), MaxLineBytes)
	}
	line = append(line, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err = w.w.Write(line)
	return err
}

// JSONLReader reads the exchanges of a JSON Lines recording one line at a time. Blank lines are
// skipped, a UTF-8 BOM at the start and a CR before each LF are ignored, and the last line may
// lack its LF. A JSONLReader is not safe for concurrent use.
type JSONLReader struct {
	br     *bufio.Reader
	name   string
	line   int   // number of the line read last
	offset int64 // offset of the next line
	err    error // the final error, returned by every later call
	buf    []byte
}

// NewJSONLReader returns a reader of the JSON Lines recording r. name names the file in errors
// (a path, or "stdin").
func NewJSONLReader(r io.Reader, name string) *JSONLReader {
	return &JSONLReader{br: bufio.NewReaderSize(r, 64<<10), name: name}
}

// Next returns the exchange of the next line that is not blank, io.EOF after the last one. A
// line that is not an exchange (not JSON, cut short, longer than MaxLineBytes, without a
// request method) gives a *FormatError naming the file, the line and its offset, with Skipped
// set: Next may be called again to read the lines after it. An error of the underlying reader
// is returned as it is, and again by every later call.
func (j *JSONLReader) Next() (*runner.Exchange, error) {
	if j.err != nil {
		return nil, j.err
	}
	line, start, err := j.nextLine()
	if err != nil {
		return nil, err
	}
	return j.decode(line, start)
}

// nextLine returns the next line that is not blank, without its leading blanks (nor, on the
// first line, a byte-order mark), and the offset where what it returns begins. A line longer
// than MaxLineBytes is a *FormatError, after which reading may go on; an error of the underlying
// reader (io.EOF at the end) is kept in j.err and returned.
func (j *JSONLReader) nextLine() ([]byte, int64, error) {
	for {
		line, start, tooLong, err := j.readLine()
		if err != nil {
			j.err = err
			return nil, 0, err
		}
		if tooLong {
			return nil, 0, j.lineErr(start, fmt.Sprintf("the line is longer than %d bytes", MaxLineBytes))
		}
		if j.line == 1 && bytes.HasPrefix(line, utf8BOM) {
			line, start = line[len(utf8BOM):], start+int64(len(utf8BOM))
		}
		trimmed := bytes.TrimLeft(line, " \t\r")
		if len(bytes.TrimRight(trimmed, " \t\r")) == 0 {
			continue
		}
		return trimmed, start + int64(len(line)-len(trimmed)), nil
	}
}

// decode reads the exchange of one line, which begins at offset start.
func (j *JSONLReader) decode(line []byte, start int64) (*runner.Exchange, error) {
	if line[0] != '{' {
		return nil, j.lineErr(start, "not an exchange: the line does not hold a JSON object")
	}
	ex := new(runner.Exchange)
	if err := json.Unmarshal(line, ex); err != nil {
		var syn *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
			return nil, j.lineErr(start+int64(len(line)), "the line ends before its JSON object does (cut short?)")
		case errors.As(err, &syn):
			return nil, j.lineErr(start+max(syn.Offset-1, 0), "not valid JSON: "+syn.Error())
		case errors.As(err, &typeErr):
			return nil, j.lineErr(start+typeErr.Offset, "not an exchange: "+typeErrorText(typeErr))
		}
		return nil, j.lineErr(start, "not an exchange: "+err.Error())
	}
	if ex.Request.Method == "" {
		return nil, j.lineErr(start, "not an exchange: request.method is missing")
	}
	return ex, nil
}

// readLine reads the next line, without its LF, and returns where it begins. A line longer
// than MaxLineBytes is read to its end but not kept.
func (j *JSONLReader) readLine() (line []byte, start int64, tooLong bool, err error) {
	start = j.offset
	if cap(j.buf) > 1<<20 { // let a long line's storage go
		j.buf = nil
	}
	j.buf = j.buf[:0]
	var n int64
	for {
		chunk, err := j.br.ReadSlice('\n')
		n += int64(len(chunk))
		if !tooLong {
			if len(j.buf)+len(chunk) > MaxLineBytes+1 { // +1: the LF
				tooLong, j.buf = true, j.buf[:0]
			} else {
				j.buf = append(j.buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && n == 0:
			return nil, start, false, io.EOF
		case err != nil && err != io.EOF:
			return nil, start, false, err
		}
		j.offset += n
		j.line++
		return bytes.TrimSuffix(j.buf, []byte("\n")), start, tooLong, nil
	}
}

// lineErr returns the FormatError of the line read last.
func (j *JSONLReader) lineErr(off int64, msg string) *FormatError {
	return &FormatError{File: j.name, Offset: off, Entry: -1, Line: j.line, Msg: msg, Skipped: true}
}
