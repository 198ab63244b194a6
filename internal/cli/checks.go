package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/apiconform/apiconform/runner"
)

// runChecks lists the registered checks.
func runChecks(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apiconform checks", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the checks as JSON")
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(err, stderr)
	}
	checks := runner.All()
	if *asJSON {
		type row struct {
			ID       string          `json:"id"`
			Severity runner.Severity `json:"severity"`
			Scope    runner.Scope    `json:"scope"`
			Doc      string          `json:"doc"`
		}
		rows := make([]row, len(checks))
		for i, c := range checks {
			rows[i] = row{c.ID, c.Severity, c.Scope, c.Doc}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			fmt.Fprintln(stderr, err)
			return ExitSetup
		}
		return ExitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSCOPE\tWHAT IT CHECKS")
	for _, c := range checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.Scope, c.Doc)
	}
	if err := tw.Flush(); err != nil {
		return ExitSetup
	}
	return ExitOK
}
