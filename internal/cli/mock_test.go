package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apiconform/apiconform/mock"
)

// lockedBuffer collects a command's output while its server goroutines write to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestMockSetupErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("confluent:\n  environments:\n  - id: nope\n    display_name: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "apiconform mock: unknown flag --bogus (`apiconform mock -h` lists the flags)"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--fault", "drop-request-id,no-such-fault"}, "unknown fault ID(s) no-such-fault; known: drop-request-id"},
		{[]string{"--state", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"--state", bad}, bad + ":3: confluent.environments[0].id"},
		{[]string{"--history-limit", "0"}, "--history-limit 0"},
		{[]string{"--deletion-delay", "-1s"}, "must not be negative"},
		{[]string{"--read-timeout", "0s"}, "--read-timeout 0s: must be positive"},
		{[]string{"--write-timeout", "-1s"}, "--write-timeout -1s: must be positive"},
		{[]string{"--idle-timeout", "0s"}, "--idle-timeout 0s: must be positive"},
		{[]string{"--read-header-timeout", "0s"}, "--read-header-timeout 0s: must be positive"},
		{[]string{"--addr", "127.0.0.1:notaport"}, "cannot listen on 127.0.0.1:notaport"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := serveMock(context.Background(), tt.args, &out, &errOut, nil)
		if code != ExitSetup || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("mock %v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut.String(), ExitSetup, tt.want)
		}
	}
}

func TestMockHelpAndListFaults(t *testing.T) {
	code, out, errOut := cmd("mock", "-h")
	if code != ExitOK || !strings.Contains(out, "-list-faults") || !strings.Contains(out, "docs/mock.md") || errOut != "" {
		t.Errorf("mock -h: %d %q %q", code, out, errOut)
	}
	code, out, _ = cmd("mock", "--list-faults")
	if code != ExitOK {
		t.Fatalf("mock --list-faults: exit %d", code)
	}
	for _, f := range mock.Faults() {
		if !strings.Contains(out, f.ID) || !strings.Contains(out, f.Check) {
			t.Errorf("--list-faults lacks %s -> %s:\n%s", f.ID, f.Check, out)
		}
	}
}

// startMock runs serveMock on a loopback port until the returned stop is called; stop returns
// the exit code and the output.
func startMock(t *testing.T, args ...string) (base string, stop func() (int, string, string)) {
	t.Helper()
	addr, stop := serveInBackground(t, "mock", func(ctx context.Context, out, errOut io.Writer, onAddr func(string)) int {
		return serveMock(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), out, errOut, onAddr)
	})
	return "http://" + addr, stop
}

// serveInBackground runs serve (a command that serves until ctx ends, and calls onAddr with the
// address it listens on) on another goroutine until the returned stop is called, or the test
// ends; stop returns the exit code and the output, and may be called more than once.
func serveInBackground(t *testing.T, what string, serve func(ctx context.Context, out, errOut io.Writer, onAddr func(string)) int) (addr string, stop func() (int, string, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	addrCh := make(chan string, 1)
	done := make(chan int, 1)
	go func() { done <- serve(ctx, &out, &errOut, func(a string) { addrCh <- a }) }()
	select {
	case addr = <-addrCh:
	case code := <-done:
		cancel()
		t.Fatalf("%s exited %d before serving: %s", what, code, errOut.String())
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("%s did not start", what)
	}
	var once sync.Once
	code := -1
	stop = func() (int, string, string) {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Errorf("%s did not stop within 30 s", what)
			}
		})
		return code, out.String(), errOut.String()
	}
	t.Cleanup(func() { stop() })
	return addr, stop
}

func httpDo(t *testing.T, method, url, auth string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

// TestMockServes: `apiconform mock` serves the demo state on loopback, logs each request, and
// stops cleanly when its context ends.
func TestMockServes(t *testing.T) {
	base, stop := startMock(t)
	status, _, body := httpDo(t, "GET", base+"/_mock/state", "")
	var state map[string]any
	if status != 200 || json.Unmarshal(body, &state) != nil || state["confluent"] == nil || state["apinizer"] == nil {
		t.Fatalf("GET /_mock/state: %d %s", status, body)
	}
	req, _ := http.NewRequest("DELETE", base+"/org/v2/environments/env-demo1", nil)
	req.SetBasicAuth("demo-key", "demo-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("DELETE env-demo1: %d %v", resp.StatusCode, resp.Header)
	}
	code, out, errOut := stop()
	if code != ExitOK {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{"serving Confluent org/v2 and Apinizer APIOps on " + base, "GET /_mock/state 200",
		"DELETE /org/v2/environments/env-demo1 204", "req=" + resp.Header.Get("X-Request-Id"), "apiconform mock: stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "demo-secret") {
		t.Errorf("output holds a secret:\n%s", out)
	}
	if _, err := http.Get(base + "/_mock/state"); err == nil {
		t.Error("the mock still answers after it stopped")
	}
}

// TestMockFlags: --state, --fault, --history-limit, --deletion-delay and --quiet take effect.
func TestMockFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.yaml")
	state := "confluent:\n  api_keys:\n  - key: k\n    secret: s\n    permissions: [Delete:Environment]\n  environments:\n  - id: env-only1\n    display_name: only\n"
	if err := os.WriteFile(file, []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	base, stop := startMock(t, "--state", file, "--fault", "drop-request-id", "--fault", "apinizer-success-string,", "--history-limit", "3", "--deletion-delay", "1m", "--quiet")
	auth := "Basic " + "azpz" // k:s
	if status, h, _ := httpDo(t, "DELETE", base+"/org/v2/environments/env-only1", auth); status != 204 || h.Get("X-Request-Id") != "" {
		t.Errorf("DELETE with the fault: %d %v", status, h)
	}
	if status, _, _ := httpDo(t, "DELETE", base+"/org/v2/environments/env-only1", auth); status != 409 {
		t.Errorf("second DELETE with a deletion delay: %d", status)
	}
	_, _, body := httpDo(t, "GET", base+"/_mock/state", "")
	var m struct {
		Mock struct {
			Faults       []string `json:"faults"`
			HistoryLimit int      `json:"history_limit"`
		} `json:"mock"`
	}
	if err := json.Unmarshal(body, &m); err != nil || strings.Join(m.Mock.Faults, ",") != "apinizer-success-string,drop-request-id" || m.Mock.HistoryLimit != 3 {
		t.Errorf("mock settings: %s", body)
	}
	code, out, _ := stop()
	if code != ExitOK || !strings.Contains(out, "state: "+file) || !strings.Contains(out, "faults: apinizer-success-string, drop-request-id") || strings.Contains(out, "DELETE /org") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

// TestMockStopsOnSignal: SIGTERM stops the command cleanly.
func TestMockStopsOnSignal(t *testing.T) {
	proc, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Skip(err)
	}
	var out, errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- runMockUntilSignal([]string{"--addr", "127.0.0.1:0", "--quiet"}, &out, &errOut, func(string) {
			if err := proc.Signal(syscall.SIGTERM); err != nil {
				t.Errorf("cannot signal (skipping is not possible once serving): %v", err)
			}
		})
	}()
	select {
	case code := <-done:
		if code != ExitOK || !strings.Contains(out.String(), "stopped") {
			t.Errorf("exit %d, output %q %q", code, out.String(), errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the mock did not stop on SIGTERM")
	}
}

// trickle writes head at once, then the bytes of rest one at a time every interval, until the
// connection refuses them. It returns how long the connection took to be closed (a read that
// ends), what was read, and whether every byte went out (the trickle ended first).
func trickle(t *testing.T, addr, head, rest string, interval time.Duration) (closedAfter time.Duration, read string, finished bool) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	began := time.Now()
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	done := make(chan bool, 1)
	stop := make(chan struct{})
	go func() {
		for i := 0; i < len(rest); i++ {
			select {
			case <-stop:
				done <- false
				return
			case <-time.After(interval):
			}
			if _, err := conn.Write([]byte{rest[i]}); err != nil {
				done <- false
				return
			}
		}
		done <- true
	}()
	// The server closes the connection: the read ends (EOF, or a reset). The deadline is only a
	// guard against a test that would hang: it is the trickle's own length.
	_ = conn.SetReadDeadline(time.Now().Add(interval*time.Duration(len(rest)) + 5*time.Second))
	data, _ := io.ReadAll(conn)
	closedAfter = time.Since(began)
	close(stop)
	return closedAfter, string(data), <-done
}

// TestMockTimeouts: a body trickled a byte a second is cut at --read-timeout, headers trickled
// are cut at --read-header-timeout, an idle keep-alive connection is closed at --idle-timeout:
// each long before the trickle would end (a minute).
func TestMockTimeouts(t *testing.T) {
	base, _ := startMock(t, "--quiet", "--read-header-timeout", "1s", "--read-timeout", "2s", "--idle-timeout", "1s", "--write-timeout", "5s")
	addr := strings.TrimPrefix(base, "http://")
	const trickleFor = 60 // bytes, one a second: a minute
	bound := 6 * time.Second
	t.Run("body", func(t *testing.T) {
		t.Parallel()
		head := "POST /org/v2/environments HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: Basic ZGVtby1rZXk6ZGVtby1zZWNyZXQ=\r\n" +
			"Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(trickleFor) + "\r\n\r\n"
		after, read, finished := trickle(t, addr, head, strings.Repeat(" ", trickleFor), time.Second)
		if finished || after > bound {
			t.Fatalf("a body trickled a byte a second: the connection was closed after %v (finished: %v), want within %v (--read-timeout 2s)", after.Round(time.Millisecond), finished, bound)
		}
		if read != "" && !strings.HasPrefix(read, "HTTP/1.1 400 ") {
			t.Errorf("the answer to the cut request: %q, want a 400 or none", read)
		}
	})
	t.Run("headers", func(t *testing.T) {
		t.Parallel()
		after, _, finished := trickle(t, addr, "GET /_mock/info HTTP/1.1\r\n", strings.Repeat("X-Slow: 1\r\n", trickleFor/10), time.Second)
		if finished || after > bound {
			t.Fatalf("headers trickled a byte a second: the connection was closed after %v (finished: %v), want within %v (--read-header-timeout 1s)", after.Round(time.Millisecond), finished, bound)
		}
	})
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		// One request, then nothing: the keep-alive connection is closed once idle for 1 s.
		after, read, _ := trickle(t, addr, "GET /_mock/info HTTP/1.1\r\nHost: "+addr+"\r\n\r\n", strings.Repeat(" ", trickleFor), time.Hour)
		if after > bound || !strings.HasPrefix(read, "HTTP/1.1 200 ") {
			t.Fatalf("an idle connection was closed after %v, want within %v (--idle-timeout 1s); read %q", after.Round(time.Millisecond), bound, read)
		}
	})
	if g, _, _ := httpDo(t, "GET", base+"/_mock/info", ""); g != 200 {
		t.Errorf("the mock after the cuts: %d", g)
	}
}
