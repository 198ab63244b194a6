package traffic

import (
	"fmt"
	"strconv"
)

// FormatError says a recording is not well formed: not JSON, cut short, not a HAR file, or an
// entry (a line) that cannot be read as an exchange. Errors of the file system or of the
// underlying reader are returned as they are, never as a FormatError, so a caller can tell a
// broken file from a failing disk.
//
// Every exchange before the one the error concerns has already been returned by Next. When
// Skipped is true only that entry (line) is unusable and Next may be called again to read on;
// otherwise the error is final and Next returns it again.
type FormatError struct {
	// File is the name the reader was given (a path, or "stdin").
	File string
	// Offset is the byte offset from the start of the file (a UTF-8 BOM included) where the
	// problem was found: the offending byte, the end of a file cut short, the end of a value of
	// the wrong type, or the start of the entry (line) concerned.
	Offset int64
	// Entry is the 0-based index of the HAR entry concerned, as in log.entries[Entry]; -1 when the
	// problem lies outside the entries, and in JSON Lines files.
	Entry int
	// Line is the 1-based line number of the JSON Lines record concerned; 0 in HAR files.
	Line int
	// Msg says what is wrong, in words.
	Msg string
	// Skipped says the error concerns one entry (line) only, which was skipped: Next may be
	// called again and goes on with the next one.
	Skipped bool
}

// Error renders the error as "file: byte N: message" (HAR) or "file: line L (byte N): message"
// (JSON Lines).
func (e *FormatError) Error() string {
	where := "byte " + strconv.FormatInt(e.Offset, 10)
	if e.Line > 0 {
		where = fmt.Sprintf("line %d (byte %d)", e.Line, e.Offset)
	}
	return e.File + ": " + where + ": " + e.Msg
}
