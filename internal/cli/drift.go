package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/apiconform/apiconform/drift"
	"github.com/apiconform/apiconform/specs"
)

const driftUsage = `usage: apiconform drift [flags] OLD NEW
       apiconform drift [flags] --pinned NAME NEW

Compares two OpenAPI 3 documents with oasdiff and lists each change from OLD to NEW: its rule ID,
its level (breaking, warning, info), the operation, and where it is in both files. With --pinned,
OLD is the spec embedded in apiconform (%s): "did the vendor's latest spec break what we test?"
Flags may come before or after the documents.

Exit codes: 0 the report was written (and, with --fail-on, no change at that level or above),
1 a change at the --fail-on level or above was found, 2 a document could not be loaded or the
command was used wrong.

flags:
`

// runDrift compares two OpenAPI documents, or the pinned spec with a newer one (package drift).
func runDrift(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apiconform drift", flag.ContinueOnError)
	onlyCovered := fs.Bool("only-covered", false, "report only the changes to operations the suites exercise (those of the pinned specs)")
	failOn := fs.String("fail-on", "", "exit 1 when a change at this level or above is found: ERR (or breaking), WARN (or warning), INFO (or info); without it the exit code is 0 whatever is found")
	format := fs.String("format", "text", "output format: text, json or markdown")
	pinned := fs.String("pinned", "", "compare the embedded spec with this name ("+strings.Join(specs.Names(), ", ")+") with NEW")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), driftUsage, strings.Join(specs.Names(), ", "))
		fs.PrintDefaults()
	}

	flagArgs, positional := splitFlags(fs, args)
	if err := parseFlags(fs, flagArgs, stdout, true); err != nil {
		return flagExit(err, stderr)
	}
	positional = append(positional, fs.Args()...)

	f, err := drift.ParseFormat(*format)
	if err != nil {
		return driftUsageError(stderr, "--format: %v", err)
	}
	var threshold drift.Level
	if *failOn != "" {
		if threshold, err = drift.ParseLevel(*failOn); err != nil {
			return driftUsageError(stderr, "--fail-on: %v", err)
		}
	}

	var base, revision *drift.Document
	if *pinned != "" {
		if len(positional) != 1 {
			return driftUsageError(stderr, "with --pinned, give one document, the newer one (got %d)", len(positional))
		}
		if base, err = drift.LoadPinned(*pinned); err != nil {
			return driftLoadError(stderr, err)
		}
	} else {
		if len(positional) != 2 {
			return driftUsageError(stderr, "give two documents, OLD and NEW, or --pinned NAME and NEW (got %d)", len(positional))
		}
		if base, err = drift.LoadFile(positional[0]); err != nil {
			return driftLoadError(stderr, err)
		}
	}
	if revision, err = drift.LoadFile(positional[len(positional)-1]); err != nil {
		return driftLoadError(stderr, err)
	}

	var opts drift.Options
	if *onlyCovered {
		if opts.Covered, err = drift.CoveredOperations(); err != nil {
			return driftLoadError(stderr, err)
		}
	}
	report, err := drift.Compare(base, revision, opts)
	if err != nil {
		fmt.Fprintf(stderr, "apiconform drift: %v\n", err)
		return ExitSetup
	}
	if err := drift.Render(stdout, report, f); err != nil {
		fmt.Fprintf(stderr, "apiconform drift: cannot write the report: %v\n", err)
		return ExitSetup
	}
	if threshold != "" && report.HasAtLeast(threshold) {
		n := 0
		for _, c := range report.Changes {
			if c.Level.AtLeast(threshold) {
				n++
			}
		}
		fmt.Fprintf(stderr, "apiconform drift: %d change(s) at level %s or above (--fail-on %s)\n", n, threshold, *failOn)
		return ExitViolations
	}
	return ExitOK
}

// splitFlags separates flags (with their values) from positional arguments wherever they are,
// so that `drift OLD NEW --format json` works: Go's flag package stops at the first positional.
// Everything after "--" is positional. Unknown flags are kept for fs.Parse to refuse.
func splitFlags(fs *flag.FlagSet, args []string) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(positional, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if fl := fs.Lookup(name); fl != nil && !isBoolFlag(fl) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, positional
}

func isBoolFlag(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func driftUsageError(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "apiconform drift: "+format+"\nRun `apiconform drift -h` for usage.\n", args...)
	return ExitSetup
}

// driftLoadError reports a document that cannot be loaded: its first line names the file (and
// the line, where known) and the problem; kin-openapi's schema dumps that may follow are left out.
func driftLoadError(stderr io.Writer, err error) int {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	fmt.Fprintf(stderr, "apiconform drift: %s\n", msg)
	return ExitSetup
}
