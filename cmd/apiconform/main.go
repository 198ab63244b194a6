// Command apiconform holds servers to the Confluent Cloud and Apinizer APIOps contracts: it runs
// the reference mock, compares spec versions for drift, and lists the checks. See README.md.
package main

import (
	"os"

	"github.com/apiconform/apiconform/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
