package cli

import (
	"fmt"
	"io"
)

// runDrift compares OpenAPI documents. (Being built under issue 5.)
func runDrift(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "apiconform drift: not built yet")
	return ExitSetup
}
