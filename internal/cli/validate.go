package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/traffic"
)

// runValidate is `apiconform validate`: recorded exchanges checked offline.
func runValidate(args []string, stdout, stderr io.Writer) int {
	const command = "apiconform validate"
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	var tf trafficFlags
	tf.register(fs)
	basePath := fs.String("base-path", "", "a `PATH` prefix to remove from each recorded request's path before routing it (the server's base path)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: %s [flags] FILE...

Checks recorded exchanges against the pinned specs (or --spec), each with every check a
scenario's exchange gets and the request checks: HAR 1.2 files (browsers, Charles, Insomnia,
mitmproxy, ...) and the JSON Lines of apiconform proxy --record; "-" reads standard input. Each
entry is routed to an operation by method and path (the spec's servers are ignored); entries that
match none are counted and listed as outside the specs (a warning; an error under --strict).
Exit codes: 0 conformant, 1 an exchange broke the contract, 2 a bad flag or an unreadable file
(the entries read before the problem are still checked and reported).

flags:
`, command)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stdout, true); err != nil {
		return flagExit(err, stderr)
	}
	files := fs.Args()
	if len(files) == 0 {
		return flagExit(&FlagError{Command: command, Msg: "give at least one recording: a HAR file or the JSON Lines of apiconform proxy --record"}, stderr)
	}
	cfg, err := tf.config(command)
	if err != nil {
		return flagExit(err, stderr)
	}
	cfg.BasePath = *basePath
	cfg.Getenv = func(string) string { return "" }
	s, err := run.Open(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return ExitSetup
	}
	defer s.Close()
	broken := false
	for _, path := range files {
		n, format, err := validateFile(s, path)
		switch {
		case err != nil:
			broken = true
			fmt.Fprintf(stderr, "%s: %v\n", command, err)
			if n > 0 {
				fmt.Fprintf(stdout, "%s (%s): %d exchange(s) checked before the problem\n", path, format, n)
			}
		default:
			fmt.Fprintf(stdout, "%s (%s): %d exchange(s)\n", path, format, n)
		}
	}
	res := s.Result(nil)
	if !tf.finish(res, stdout, stderr, command) || broken {
		return ExitSetup
	}
	return res.ExitCode
}

// validateFile checks every exchange of one recording; it returns how many it checked, the
// format, and why it stopped early.
func validateFile(s *run.Session, path string) (int, string, error) {
	src, err := traffic.Open(path, nil)
	if err != nil {
		return 0, "", err
	}
	defer src.Close()
	n := 0
	for {
		ex, err := src.Next()
		if errors.Is(err, io.EOF) {
			return n, src.Format(), nil
		}
		if err != nil {
			return n, src.Format(), err
		}
		s.Check(ex)
		n++
	}
}
