package cli

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// runVersion prints the module version apiconform was built from (from its build info: the
// tag for `go install ...@vX`, "(devel)" for a build in a checkout) and the Go version.
func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apiconform version", flag.ContinueOnError)
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(err, stderr)
	}
	fmt.Fprintln(stdout, Version())
	return ExitOK
}

// Version is "apiconform VERSION (GOVERSION)", VERSION as the build info says it.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "apiconform (unknown version: built without module information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && v == "(devel)" {
			rev := s.Value
			if len(rev) > 12 {
				rev = rev[:12]
			}
			v += " " + rev
		}
	}
	return fmt.Sprintf("apiconform %s (%s)", v, info.GoVersion)
}
