// Package cli implements the apiconform command: Run dispatches to one subcommand per file
// (mock.go, drift.go, checks.go). Tests drive Run directly.
package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit codes shared by every subcommand.
const (
	ExitOK         = 0 // conformant, no changes found, or done
	ExitViolations = 1 // the contract was broken, or changes were found
	ExitSetup      = 2 // usage or setup error: bad flags, unloadable spec, unreachable target
)

// command is one subcommand.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands lists every subcommand.
var commands = map[string]command{
	"run":      {summary: "run the conformance scenarios against the embedded mock or a target, and write the reports", run: runRun},
	"version":  {summary: "print apiconform's version", run: runVersion},
	"mock":     {summary: "serve the reference mock of both APIs on loopback", run: runMock},
	"proxy":    {summary: "a validating reverse proxy: forward traffic to a server and check every exchange", run: runProxy},
	"validate": {summary: "check recorded exchanges (HAR files, the proxy's JSON Lines) against the specs", run: runValidate},
	"drift":    {summary: "compare two OpenAPI documents (or the pinned spec with a newer one) and list the changes", run: runDrift},
	"checks":   {summary: "list the checks with their IDs, severities and descriptions", run: runChecks},
	"probe":    {summary: "generate requests from the spec (valid, invalid, edge values, credentials, methods), check them, shrink each failure to a curl command", run: runProbe},
}

// Run runs the apiconform command with args (without the program name) and returns the exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return ExitSetup
		}
		return ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "apiconform: unknown command %q\n\n", args[0])
		usage(stderr)
		return ExitSetup
	}
	return cmd.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("usage: apiconform <command> [flags]\n\ncommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-8s %s\n", n, commands[n].summary)
	}
	b.WriteString("\nRun `apiconform <command> -h` for a command's flags.\n")
	fmt.Fprint(w, b.String())
}
