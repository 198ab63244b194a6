package bench_test

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// largeHARBytes is the size of the recording BenchmarkValidateLargeHAR validates: 500 MB.
const largeHARBytes = 500_000_000

// harIDMark stands, in the entries below, for the 12 digits that make each exchange its own:
// the environment deleted and the X-Request-Id.
const harIDMark = "%ID%"

// largeHAREntries are the mock's typical exchanges as Chrome exports them, the entries
// internal/cli's BenchmarkValidate reads too (traffic/testdata/chrome-mock-entries.txt, one per
// line): a Confluent DELETE answered 204 with X-Request-Id and the rate-limit headers, a
// Confluent DELETE of an unknown environment answered 404 with a Failure body, an Apinizer
// undeploy answered 200 with a deploymentResult envelope; each with the browser's headers, a
// credential, timings and Chrome's "_" fields. All conformant. About 2.6 KB each.
var largeHAREntries = func() []string {
	data, err := os.ReadFile("../../traffic/testdata/chrome-mock-entries.txt")
	if err != nil {
		panic(err) // a file of the repository
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}()

// writeLargeHAR writes a Chrome HAR export of the entries above, in turn, each with its own
// number, until the file holds at least size bytes: the entries are split at the marks once and
// the same bytes written with the digits between, through a buffer, so that it goes at disk
// speed and holds no more than an entry in memory. It returns the number of entries.
func writeLargeHAR(tb testing.TB, path string, size int64) int {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	cw := &countingWriter{w: f}
	bw := bufio.NewWriterSize(cw, 1<<20)
	parts := make([][][]byte, len(largeHAREntries))
	for i, e := range largeHAREntries {
		parts[i] = bytes.Split([]byte(e), []byte(harIDMark))
	}
	_, _ = bw.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"startedDateTime":"2026-11-30T09:12:00.512Z","id":"page_1","title":"https://console.example.com/","pageTimings":{"onContentLoad":212.3,"onLoad":388.1}}],"entries":[` + "\n")
	n := 0
	var digits [12]byte
	for ; cw.n+int64(bw.Buffered()) < size; n++ {
		if n > 0 {
			_, _ = bw.WriteString(",\n")
		}
		for i, v := len(digits)-1, n+1; i >= 0; i, v = i-1, v/10 {
			digits[i] = byte('0' + v%10)
		}
		for i, p := range parts[n%len(parts)] {
			if i > 0 {
				_, _ = bw.Write(digits[:])
			}
			_, _ = bw.Write(p)
		}
	}
	_, _ = bw.WriteString("\n]}}\n")
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if cw.err != nil {
		tb.Fatal(cw.err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return n
}

// countingWriter counts what goes through it, and keeps the first error.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// validateSummary is the line `apiconform validate` prints per file.
var validateSummary = regexp.MustCompile(`\(har\): (\d+) exchange\(s\)\n`)

// BenchmarkValidateLargeHAR runs `apiconform validate --report-dir <temporary folder> FILE`
// (prebuilt, as a whole process) on a 500 MB Chrome HAR export of the mock's typical exchanges
// (about 190,000, written to b.TempDir() once, before the timer starts). One op is one run. It
// reports validate-peak-RSS-MiB, the largest peak resident memory (ru_maxrss) of any run (target:
// under 100 MiB), validate-exchanges/s (exchanges per second of wall time, process start and
// reports included; target: at least 50,000), validate-wall-s, the wall time of a run, and
// validate-cpu-s, its CPU time (user and system): on 2 cores, a run that had both to itself
// uses about 1.7 CPU seconds per second of wall time; other work on the machine shows as less.
// The run must find every exchange conformant. Skipped in -short mode: writing the file takes
// seconds, and it needs 500 MB of disk.
func BenchmarkValidateLargeHAR(b *testing.B) {
	if testing.Short() {
		b.Skip("writes and validates a 500 MB HAR file; skipped in -short mode")
	}
	bin, _ := binaries(b)
	dir := b.TempDir()
	har := filepath.Join(dir, "large.har")
	n := writeLargeHAR(b, har, largeHARBytes)
	reports := filepath.Join(dir, "reports")
	env := cleanEnv()
	var wall, cpu time.Duration
	var peak int64
	var out bytes.Buffer
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "validate", "--report-dir", reports, "--no-color", har)
		cmd.Env = env
		w, rss, c := timedRun(b, cmd, &out)
		wall, peak, cpu = wall+w, max(peak, rss), cpu+c
		m := validateSummary.FindStringSubmatch(out.String())
		if m == nil || m[1] != strconv.Itoa(n) || !strings.Contains(out.String(), "verdict: conformant") {
			b.Fatalf("want %d exchanges, all conformant:\n%s", n, out.String())
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(peak)/1024, "validate-peak-RSS-MiB")
	b.ReportMetric(float64(n)*float64(b.N)/wall.Seconds(), "validate-exchanges/s")
	b.ReportMetric(wall.Seconds()/float64(b.N), "validate-wall-s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "validate-cpu-s")
}
