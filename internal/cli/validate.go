package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apiconform/apiconform/run"
	"github.com/apiconform/apiconform/runner"
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
	flagArgs, files := splitFlags(fs, args) // flags may come after the files too
	if err := parseFlags(fs, flagArgs, stdout, true); err != nil {
		return flagExit(err, stderr)
	}
	files = append(files, fs.Args()...)
	if len(files) == 0 {
		return flagExit(&FlagError{Command: command, Msg: "give at least one recording: a HAR file or the JSON Lines of apiconform proxy --record"}, stderr)
	}
	cfg, err := tf.config(command)
	if err != nil {
		return flagExit(err, stderr)
	}
	cfg.BasePath = *basePath
	cfg.Getenv = func(string) string { return "" }
	defer limitHeap()()
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

// heapLimit is the soft limit on the Go runtime's memory (runtime/debug.SetMemoryLimit) that
// validate runs under, unless GOMEMLIMIT says otherwise. What a session keeps grows with the
// recording (request-id-unique remembers every X-Request-Id, about 170 bytes an exchange), and
// the garbage collector lets the heap grow to twice what is live: 110 MiB resident for a 500 MB
// HAR file. Under this limit it collects more often once the heap nears it: 82 MiB for the same
// file, for 3 to 6% more time (docs/performance.md).
const heapLimit = 72 << 20

// heapLimitLift is how much live heap makes the limit go: past it, collecting often enough to
// stay under the limit would cost more and more time for less and less, so the collector goes
// back to its default pace (a recording of more than 250,000 exchanges or so).
const heapLimitLift = heapLimit / 4 * 3

// limitHeap sets heapLimit, unless GOMEMLIMIT is set or a limit is set already, and watches
// the live heap to lift it at heapLimitLift: when three garbage collections in a row (as seen
// every 50 ms) leave more live than that. One is not enough: a collection slowed down by other
// work on the machine counts what was allocated while it ran as live. The function it returns
// puts the limit back as it was.
func limitHeap() (restore func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return func() {}
	}
	old := debug.SetMemoryLimit(heapLimit)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		gc := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
		var cycle uint64
		over := 0 // collections in a row that left more than heapLimitLift live
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(gc)
			if gc[0].Value.Kind() != metrics.KindUint64 || gc[1].Value.Kind() != metrics.KindUint64 || gc[1].Value.Uint64() == cycle {
				continue
			}
			cycle = gc[1].Value.Uint64()
			if gc[0].Value.Uint64() > heapLimitLift {
				over++
			} else {
				over = 0
			}
			if over == 3 {
				debug.SetMemoryLimit(old)
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		debug.SetMemoryLimit(old)
	}
}

// validateFile checks every exchange of one recording; it returns how many it checked, the
// format, and why it stopped early: the first error in the file's order, every exchange before
// it checked, none after it.
//
// The recording is read in batches (traffic.BatchReader): this goroutine cuts the file into
// batches of entries, and GOMAXPROCS workers each take a whole batch, decode and record its
// entries (the JSON decoding is most of the cost of an exchange), then check them with
// Session.Check, which is safe for concurrent use. A worker checks its batch only once every
// batch before it is known to hold no error (batches may be checked at the same time, but none
// past an error), so the counts are those of reading the file in order; only the order of the
// examples and violations a Session keeps may differ.
func validateFile(s *run.Session, path string) (int, string, error) {
	src, err := traffic.OpenBatches(path, nil)
	if err != nil {
		return 0, "", err
	}
	defer src.Close()
	var (
		checked  atomic.Int64
		stop     atomic.Bool // a batch held an error: read no further
		wg       sync.WaitGroup
		errMu    sync.Mutex
		firstErr error // the error of the first batch that held one
	)
	workers := max(1, runtime.GOMAXPROCS(0))
	jobs := make(chan *validateJob, workers)
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				if err := j.run(s, &checked); err != nil {
					errMu.Lock()
					firstErr = err
					errMu.Unlock()
					stop.Store(true)
				}
			}
		})
	}
	prev := &validateJob{done: make(chan struct{})}
	close(prev.done)
	var readErr error
	for !stop.Load() {
		b, err := src.Next()
		if b != nil {
			j := &validateJob{batch: b, prev: prev, done: make(chan struct{})}
			jobs <- j
			prev = j
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
	}
	close(jobs)
	wg.Wait()
	n := int(checked.Load())
	if firstErr != nil { // it comes before any error Next returned after it
		return n, src.Format(), firstErr
	}
	return n, src.Format(), readErr
}

// validateJob is one batch of a recording on its way through the workers.
type validateJob struct {
	batch *traffic.Batch
	prev  *validateJob  // the batch before; nil once its verdict is read
	done  chan struct{} // closed once stopped is known
	// stopped says this batch or one before it held an error: no later batch is checked.
	stopped bool
}

// run decodes the batch, waits for the verdict of the batch before, and checks the exchanges
// before the first error of the file. It returns the batch's error when it is the file's first.
func (j *validateJob) run(s *run.Session, checked *atomic.Int64) error {
	b := j.batch
	exs := make([]*runner.Exchange, 0, b.Len())
	var err error
	for i := range b.Len() {
		ex, e := b.Exchange(i)
		if e != nil {
			err = e
			break
		}
		exs = append(exs, ex)
	}
	b.Release()
	j.batch = nil
	<-j.prev.done
	prevStopped := j.prev.stopped
	j.prev = nil // let the chain of batches go
	j.stopped = prevStopped || err != nil
	close(j.done)
	if prevStopped {
		return nil
	}
	for _, ex := range exs {
		s.Check(ex)
	}
	checked.Add(int64(len(exs)))
	return err
}
