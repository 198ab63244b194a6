package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/apiconform/apiconform/run"
)

// Names of the report files Write owns in a report directory.
const (
	// ViolationsFile is every violation of the run as a JSON array (WriteViolations).
	ViolationsFile = "violations.json"
	// JUnitFile is the run as JUnit XML for CI servers (WriteJUnit).
	JUnitFile = "junit.xml"
	// CoverageFile is the API coverage as JSON, keyed by API (WriteCoverage).
	CoverageFile = "coverage.json"
	// DriftFile is the live drift as JSON, keyed by API (WriteDriftJSON).
	DriftFile = "drift.json"
	// DriftMarkdownFile is the live drift as Markdown, for an issue or a pull request
	// (WriteDriftMarkdown).
	DriftMarkdownFile = "drift.md"
)

// Files lists the names of the files Write owns in a report directory, in the order it writes
// them. Write removes these (and only these) before writing a run's reports. Changing the slice
// changes nothing in Write.
var Files = []string{ViolationsFile, JUnitFile, CoverageFile, DriftFile, DriftMarkdownFile, HTMLFile, SummaryFile}

// fileRenderers pairs each name of Files with its renderer, in the same order.
var fileRenderers = []struct {
	name   string
	render func(io.Writer, *run.Result) error
}{
	{ViolationsFile, WriteViolations},
	{JUnitFile, WriteJUnit},
	{CoverageFile, WriteCoverage},
	{DriftFile, WriteDriftJSON},
	{DriftMarkdownFile, WriteDriftMarkdown},
	{HTMLFile, WriteHTML},
	{SummaryFile, WriteSummaryMarkdown},
}

// Write writes every report file of Files for r into dir and returns their paths, in Files
// order. It creates dir (0o755) when needed, then removes the files of Files a previous run left
// there, so that no stale report outlives a failed write; it touches nothing else in dir. Each
// file is written to NAME.tmp and renamed, so a reader never sees half a file. When a file cannot
// be written Write still tries the others; the error names every file that failed and why, and
// the paths returned are those written.
func Write(dir string, r *run.Result) ([]string, error) {
	if r == nil {
		return nil, errors.New("report: no result to write")
	}
	if dir == "" {
		return nil, errors.New("report: no report directory given")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report: cannot create report directory %s: %w", dir, err)
	}
	var errs []error
	stuck := map[string]bool{}
	for _, f := range fileRenderers {
		if err := removeStaleReport(filepath.Join(dir, f.name)); err != nil {
			errs = append(errs, err)
			stuck[f.name] = true
		}
	}
	var written []string
	for _, f := range fileRenderers {
		if stuck[f.name] {
			continue
		}
		path := filepath.Join(dir, f.name)
		var buf bytes.Buffer
		if err := f.render(&buf, r); err != nil {
			errs = append(errs, fmt.Errorf("report: cannot render %s: %w", path, err))
			continue
		}
		if err := writeFileAtomically(path, buf.Bytes()); err != nil {
			errs = append(errs, err)
			continue
		}
		written = append(written, path)
	}
	return written, errors.Join(errs...)
}

// removeStaleReport removes the report file at path left by a previous run, if any. Anything
// there that is not a file or a symbolic link (a directory) is left alone and is an error.
func removeStaleReport(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report: cannot remove the previous %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() && fi.Mode()&os.ModeSymlink == 0 {
		return fmt.Errorf("report: cannot replace %s: it is a %s, not a file", path, fileKind(fi.Mode()))
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("report: cannot remove the previous %s: %w", path, err)
	}
	return nil
}

// writeFileAtomically writes data to path+".tmp" and renames it to path.
func writeFileAtomically(path string, data []byte) error {
	tmp := path + ".tmp"
	if fi, err := os.Lstat(tmp); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("report: cannot write %s: %s is a %s, not a file", path, tmp, fileKind(fi.Mode()))
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("report: cannot write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("report: cannot write %s: %w", path, err)
	}
	return nil
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeSymlink != 0:
		return "symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeDevice != 0:
		return "device"
	default:
		return "special file"
	}
}

// encodeReportJSON writes v as indented JSON and a newline, without HTML escaping (the files are
// read by people and tools, never embedded in a page).
func encodeReportJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// pluralize returns "1 response", "2 responses".
func pluralize(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
