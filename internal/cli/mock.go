package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/apiconform/apiconform/mock"
)

// shutdownTimeout bounds how long the mock waits for requests in flight when it is stopped.
const shutdownTimeout = 5 * time.Second

// The mock's server timeouts (each a flag of `apiconform mock`; docs/mock.md, "Bounds"): no
// client holds a connection or a request forever, whatever it sends or how slowly it reads.
const (
	// defaultReadHeaderTimeout bounds reading a request's headers (slowloris).
	defaultReadHeaderTimeout = 10 * time.Second
	// defaultReadTimeout bounds reading a whole request, body included (at most 1 MiB): a body
	// trickled a byte a second is cut after it.
	defaultReadTimeout = 30 * time.Second
	// defaultWriteTimeout bounds a request from the end of its headers to the end of its
	// response: reading the body, answering, and a slow reader of a response (the largest is a
	// GET /_mock/state of a large state, or the oversized-body fault's 11 MiB).
	defaultWriteTimeout = 60 * time.Second
	// defaultIdleTimeout bounds a keep-alive connection waiting for its next request.
	defaultIdleTimeout = 2 * time.Minute
)

// runMock serves the reference mock until SIGINT or SIGTERM.
func runMock(args []string, stdout, stderr io.Writer) int {
	return runMockUntilSignal(args, stdout, stderr, nil)
}

// runMockUntilSignal serves the mock until SIGINT or SIGTERM arrives. The signals are caught
// before the mock listens, so ready (when not nil) is called only once a signal stops it.
func runMockUntilSignal(args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveMock(ctx, args, stdout, stderr, ready)
}

// serveMock parses the flags of `apiconform mock`, serves the mock until ctx is done, then shuts
// it down cleanly. ready, when not nil, is called with the listening address once the mock
// accepts connections.
func serveMock(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	fs := flag.NewFlagSet("apiconform mock", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	stateFile := fs.String("state", "", "starting state `FILE` (YAML, the shape of fixtures/mock-state.yaml); default: the embedded demo state")
	var faults listFlag
	fs.Var(&faults, "fault", "break the contract in these ways: fault `ID[,ID...]`, repeatable (see --list-faults)")
	listFaults := fs.Bool("list-faults", false, "print the fault IDs, the check that catches each, and the request that shows it; then exit")
	historyLimit := fs.Int("history-limit", mock.DefaultHistoryLimit, "Apinizer deployment-history retention per proxy (`N` records)")
	deletionDelay := fs.Duration("deletion-delay", 0, "how long a deleted Confluent environment stays \"being deleted\" (a DELETE then answers 409); 0 deletes at once")
	quiet := fs.Bool("quiet", false, "do not log requests")
	readHeaderTimeout := fs.Duration("read-header-timeout", defaultReadHeaderTimeout, "cut a connection whose request headers take longer than this `duration` to arrive")
	readTimeout := fs.Duration("read-timeout", defaultReadTimeout, "cut a connection whose whole request (headers and body) takes longer than this `duration` to arrive")
	writeTimeout := fs.Duration("write-timeout", defaultWriteTimeout, "cut a connection whose request takes longer than this `duration` from the end of its headers to the end of its response")
	idleTimeout := fs.Duration("idle-timeout", defaultIdleTimeout, "close a keep-alive connection idle for this `duration`")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: apiconform mock [flags]\n\n"+
			"Serves the reference mock of the Confluent Cloud org/v2 and Apinizer APIOps APIs, with\n"+
			"GET /_mock/info, GET /_mock/state and POST /_mock/reset. See docs/mock.md.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stdout); err != nil {
		return flagExit(err, stderr)
	}
	if *listFaults {
		return printFaults(stdout, stderr)
	}
	if *historyLimit < 1 {
		fmt.Fprintf(stderr, "apiconform mock: --history-limit %d: want 1 or more\n", *historyLimit)
		return ExitSetup
	}
	if *deletionDelay < 0 {
		fmt.Fprintf(stderr, "apiconform mock: --deletion-delay %s: must not be negative\n", *deletionDelay)
		return ExitSetup
	}
	for _, t := range []struct {
		flag string
		d    time.Duration
	}{{"read-header-timeout", *readHeaderTimeout}, {"read-timeout", *readTimeout}, {"write-timeout", *writeTimeout}, {"idle-timeout", *idleTimeout}} {
		if t.d <= 0 {
			fmt.Fprintf(stderr, "apiconform mock: --%s %s: must be positive (no timeout would let a client hold a connection forever)\n", t.flag, t.d)
			return ExitSetup
		}
	}
	state, err := loadMockState(*stateFile)
	if err != nil {
		fmt.Fprintf(stderr, "apiconform mock: cannot use the starting state:\n%v\n", err)
		return ExitSetup
	}
	opts := mock.Options{
		Faults:        faults,
		HistoryLimit:  *historyLimit,
		DeletionDelay: *deletionDelay,
	}
	if !*quiet {
		opts.Log = stdout
	}
	srv, err := mock.New(state, opts)
	if err != nil {
		fmt.Fprintf(stderr, "apiconform mock: %v\n", err)
		return ExitSetup
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "apiconform mock: cannot listen on %s: %v (is another process using the port? choose one with --addr)\n", *addr, err)
		return ExitSetup
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: *readHeaderTimeout,
		ReadTimeout:       *readTimeout,
		WriteTimeout:      *writeTimeout,
		IdleTimeout:       *idleTimeout,
		MaxHeaderBytes:    http.DefaultMaxHeaderBytes, // 1 MiB: larger headers get 431
		ErrorLog:          log.New(stderr, "apiconform mock: ", 0),
	}
	where := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "apiconform mock: serving Confluent org/v2 and Apinizer APIOps on %s (state: %s", where, stateName(*stateFile))
	if ids := srv.ActiveFaults(); len(ids) > 0 {
		fmt.Fprintf(stdout, "; faults: %s", strings.Join(ids, ", "))
	}
	fmt.Fprintln(stdout, ")")
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		fmt.Fprintln(stderr, "apiconform mock: note: listening beyond loopback; the demo credentials are public")
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "apiconform mock: %v\n", err)
		return ExitSetup
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "apiconform mock: requests still in flight after %s were cut off: %v\n", shutdownTimeout, err)
		_ = hs.Close()
	}
	fmt.Fprintln(stdout, "apiconform mock: stopped")
	return ExitOK
}

// loadMockState reads the starting state: the embedded demo state when file is "".
func loadMockState(file string) (*mock.State, error) {
	if file == "" {
		return mock.DefaultState()
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--state %s: %w", file, err)
	}
	return mock.LoadState(data, file)
}

func stateName(file string) string {
	if file == "" {
		return "the embedded demo state"
	}
	return file
}

// printFaults prints the mock's fault table.
func printFaults(stdout, stderr io.Writer) int {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAULT\tAPI\tCAUGHT BY\tWHAT BREAKS; WHICH REQUEST SHOWS IT")
	for _, f := range mock.Faults() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.ID, f.API, f.Check, f.Doc)
	}
	if err := tw.Flush(); err != nil {
		fmt.Fprintln(stderr, err)
		return ExitSetup
	}
	return ExitOK
}
