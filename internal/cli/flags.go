package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"

	"github.com/apiconform/apiconform/specs"
)

// FlagError is a mistyped flag or a bad value, said in one line a user can act on: what is
// wrong, the nearest valid flag when one is near, and where the flags are listed.
type FlagError struct {
	Command string
	Msg     string
	// Help is the command that lists the flags; "" means Command -h.
	Help string
}

func (e *FlagError) Error() string {
	help := e.Help
	if help == "" {
		help = e.Command + " -h"
	}
	return fmt.Sprintf("%s: %s (`%s` lists the flags)", e.Command, e.Msg, help)
}

// errHelp is returned by parseFlags when -h or --help was asked for: the usage was printed.
var errHelp = flag.ErrHelp

// flagExit prints a parseFlags error and returns the exit code: 0 after -h, else ExitSetup.
func flagExit(err error, stderr io.Writer) int {
	if errors.Is(err, errHelp) {
		return ExitOK
	}
	fmt.Fprintln(stderr, err)
	return ExitSetup
}

// parseFlags parses args with fs, whose own error output is discarded: an error comes back as a
// *FlagError, and -h prints fs.Usage to usage and returns errHelp. Positional arguments are an
// error, unless positional is true (they are then in fs.Args()).
func parseFlags(fs *flag.FlagSet, args []string, usage io.Writer, positional ...bool) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(usage)
		fs.Usage()
		return errHelp
	}
	if err != nil {
		return &FlagError{Command: fs.Name(), Msg: flagMessage(fs, err)}
	}
	if fs.NArg() > 0 && (len(positional) == 0 || !positional[0]) {
		return &FlagError{Command: fs.Name(), Msg: fmt.Sprintf("unexpected argument %q (flags only)", fs.Arg(0))}
	}
	return nil
}

var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]+): (.*)$`)
	reNeedsArg  = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
)

// flagMessage turns the flag package's error into words.
func flagMessage(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		name, _, _ := strings.Cut(m[1], "=")
		out := fmt.Sprintf("unknown flag --%s", name)
		if near := nearestFlag(fs, name); near != "" {
			out += fmt.Sprintf("; did you mean --%s?", near)
		}
		return out
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s %q: %s", m[2], m[1], valueProblem(fs.Lookup(m[2]), m[3]))
	}
	if m := reNeedsArg.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s needs a value", m[1])
	}
	return msg
}

// valueProblem explains why a value does not parse, by the flag's kind.
func valueProblem(f *flag.Flag, cause string) string {
	if f == nil {
		return cause
	}
	switch f.Value.(type) {
	case interface{ IsBoolFlag() bool }:
		return "want true or false"
	}
	switch fmt.Sprintf("%T", f.Value) {
	case "*flag.durationValue":
		return "not a duration (write it like 30s, 1m30s, 500ms)"
	case "*flag.intValue", "*flag.int64Value":
		return "not a whole number"
	case "*flag.float64Value":
		return "not a number"
	}
	if strings.Contains(cause, "parse error") {
		return "not a valid value"
	}
	return cause
}

// nearestFlag returns the defined flag closest to name, when it is close enough to be a typo.
func nearestFlag(fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	best, bestDist := "", 1<<30
	for _, n := range names {
		d := levenshtein.ComputeDistance(strings.ToLower(name), n)
		if d < bestDist {
			best, bestDist = n, d
		}
	}
	if bestDist <= max(2, len(name)/3) {
		return best
	}
	return ""
}

// listFlag is a flag of comma-separated values that may be given more than once.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set adds the comma-separated values of one occurrence, dropping blanks.
func (l *listFlag) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

// choiceFlag is a flag whose value is one of a fixed set.
type choiceFlag struct {
	value   string
	choices []string
}

func (c *choiceFlag) String() string { return c.value }

// Set accepts one of the choices.
func (c *choiceFlag) Set(s string) error {
	for _, ch := range c.choices {
		if s == ch {
			c.value = s
			return nil
		}
	}
	return fmt.Errorf("want one of %s", strings.Join(c.choices, ", "))
}

// checkAPIs checks the --api names of command: each names an embedded API unless --spec gives
// the spec of another (the run layer checks the name then).
func checkAPIs(command string, apis []string, spec string) error {
	if spec != "" {
		return nil
	}
	for _, a := range apis {
		if !contains(specs.Names(), a) {
			return &FlagError{Command: command, Msg: fmt.Sprintf("--api %q: want one of %s (another API needs its spec: --spec FILE)", a, strings.Join(specs.Names(), ", "))}
		}
	}
	return nil
}
