package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/apiconform/apiconform/report"
	"github.com/apiconform/apiconform/run"
)

// writeReports writes the reports of res into dir and says where they went, on its own last
// line of out. It returns false when they could not be written (said on stderr, by command).
func writeReports(dir string, res *run.Result, out, stderr io.Writer, command string) bool {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if _, err := report.Write(dir, res); err != nil {
		fmt.Fprintf(stderr, "%s: the reports could not be written: %v\n", command, err)
		return false
	}
	fmt.Fprintf(out, "reports: %s (%s)\n", dir, strings.Join(report.Files, ", "))
	return true
}
