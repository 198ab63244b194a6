package bench_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The benchmarks of this package talk only to 127.0.0.1: every process they start runs against
// its embedded mock, on a free loopback port, with the demo credentials.

const module = "github.com/apiconform/apiconform"

var (
	buildOnce sync.Once
	binDir    string // made by os.MkdirTemp, removed by TestMain
	apiconf   string // the apiconform binary
	suiteBin  string // the Ginkgo suite binary (go test -c ./suites/conformance)
	buildErr  error
)

// TestMain removes the binaries once every benchmark has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries compiles apiconform and the conformance suite once per benchmark process, outside
// the timed part.
func binaries(b *testing.B) (apiconform, suite string) {
	b.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "apiconform-bench-")
		if buildErr != nil {
			return
		}
		apiconf = filepath.Join(binDir, "apiconform")
		suiteBin = filepath.Join(binDir, "conformance.test")
		for _, args := range [][]string{
			{"build", "-o", apiconf, module + "/cmd/apiconform"},
			{"test", "-c", "-o", suiteBin, module + "/suites/conformance"},
		} {
			if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
				buildErr = &buildError{args: args, err: err, out: string(out)}
				return
			}
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return apiconf, suiteBin
}

type buildError struct {
	args []string
	err  error
	out  string
}

func (e *buildError) Error() string {
	return "go " + strings.Join(e.args, " ") + ": " + e.err.Error() + "\n" + e.out
}

// cleanEnv is the environment of a run: this process's, without any variable that would point
// it at another target, give it other credentials, flags, labels or colours, so that it runs
// against its embedded mock on 127.0.0.1 with the demo credentials.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "APICONFORM_") || strings.HasPrefix(name, "CONFLUENT_") ||
			strings.HasPrefix(name, "APINIZER_") || name == "NO_COLOR" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// timedRun runs cmd to its end, its output in out, and returns its wall time, its peak resident
// memory (ru_maxrss from getrusage, KiB on Linux) and its CPU time (user and system). A run that
// exits non-zero fails the benchmark, with its output.
func timedRun(b *testing.B, cmd *exec.Cmd, out *bytes.Buffer) (wall time.Duration, peakKiB int64, cpu time.Duration) {
	b.Helper()
	out.Reset()
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	err := cmd.Run()
	wall = time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peakKiB = int64(ru.Maxrss)
	}
	return wall, peakKiB, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// runProcess runs a whole process b.N times (one op: one run, from exec start to exit) and
// reports its wall time per run (wall-ms) and the largest peak resident memory of any run
// (peak-RSS-MiB, ru_maxrss from getrusage, KiB on Linux). A run that exits non-zero fails the
// benchmark, with its output.
func runProcess(b *testing.B, newCmd func() *exec.Cmd) {
	b.Helper()
	var wall time.Duration
	var peak int64
	var out bytes.Buffer
	b.ResetTimer()
	for range b.N {
		w, rss, _ := timedRun(b, newCmd(), &out)
		wall, peak = wall+w, max(peak, rss)
	}
	b.StopTimer()
	b.ReportMetric(float64(wall)/float64(time.Millisecond)/float64(b.N), "wall-ms")
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
}

// BenchmarkRun runs `apiconform run` (prebuilt) against its embedded mock: every scenario of
// both APIs, the reports written to a temporary folder. Targets: under 150 ms wall and 50 MiB
// peak memory per run.
func BenchmarkRun(b *testing.B) {
	bin, _ := binaries(b)
	reports := b.TempDir()
	env := cleanEnv()
	runProcess(b, func() *exec.Cmd {
		cmd := exec.Command(bin, "run", "--report-dir", reports, "--no-color")
		cmd.Env = env
		return cmd
	})
}

// BenchmarkSuite runs the Ginkgo conformance suite (prebuilt with go test -c) against its
// embedded mock, for comparison with BenchmarkRun: the same scenarios, one Ginkgo spec each.
func BenchmarkSuite(b *testing.B) {
	_, bin := binaries(b)
	reports := b.TempDir()
	env := append(cleanEnv(), "APICONFORM_FLAGS=--report-dir="+reports)
	runProcess(b, func() *exec.Cmd {
		cmd := exec.Command(bin, "--ginkgo.no-color")
		cmd.Dir = "../conformance" // where go test runs it
		cmd.Env = env
		return cmd
	})
}
