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

// suites are the conformance suites, by the folder of their package (next to this one).
var suites = []string{"confluent", "apinizer"}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// suiteBinaries compiles every suite once per benchmark process (go test -c), outside the
// timed part, and returns the folder holding <suite>.test.
func suiteBinaries(b *testing.B) string {
	b.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "apiconform-bench")
		if buildErr != nil {
			return
		}
		for _, s := range suites {
			out, err := exec.Command("go", "test", "-c", "-o", filepath.Join(binDir, s+".test"), "../"+s).CombinedOutput()
			if err != nil {
				buildErr = &buildError{suite: s, err: err, out: string(out)}
				return
			}
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return binDir
}

// TestMain removes the suite binaries once every benchmark has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

type buildError struct {
	suite string
	err   error
	out   string
}

func (e *buildError) Error() string {
	return "go test -c ../" + e.suite + ": " + e.err.Error() + "\n" + e.out
}

// suiteEnv is the environment of a suite run: this process's, without any variable that would
// point a suite at another target or give it other credentials, so that it runs against its
// embedded mock on 127.0.0.1 with the demo credentials.
func suiteEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "APICONFORM_") || strings.HasPrefix(name, "CONFLUENT_") || strings.HasPrefix(name, "APINIZER_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// BenchmarkSuites runs both prebuilt suite binaries, one after the other, against their embedded
// mock: one op is one run of each. It reports the wall time of each binary (<suite>-ms) and of
// both (wall-ms, the target: under 300 ms), and the peak resident memory of each process
// (<suite>-MiB) and the larger of the two (peak-RSS-MiB, the target: under 100 MiB), as the
// kernel counts it (getrusage ru_maxrss).
func BenchmarkSuites(b *testing.B) {
	dir := suiteBinaries(b)
	reports := b.TempDir()
	env := suiteEnv()
	wall := map[string]time.Duration{}
	peak := map[string]int64{}
	b.ResetTimer()
	for range b.N {
		for _, s := range suites {
			cmd := exec.Command(filepath.Join(dir, s+".test"), "--ginkgo.no-color", "--report-dir="+reports)
			cmd.Dir = "../" + s
			cmd.Env = env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			start := time.Now()
			err := cmd.Run()
			wall[s] += time.Since(start)
			if err != nil {
				b.Fatalf("suite %s: %v\n%s", s, err, out.String())
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				peak[s] = max(peak[s], ru.Maxrss) // KiB on Linux
			}
		}
	}
	b.StopTimer()
	var total time.Duration
	var top int64
	for _, s := range suites {
		total += wall[s]
		top = max(top, peak[s])
		b.ReportMetric(ms(wall[s])/float64(b.N), s+"-ms")
		b.ReportMetric(float64(peak[s])/1024, s+"-MiB")
	}
	b.ReportMetric(ms(total)/float64(b.N), "wall-ms")
	b.ReportMetric(float64(top)/1024, "peak-RSS-MiB")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
