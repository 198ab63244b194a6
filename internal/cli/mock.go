package cli

import (
	"fmt"
	"io"
)

// runMock serves the reference mock. (Being built under issue 3.)
func runMock(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "apiconform mock: not built yet")
	return ExitSetup
}
