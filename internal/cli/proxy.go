package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/apiconform/apiconform/proxy"
	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
	"github.com/apiconform/apiconform/traffic"
)

// runProxy is `apiconform proxy`: a validating reverse proxy until SIGINT or SIGTERM.
func runProxy(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveProxy(ctx, args, stdout, stderr, nil)
}

// serveProxy parses the flags, serves until ctx is done, then prints the summary, writes the
// reports and returns the exit code --fail-on asks for. ready, when not nil, gets the address
// once the proxy accepts connections.
func serveProxy(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	const command = "apiconform proxy"
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	var tf trafficFlags
	tf.register(fs)
	upstream := fs.String("upstream", "", "base `URL` of the server to forward to (required)")
	listen := fs.String("listen", "127.0.0.1:8081", "`host:port` to listen on; loopback unless you name another address")
	annotate := fs.Bool("annotate", false, "add a response header "+proxy.AnnotationHeader+" listing the violated check IDs (the response is held until its body is read up to --max-body)")
	record := fs.String("record", "", "append each checked exchange to this JSON Lines `FILE` (credentials redacted)")
	failOn := &choiceFlag{value: "error", choices: []string{"error", "warning", "none"}}
	fs.Var(failOn, "fail-on", "exit 1 at shutdown when an exchange had a violation of this `level` or above: error, warning or none")
	allow := fs.Bool("allow-destructive", false, "forward mutating requests (any method but GET, HEAD, OPTIONS) to an upstream that is not loopback")
	timeout := fs.Duration("request-timeout", runner.DefaultTimeout, "bound on waiting for the upstream's response headers")
	caCert := fs.String("ca-cert", "", "PEM `FILE` of a private CA to trust for an https upstream")
	insecure := fs.Bool("insecure", false, "skip TLS certificate verification of the upstream")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: %s --upstream URL [flags]

Forwards every request to the upstream unchanged, streams every response back unchanged, and
checks each exchange (requests and responses) against the pinned specs, exactly as a scenario's
exchange is checked. One line per exchange on stderr; at SIGINT or SIGTERM, the summary, coverage
and live drift, and the reports. Exit codes: 0, or 1 when --fail-on says so; 2 for a bad flag.

flags:
`, command)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(err, stderr)
	}
	cfg, err := tf.config(command)
	if err != nil {
		return flagExit(err, stderr)
	}
	if *upstream == "" {
		return flagExit(&FlagError{Command: command, Msg: "--upstream is required: the base URL of the server to forward to"}, stderr)
	}
	if *timeout <= 0 {
		return flagExit(&FlagError{Command: command, Msg: fmt.Sprintf("--request-timeout %v: must be positive", *timeout)}, stderr)
	}
	up, err := runner.ParseTarget(*upstream)
	if err != nil {
		fmt.Fprintf(stderr, "%s: --upstream: %v\n", command, err)
		return ExitSetup
	}
	cfg.Target = up.String()
	cfg.Getenv = func(string) string { return "" } // the upstream is the one --upstream names
	tr, err := runner.NewTransport(*caCert, *insecure)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return ExitSetup
	}
	tr.ResponseHeaderTimeout = *timeout
	tr.DisableCompression = true
	s, err := run.Open(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return ExitSetup
	}
	defer s.Close()
	var rec proxy.Recorder
	if *record != "" {
		f, err := os.OpenFile(*record, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "%s: --record %s: %v\n", command, *record, unwrapPath(err))
			return ExitSetup
		}
		defer f.Close()
		rec = traffic.NewJSONLWriter(f)
	}
	p, err := proxy.New(proxy.Options{
		Upstream: up, Session: s, MaxBody: tf.maxBody, Annotate: *annotate, AllowDestructive: *allow, Transport: tr,
		Record: rec, Log: stderr, OnError: func(err error) { fmt.Fprintf(stderr, "%s: %v\n", command, err) },
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return ExitSetup
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "%s: cannot listen on %s: %v (is another process using the port? choose one with --listen)\n", command, *listen, err)
		return ExitSetup
	}
	hs := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, ErrorLog: log.New(stderr, command+": ", 0)}
	fmt.Fprintf(stderr, "%s: http://%s -> %s (checks: ", command, ln.Addr(), up.Redacted())
	for i, t := range s.Targets() {
		if i > 0 {
			fmt.Fprint(stderr, ", ")
		}
		fmt.Fprintf(stderr, "%s %s", t.API, t.Spec.Version)
	}
	fmt.Fprintln(stderr, "); Ctrl-C ends it and writes the reports")
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintf(stderr, "%s: note: listening beyond loopback, as --listen asks: anyone who reaches %s can send requests through to the upstream\n", command, ln.Addr())
	}
	if !runner.IsLoopback(up) && !*allow {
		fmt.Fprintf(stderr, "%s: the upstream is not loopback: mutating requests are answered 403 by the proxy; --allow-destructive forwards them\n", command)
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "%s: %v\n", command, err)
		return ExitSetup
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_ = hs.Close()
	}
	res := s.Result(nil)
	if !tf.finish(res, stdout, stderr, command) {
		return ExitSetup
	}
	return failOnExit(res, failOn.value)
}

// failOnExit is the exit code of a traffic session by --fail-on: 1 when an exchange had a
// violation at that level or above (requests outside the specs count as warnings, as errors
// under --strict), else 0.
func failOnExit(res *run.Result, level string) int {
	errs, warnings := false, res.Unmatched.Count > 0
	if res.Mode.Strict && res.Unmatched.Count > 0 {
		errs = true
	}
	for _, v := range res.Violations() {
		if v.Severity == runner.SeverityError {
			errs = true
		} else {
			warnings = true
		}
	}
	for _, a := range res.APIs {
		if a.Observed != nil && a.Observed.ViolationsDropped > 0 {
			warnings = true
		}
	}
	switch {
	case level == "none":
		return ExitOK
	case errs:
		return ExitViolations
	case level == "warning" && warnings:
		return ExitViolations
	}
	return ExitOK
}

// unwrapPath drops the operation and path the os package repeats in an error.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
