package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/runner"
)

// The destructive guard, proven with real packets: TestGuardInAPrivateNetworkNamespace runs its
// own test binary again under `unshare -n`, in a network namespace of its own whose only
// interface is lo. There the child gives lo the address 10.200.0.1 (not loopback by
// runner.IsLoopback, so the guard applies) and serves it, runs `apiconform run` against it with
// and without --allow-destructive, and writes down what the server saw. Nothing the child sends
// can leave the machine: the namespace has no other interface and no route. The parent holds
// the child's observations to the rule.

const (
	// netnsChildEnv marks the child role; its value is the file the child writes its
	// observations to.
	netnsChildEnv = "APICONFORM_NETNS_TEST_CHILD"
	// netnsAddr exists only on the private namespace's lo.
	netnsAddr = "10.200.0.1"
	// netnsSkipHeader begins the banner's list of scenarios planned as skipped.
	netnsSkipHeader = "skipped before sending"
)

// netnsObservation is what the child saw.
type netnsObservation struct {
	Interfaces []string         `json:"interfaces"` // of the namespace, by name
	Runs       []netnsRunResult `json:"runs"`
}

// netnsRunResult is one `apiconform run` in the namespace.
type netnsRunResult struct {
	Name     string         `json:"name"`
	Args     []string       `json:"args"`
	Exit     int            `json:"exit"`
	Methods  map[string]int `json:"methods"`  // requests the server received, per method
	Requests []string       `json:"requests"` // "METHOD /path", in arrival order
	Skipped  []string       `json:"skipped"`  // the stdout lines of the planned skips, header first
	Stdout   string         `json:"stdout"`
	Stderr   string         `json:"stderr"`
	Seconds  float64        `json:"seconds"`
}

func (r netnsRunResult) mutating() int {
	n := 0
	for m, c := range r.Methods {
		if runner.IsMutating(m) {
			n += c
		}
	}
	return n
}

func TestGuardInAPrivateNetworkNamespace(t *testing.T) {
	if out := os.Getenv(netnsChildEnv); out != "" {
		netnsChild(t, out)
		return
	}
	target := &url.URL{Scheme: "http", Host: netnsAddr}
	if runner.IsLoopback(target) || runner.IsLoopbackHost(netnsAddr) {
		t.Fatalf("sanity: runner.IsLoopback(%s) = true; the test needs an address the guard applies to", target)
	}
	const howTo = "run it as root on Linux (or where unprivileged user namespaces are enabled): sudo go test -run Namespace ./internal/cli"
	if runtime.GOOS != "linux" {
		t.Skipf("needs Linux network namespaces (GOOS=%s); %s", runtime.GOOS, howTo)
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %q on PATH (util-linux unshare, iproute2 ip): %v; %s", tool, err, howTo)
		}
	}
	// As root, a network namespace alone; otherwise one inside a user namespace where this
	// user is root (unprivileged user namespaces), which may also set up its lo.
	var unshare []string
	var tried []string
	for _, flags := range [][]string{{"-n"}, {"-r", "-n"}} {
		out, err := exec.Command("unshare", append(flags, "true")...).CombinedOutput()
		if err == nil {
			unshare = flags
			break
		}
		tried = append(tried, fmt.Sprintf("`unshare %s true`: %v: %s", strings.Join(flags, " "), err, bytes.TrimSpace(out)))
	}
	if unshare == nil {
		t.Skipf("cannot make a private network namespace here (not root, and no unprivileged user namespaces): %s; %s", strings.Join(tried, "; "), howTo)
	}

	obsFile := filepath.Join(t.TempDir(), "observation.json")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	child := exec.CommandContext(ctx, "unshare", append(append(unshare, "--", os.Args[0]),
		"-test.run=^TestGuardInAPrivateNetworkNamespace$", "-test.count=1", "-test.v=true")...)
	child.Env = append(netnsCleanEnv(os.Environ()),
		netnsChildEnv+"="+obsFile,
		"CONFLUENT_CLOUD_API_KEY=FAKEKEY0123456789",
		"CONFLUENT_CLOUD_API_SECRET=fake-secret-0123456789abcdef",
		"CONFLUENT_STS_TOKEN=fake-sts-token",
		"APINIZER_TOKEN=fake-apinizer-token",
		"NO_COLOR=1",
	)
	start := time.Now()
	childOut, err := child.CombinedOutput()
	if err != nil {
		t.Fatalf("the child in the private network namespace failed (%v) after %v:\n%s", err, time.Since(start).Round(time.Millisecond), childOut)
	}
	raw, err := os.ReadFile(obsFile)
	if err != nil {
		t.Fatalf("the child wrote no observations: %v\nits output:\n%s", err, childOut)
	}
	var obs netnsObservation
	if err := json.Unmarshal(raw, &obs); err != nil {
		t.Fatalf("the child's observations are not JSON: %v\n%s", err, raw)
	}
	t.Logf("child (unshare %s) took %v; observations:\n%s", strings.Join(unshare, " "), time.Since(start).Round(time.Millisecond), netnsSummary(obs))

	if len(obs.Interfaces) != 1 || obs.Interfaces[0] != "lo" {
		t.Fatalf("the namespace is not private: its interfaces are %v, want [lo] only", obs.Interfaces)
	}
	runs := map[string]netnsRunResult{}
	for _, r := range obs.Runs {
		runs[r.Name] = r
	}
	without, with := runs["without"], runs["with"]
	if without.Name == "" || with.Name == "" {
		t.Fatalf("the child reported runs %v; want \"without\" and \"with\"", netnsNames(obs.Runs))
	}

	t.Run("without --allow-destructive nothing mutating reached the server", func(t *testing.T) {
		for _, v := range netnsGuardViolations(without) {
			t.Error(v)
		}
		if t.Failed() {
			t.Logf("apiconform %s (exit %d)\nstdout:\n%s\nstderr:\n%s", strings.Join(without.Args, " "), without.Exit, without.Stdout, without.Stderr)
		}
	})
	t.Run("with --allow-destructive DELETE and POST reached the server", func(t *testing.T) {
		for _, m := range []string{http.MethodDelete, http.MethodPost} {
			if with.Methods[m] == 0 {
				t.Errorf("with --allow-destructive the server received no %s (methods: %v): the opt-in does not work, or the scenarios send no %s", m, with.Methods, m)
			}
		}
		for _, l := range with.Skipped {
			if strings.Contains(l, runner.AllowDestructiveFlag) {
				t.Errorf("with --allow-destructive a scenario was still planned as skipped for it: %q", l)
			}
		}
		if with.Exit == ExitSetup {
			t.Errorf("with --allow-destructive: exit %d (setup error); stderr:\n%s", with.Exit, with.Stderr)
		}
	})
	// The checks above can fail: held to the rule for runs without the opt-in, the run with
	// it (which did send mutating requests) must be caught. This proves the counting, not
	// just the guard.
	t.Run("the rule's check catches mutating requests", func(t *testing.T) {
		vs := netnsGuardViolations(with)
		caught := false
		for _, v := range vs {
			if strings.Contains(v, "mutating request(s) reached") {
				caught = true
			}
		}
		if !caught {
			t.Errorf("the run with --allow-destructive (methods %v) passed the check for runs without it: the check cannot see mutating requests; it said %q", with.Methods, vs)
		}
	})
}

// netnsGuardViolations holds a run without --allow-destructive to the rule: no mutating request
// reached the non-loopback server, yet GETs did (so the run did talk to it), and the scenarios
// that would have sent one were planned as skipped, naming the flag.
func netnsGuardViolations(r netnsRunResult) []string {
	var vs []string
	if n := r.mutating(); n > 0 {
		var sent []string
		for _, q := range r.Requests {
			if runner.IsMutating(strings.SplitN(q, " ", 2)[0]) {
				sent = append(sent, q)
			}
		}
		vs = append(vs, fmt.Sprintf("%d mutating request(s) reached http://%s without %s: %s",
			n, netnsAddr, runner.AllowDestructiveFlag, strings.Join(sent, ", ")))
	}
	if r.Methods[http.MethodGet] == 0 {
		vs = append(vs, fmt.Sprintf("no GET reached the server (methods: %v; exit %d): the run never talked to it, so its silence proves nothing", r.Methods, r.Exit))
	}
	named := 0
	for _, l := range r.Skipped[min(1, len(r.Skipped)):] {
		if strings.Contains(l, runner.AllowDestructiveFlag) {
			named++
		}
	}
	if named == 0 {
		vs = append(vs, fmt.Sprintf("no scenario was planned as skipped naming %s; the skip lines: %q", runner.AllowDestructiveFlag, r.Skipped))
	}
	if r.Exit == ExitSetup {
		vs = append(vs, fmt.Sprintf("exit %d (setup error); stderr: %s", r.Exit, r.Stderr))
	}
	return vs
}

// netnsChild is the child role, in the private namespace: it sets up lo, serves 10.200.0.1 and
// runs the CLI against it twice, writing what the server saw to out.
func netnsChild(t *testing.T, out string) {
	for _, args := range [][]string{
		{"link", "set", "lo", "up"},
		{"addr", "add", netnsAddr + "/32", "dev", "lo"},
	} {
		if b, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, b)
		}
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatalf("listing the namespace's interfaces: %v", err)
	}
	obs := netnsObservation{}
	for _, i := range ifaces {
		obs.Interfaces = append(obs.Interfaces, i.Name)
	}
	for _, allow := range []bool{false, true} {
		obs.Runs = append(obs.Runs, netnsRun(t, allow))
	}
	b, err := json.MarshalIndent(obs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// netnsRun serves 10.200.0.1 with a server that answers 404 to everything and records each
// request, and runs `apiconform run` against it.
func netnsRun(t *testing.T, allow bool) netnsRunResult {
	ln, err := net.Listen("tcp", net.JoinHostPort(netnsAddr, "0"))
	if err != nil {
		t.Fatalf("listen on %s (is it on lo?): %v", netnsAddr, err)
	}
	var mu sync.Mutex
	res := netnsRunResult{Name: "without", Methods: map[string]int{}}
	if allow {
		res.Name = "with"
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			mu.Lock()
			res.Methods[r.Method]++
			res.Requests = append(res.Requests, r.Method+" "+r.URL.Path)
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error_code":404,"message":"not found"}`)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	res.Args = []string{"run", "--target", "http://" + ln.Addr().String(), "--report-dir", t.TempDir(), "--no-color", "--request-timeout", "3s", "--max-retries", "0"}
	if allow {
		res.Args = append(res.Args, runner.AllowDestructiveFlag)
	}
	st, err := ParseRunFlags("apiconform run", res.Args[1:], io.Discard)
	if err != nil {
		t.Fatalf("ParseRunFlags(%q): %v", res.Args, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	res.Exit = Execute(ctx, st, &stdout, &stderr)
	res.Seconds = time.Since(start).Seconds()
	_ = srv.Close()
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	inSkips := false
	for _, l := range strings.Split(res.Stdout, "\n") {
		switch {
		case strings.Contains(l, netnsSkipHeader):
			inSkips = true
			res.Skipped = append(res.Skipped, l)
		case inSkips && strings.HasPrefix(l, "  - "):
			res.Skipped = append(res.Skipped, l)
		default:
			inSkips = false
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return res
}

// netnsCleanEnv drops what could steer the child's run elsewhere or change what it sends:
// targets, credentials, scenario variables, proxies.
func netnsCleanEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "APICONFORM_"), strings.HasPrefix(k, "CONFLUENT_"), strings.HasPrefix(k, "APINIZER_"),
			strings.HasSuffix(strings.ToUpper(k), "_PROXY"), k == "NO_COLOR":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func netnsNames(runs []netnsRunResult) []string {
	var n []string
	for _, r := range runs {
		n = append(n, r.Name)
	}
	return n
}

// netnsSummary is the observations in a few lines for the log.
func netnsSummary(obs netnsObservation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  namespace interfaces: %v\n", obs.Interfaces)
	for _, r := range obs.Runs {
		ms := make([]string, 0, len(r.Methods))
		for m, c := range r.Methods {
			ms = append(ms, fmt.Sprintf("%s=%d", m, c))
		}
		sort.Strings(ms)
		fmt.Fprintf(&b, "  %s --allow-destructive: exit %d in %.2fs; server saw %s\n", r.Name, r.Exit, r.Seconds, strings.Join(ms, " "))
		if len(r.Skipped) == 0 {
			continue
		}
		named := 0
		for _, l := range r.Skipped[1:] {
			if strings.Contains(l, runner.AllowDestructiveFlag) {
				named++
			}
		}
		fmt.Fprintf(&b, "    %s %d of them name %s\n", strings.TrimSpace(r.Skipped[0]), named, runner.AllowDestructiveFlag)
		if len(r.Skipped) > 1 {
			fmt.Fprintf(&b, "    e.g. %s\n", strings.TrimSpace(r.Skipped[1]))
		}
	}
	return b.String()
}
