// Command soak drives `apiconform mock` with a realistic mix of requests for a while and says
// whether it held: no 5xx, no answer other than the one each request calls for, no transport
// error, memory flat and the state no larger than the traffic leaves it.
//
//	go run ./internal/soak                         # 60 s, 32 connections (make soak)
//	go run ./internal/soak -duration 30s -conns 16
//	go run ./internal/soak -bin ./apiconform -state my-state.yaml   # another binary, another state
//
// It builds apiconform (or takes -bin), starts `apiconform mock --quiet` as its own process on
// 127.0.0.1 (a free port) with a copy of the demo state (fixtures/mock-state.yaml) whose rate
// limit and environment quota are raised, so that the handlers carry the load rather than the
// rate limiter, then keeps -conns keep-alive connections busy, one request at a time each:
//
//   - Confluent: reads of the demo environments and of the environments the connection created,
//     creates, deletes of what the connection created (each connection keeps at most -own of its
//     environments, so the state stays bounded), with an API key or an STS token;
//   - Apinizer: deploys and undeploys of the demo proxies (an undeploy of a proxy another
//     connection already undeployed answers 400);
//   - errors: a wrong secret (401), an unknown environment or a project nobody sees (404), an id
//     that is not one or a body that is not JSON (400).
//
// It reads the mock's VmRSS and VmHWM from /proc/<pid>/status (Linux) before the load, after a
// warm-up, every second, and at the end, then GET /_mock/state. It exits 1 when any answer is a
// 5xx, any answer is not the one its request calls for, any request fails in transport, the
// resident set grew after the warm-up by more than -rss-growth, or the state holds more
// environments than the demo state plus what the connections may keep. Everything talks only to
// 127.0.0.1.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/bits"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/fixtures"
)

// The raised limits of the soak's state file.
const (
	// soakRateLimit requests per 60 s per credential: about 16 million a second, which no
	// loopback client reaches, so no request is ever refused with 429.
	soakRateLimit = 1_000_000_000
	// soakQuota environments per organization: far above what the connections may keep
	// (-conns x -own), so no create answers 402 (a create that does is counted as unexpected).
	soakQuota = 100_000
)

func main() {
	os.Exit(run())
}

type config struct {
	bin, goCmd     string
	state          string
	duration, warm time.Duration
	conns, own     int
	rssGrowthMiB   float64
	seed           uint64
}

func run() int {
	var c config
	flag.StringVar(&c.bin, "bin", "", "an apiconform binary to run; empty: build one with -go into a temporary directory")
	flag.StringVar(&c.goCmd, "go", "go", "the go command that builds apiconform (run from the module's root)")
	flag.StringVar(&c.state, "state", "", "a state file to start the mock with; empty: the demo state with its rate limit and environment quota raised (a file given here must raise them itself)")
	flag.DurationVar(&c.duration, "duration", 60*time.Second, "how long to drive the mock")
	flag.DurationVar(&c.warm, "warmup", 0, "load before the RSS the growth is measured from is read; 0: a tenth of -duration, 3 s to 10 s")
	flag.IntVar(&c.conns, "conns", 32, "concurrent keep-alive connections, one request in flight on each")
	flag.IntVar(&c.own, "own", 16, "environments each connection keeps at most before it deletes one")
	flag.Float64Var(&c.rssGrowthMiB, "rss-growth", 16, "fail when the mock's RSS at the end exceeds its RSS after the warm-up by more than this many MiB")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the request mix")
	flag.Parse()
	if c.duration <= 0 || c.conns < 1 || c.own < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "soak: want a positive -duration, -conns and -own, and no arguments")
		return 2
	}
	if c.warm <= 0 {
		c.warm = min(max(c.duration/10, 3*time.Second), 10*time.Second)
	}
	if c.warm >= c.duration {
		c.warm = c.duration / 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := soak(ctx, c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "soak: %v\n", err)
		return 2
	}
	if !ok {
		return 1
	}
	return 0
}

func soak(ctx context.Context, c config) (bool, error) {
	dir, err := os.MkdirTemp("", "apiconform-soak-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	bin := c.bin
	if bin == "" {
		bin = filepath.Join(dir, "apiconform")
		build := exec.CommandContext(ctx, c.goCmd, "build", "-o", bin, "./cmd/apiconform")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return false, fmt.Errorf("building apiconform (%s build ./cmd/apiconform, from the module's root): %w", c.goCmd, err)
		}
	}
	stateFile, stateDesc := c.state, "the state file "+c.state
	if stateFile == "" {
		raw, _, err := fixtures.Read("mock-state.yaml")
		if err != nil {
			return false, err
		}
		state, err := raiseLimits(raw, soakRateLimit, soakQuota)
		if err != nil {
			return false, err
		}
		stateFile = filepath.Join(dir, "soak-state.yaml")
		if err := os.WriteFile(stateFile, state, 0o600); err != nil {
			return false, err
		}
		stateDesc = fmt.Sprintf("the demo state with a rate limit of %d per 60 s and an environment quota of %d", soakRateLimit, soakQuota)
	}

	m, err := startMock(bin, stateFile)
	if err != nil {
		return false, err
	}
	defer m.stop()
	fmt.Printf("soak: apiconform mock --quiet (pid %d) on %s; %s; %d connections for %s (warm-up %s)\n",
		m.cmd.Process.Pid, m.base, stateDesc, c.conns, c.duration, c.warm)

	startVM, err := readVM(m.cmd.Process.Pid)
	if err != nil {
		return false, err
	}
	d := newDriver(m.base, c.conns, c.own, c.seed)
	loadCtx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	started := time.Now()
	var wg sync.WaitGroup
	for i := range c.conns {
		wg.Add(1)
		go func() { defer wg.Done(); d.worker(loadCtx, i) }()
	}

	// The RSS after the warm-up, then every second; a sample that cannot be read ends the soak
	// (the mock died).
	var warmVM vm
	var samples []float64
	tick := time.NewTicker(time.Second)
	warmed := time.After(c.warm)
	var mockErr error
sampling:
	for {
		select {
		case <-loadCtx.Done():
			break sampling
		case <-m.exited:
			mockErr = fmt.Errorf("the mock exited during the soak: %v", m.waitErr)
			cancel()
			break sampling
		case <-warmed:
			if warmVM, err = readVM(m.cmd.Process.Pid); err != nil {
				mockErr = err
				cancel()
				break sampling
			}
		case <-tick.C:
			if v, err := readVM(m.cmd.Process.Pid); err == nil {
				samples = append(samples, v.rssMiB())
			}
		}
	}
	tick.Stop()
	wg.Wait()
	elapsed := time.Since(started)
	if mockErr != nil {
		return false, mockErr
	}
	if ctx.Err() != nil {
		return false, errors.New("interrupted")
	}
	endVM, err := readVM(m.cmd.Process.Pid)
	if err != nil {
		return false, err
	}
	dumpBytes, envs, err := stateSize(m.base)
	if err != nil {
		return false, err
	}
	afterDumpVM, _ := readVM(m.cmd.Process.Pid)

	// The report.
	tot := d.total()
	fmt.Printf("requests: %d in %.1f s = %.0f requests/s over %d connections; transport errors: %d\n",
		tot.requests, elapsed.Seconds(), float64(tot.requests)/elapsed.Seconds(), c.conns, tot.transportErrs)
	fmt.Printf("latency: median %s, 99th percentile %s, 99.9th %s, worst %s\n",
		tot.lat.quantile(0.5), tot.lat.quantile(0.99), tot.lat.quantile(0.999), tot.lat.max.Round(time.Microsecond))
	fmt.Printf("status: %s\n", formatCounts(tot.status, nil))
	fmt.Printf("5xx: %d\n", tot.fivexx())
	fmt.Println("by request (answers; unexpected ones marked !):")
	for _, k := range kinds {
		s := d.byKind(k.name)
		fmt.Printf("  %-22s %8d  %s\n", k.name, s.requests, formatCounts(s.status, k.expect))
	}
	growth := endVM.rssMiB() - warmVM.rssMiB()
	fmt.Printf("mock RSS: %.1f MiB before the load, %.1f MiB after the %s warm-up, %.1f MiB at the end (%+.1f MiB since the warm-up; bound %.0f MiB); samples every second: min %.1f, max %.1f MiB; peak (VmHWM) %.1f MiB\n",
		startVM.rssMiB(), warmVM.rssMiB(), c.warm, endVM.rssMiB(), growth, c.rssGrowthMiB, minOf(samples), maxOf(samples), endVM.hwmMiB())
	maxEnvs := demoEnvironments + c.conns*c.own
	fmt.Printf("state at the end: GET /_mock/state %d bytes, %d environments (at most %d: the demo state's %d plus %d connections x %d); mock RSS after the dump %.1f MiB\n",
		dumpBytes, envs, maxEnvs, demoEnvironments, c.conns, c.own, afterDumpVM.rssMiB())

	var failures []string
	if n := tot.fivexx(); n > 0 {
		failures = append(failures, fmt.Sprintf("%d answers were 5xx", n))
	}
	if n := d.unexpected(); n > 0 {
		failures = append(failures, fmt.Sprintf("%d answers were not the one their request calls for (marked ! above)", n))
	}
	if tot.transportErrs > 0 {
		failures = append(failures, fmt.Sprintf("%d requests failed in transport (first: %v)", tot.transportErrs, d.firstErr()))
	}
	if growth > c.rssGrowthMiB {
		failures = append(failures, fmt.Sprintf("the mock's RSS grew by %.1f MiB after the warm-up, more than %.0f MiB", growth, c.rssGrowthMiB))
	}
	if envs > maxEnvs {
		failures = append(failures, fmt.Sprintf("the state holds %d environments, more than the %d the traffic may leave", envs, maxEnvs))
	}
	if tot.requests == 0 {
		failures = append(failures, "no request completed")
	}
	if len(failures) > 0 {
		fmt.Println("FAIL: " + strings.Join(failures, "; "))
		return false, nil
	}
	fmt.Println("PASS: no 5xx, every answer the expected one, memory flat, the state bounded")
	return true, nil
}

// demoEnvironments is how many environments fixtures/mock-state.yaml starts with.
const demoEnvironments = 5

// raiseLimits returns the state file with confluent.rate_limit.limit set to rate (per its
// window) and confluent.environment_quota set to quota; the rest (comments included) as it is.
// Credentials with a rate limit of their own keep it (the soak uses none of them).
func raiseLimits(data []byte, rate, quota int) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, errors.New("the state file is not one YAML document")
	}
	confluent := mappingValue(doc.Content[0], "confluent")
	if confluent == nil || confluent.Kind != yaml.MappingNode {
		return nil, errors.New("the state file has no confluent mapping")
	}
	limit := mappingValue(mappingValue(confluent, "rate_limit"), "limit")
	q := mappingValue(confluent, "environment_quota")
	if limit == nil || q == nil {
		return nil, errors.New("the state file sets no confluent.rate_limit.limit or confluent.environment_quota")
	}
	limit.SetString(strconv.Itoa(rate))
	limit.Tag = "!!int"
	q.SetString(strconv.Itoa(quota))
	q.Tag = "!!int"
	return yaml.Marshal(&doc)
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// ---- the mock process -----------------------------------------------------------------------

type mockProc struct {
	cmd     *exec.Cmd
	base    string
	exited  chan struct{}
	waitErr error
}

// startMock starts `apiconform mock --quiet` on a free loopback port and waits for the line
// that says where it serves.
func startMock(bin, stateFile string) (*mockProc, error) {
	cmd := exec.Command(bin, "mock", "--quiet", "--addr", "127.0.0.1:0", "--state", stateFile)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	m := &mockProc{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "serving") {
				select {
				case addr <- strings.Fields(line[i:])[0]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	go func() { m.waitErr = cmd.Wait(); close(m.exited) }()
	select {
	case a := <-addr:
		u, err := url.Parse(a)
		if err != nil || !isLoopback(u.Hostname()) {
			m.stop()
			return nil, fmt.Errorf("the mock serves on %q, not on loopback", a)
		}
		m.base = a
		return m, nil
	case <-m.exited:
		return nil, fmt.Errorf("the mock exited before serving: %v", m.waitErr)
	case <-time.After(15 * time.Second):
		m.stop()
		return nil, errors.New("the mock did not say where it serves within 15 s")
	}
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// stop ends the mock with SIGTERM (it finishes the requests in flight), then SIGKILL.
func (m *mockProc) stop() {
	select {
	case <-m.exited:
		return
	default:
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.exited:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
}

// vm is what /proc/<pid>/status says of a process's memory, in kB.
type vm struct{ rssKB, hwmKB int64 }

func (v vm) rssMiB() float64 { return float64(v.rssKB) / 1024 }
func (v vm) hwmMiB() float64 { return float64(v.hwmKB) / 1024 }

func readVM(pid int) (vm, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return vm{}, fmt.Errorf("reading the mock's memory (Linux /proc): %w", err)
	}
	return parseVM(data)
}

func parseVM(status []byte) (vm, error) {
	var v vm
	var haveRSS, haveHWM bool
	for _, line := range strings.Split(string(status), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return vm{}, fmt.Errorf("/proc status: %q", line)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return vm{}, fmt.Errorf("/proc status: %q", line)
		}
		if name == "VmRSS" {
			v.rssKB, haveRSS = n, true
		} else {
			v.hwmKB, haveHWM = n, true
		}
	}
	if !haveRSS || !haveHWM {
		return vm{}, errors.New("/proc status without VmRSS and VmHWM")
	}
	return v, nil
}

// stateSize fetches GET /_mock/state: its size in bytes and how many Confluent environments it
// holds.
func stateSize(base string) (int, int, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(base + "/_mock/state")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET /_mock/state answered %s", resp.Status)
	}
	var s struct {
		Confluent struct {
			Environments []json.RawMessage `json:"environments"`
		} `json:"confluent"`
	}
	if err := json.Unmarshal(body, &s); err != nil {
		return 0, 0, fmt.Errorf("GET /_mock/state: %w", err)
	}
	return len(body), len(s.Confluent.Environments), nil
}

// ---- the load -------------------------------------------------------------------------------

// A kind of request of the mix: its share (in thousandths) and the statuses it may answer.
type kind struct {
	name   string
	weight int
	expect []int
}

// kinds is the mix. A read of an own environment, a create and a delete of an own environment
// stand in for one another when a connection holds none, or -own, of its environments.
var kinds = []kind{
	{"GET demo environment", 150, []int{200}},
	{"GET own environment", 160, []int{200}},
	{"POST environment", 170, []int{201}},
	{"DELETE own environment", 170, []int{204}},
	{"Apinizer deploy", 90, []int{200}},
	{"Apinizer undeploy", 90, []int{200, 400}},
	{"401 wrong secret", 40, []int{401}},
	{"401 no credential", 20, []int{401}},
	{"404 unknown env", 40, []int{404}},
	{"404 hidden project", 20, []int{404}},
	{"400 bad id", 30, []int{400}},
	{"400 body not JSON", 20, []int{400}},
}

const (
	kGetDemo = iota
	kGetOwn
	kCreate
	kDelete
	kDeploy
	kUndeploy
	k401Secret
	k401None
	k404Env
	k404Project
	k400ID
	k400Body
)

type stats struct {
	requests, transportErrs int
	status                  map[int]int
	lat                     latencies
}

func (s *stats) add(o stats) {
	s.requests += o.requests
	s.transportErrs += o.transportErrs
	for k, v := range o.status {
		s.status[k] += v
	}
	s.lat.merge(&o.lat)
}

func (s *stats) fivexx() int {
	n := 0
	for code, c := range s.status {
		if code >= 500 {
			n += c
		}
	}
	return n
}

type driver struct {
	base   string
	client *http.Client
	own    int
	seed   uint64

	mu      sync.Mutex
	perKind []stats
	err1    error // the first transport error
}

func newDriver(base string, conns, own int, seed uint64) *driver {
	tr := &http.Transport{
		Proxy:               nil, // loopback only, whatever the environment says
		MaxConnsPerHost:     conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	d := &driver{base: base, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}, own: own, seed: seed}
	d.perKind = make([]stats, len(kinds))
	for i := range d.perKind {
		d.perKind[i].status = map[int]int{}
	}
	return d
}

var (
	demoKey    = "Basic " + base64.StdEncoding.EncodeToString([]byte("demo-key:demo-secret"))
	wrongKey   = "Basic " + base64.StdEncoding.EncodeToString([]byte("demo-key:not-the-secret"))
	demoSTS    = "Bearer demo-sts-token"
	demoToken  = "Bearer demo-token"
	demoEnvs   = []string{"env-demo1", "env-demo2", "env-demo3"}
	proxies    = []string{"petstore-api", "orders-api"}
	apinizEnvs = []string{"production", "staging", "test"}
)

// worker keeps one connection busy until ctx is done: it picks a kind of request by weight and
// sends it, one at a time.
func (d *driver) worker(ctx context.Context, id int) {
	rng := rand.New(rand.NewPCG(d.seed, uint64(id)))
	local := make([]stats, len(kinds))
	for i := range local {
		local[i].status = map[int]int{}
	}
	var mine []string // the environments this connection created and has not deleted
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	for n := 0; ctx.Err() == nil; n++ {
		r, k := rng.IntN(total), 0
		for ; r >= kinds[k].weight; k++ {
			r -= kinds[k].weight
		}
		switch {
		case k == kGetOwn && len(mine) == 0, k == kDelete && len(mine) == 0:
			k = kCreate
		case k == kCreate && len(mine) >= d.own:
			k = kDelete
		}
		cred := demoKey
		if n%2 == 1 {
			cred = demoSTS
		}
		var (
			method, path, auth, ctype string
			body                      []byte
		)
		victim := -1
		switch k {
		case kGetDemo:
			method, path, auth = http.MethodGet, "/org/v2/environments/"+demoEnvs[rng.IntN(len(demoEnvs))], cred
		case kGetOwn:
			method, path, auth = http.MethodGet, "/org/v2/environments/"+mine[rng.IntN(len(mine))], cred
		case kCreate:
			method, path, auth, ctype = http.MethodPost, "/org/v2/environments", cred, "application/json"
			body = fmt.Appendf(nil, `{"display_name":"soak-%d-%d","stream_governance_config":{"package":"ESSENTIALS"}}`, id, n)
		case kDelete:
			victim = rng.IntN(len(mine))
			method, path, auth = http.MethodDelete, "/org/v2/environments/"+mine[victim], cred
		case kDeploy, kUndeploy:
			method, auth = http.MethodPost, demoToken
			if k == kUndeploy {
				method, ctype = http.MethodDelete, "application/json"
				body = []byte(`{"description":"soak","persistent":false}`)
			}
			path = "/apiops/projects/DemoProject/apiProxies/" + proxies[rng.IntN(len(proxies))] + "/environments/" + apinizEnvs[rng.IntN(len(apinizEnvs))] + "/"
		case k401Secret:
			method, path, auth = http.MethodGet, "/org/v2/environments/env-demo2", wrongKey
		case k401None:
			method, path = http.MethodPost, "/apiops/projects/DemoProject/apiProxies/petstore-api/environments/test/"
		case k404Env:
			method, path, auth = http.MethodGet, fmt.Sprintf("/org/v2/environments/env-nope%d", rng.IntN(1000)), cred
		case k404Project:
			method, path, auth = http.MethodPost, "/apiops/projects/OtherProject/apiProxies/billing-api/environments/production/", demoToken
		case k400ID:
			method, path, auth = http.MethodGet, "/org/v2/environments/not_an_id", cred
		case k400Body:
			method, path, auth, ctype = http.MethodPost, "/org/v2/environments", cred, "application/json"
			body = []byte(`{"display_name": `)
		}
		status, respBody, took, err := d.do(ctx, method, path, auth, ctype, body, k == kCreate)
		if err != nil {
			if ctx.Err() != nil {
				break // the soak's end cut this request: it is not counted
			}
			local[k].requests++
			local[k].transportErrs++
			d.noteErr(fmt.Errorf("%s %s: %w", method, path, err))
			continue
		}
		local[k].requests++
		local[k].status[status]++
		local[k].lat.add(took)
		switch {
		case k == kCreate && status == http.StatusCreated:
			var env struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(respBody, &env) == nil && env.ID != "" {
				mine = append(mine, env.ID)
			}
		case k == kDelete && status == http.StatusNoContent:
			mine[victim] = mine[len(mine)-1]
			mine = mine[:len(mine)-1]
		}
	}
	d.mu.Lock()
	for i := range local {
		d.perKind[i].add(local[i])
	}
	d.mu.Unlock()
}

// do sends one request and reads the whole answer (the body kept only when keep is set).
func (d *driver) do(ctx context.Context, method, path, auth, ctype string, body []byte, keep bool) (int, []byte, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, rd)
	if err != nil {
		return 0, nil, 0, err
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	var out []byte
	if keep {
		out, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	resp.Body.Close()
	if err != nil {
		return 0, nil, 0, err
	}
	return resp.StatusCode, out, time.Since(start), nil
}

func (d *driver) noteErr(err error) {
	d.mu.Lock()
	if d.err1 == nil {
		d.err1 = err
	}
	d.mu.Unlock()
}

func (d *driver) firstErr() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err1
}

func (d *driver) total() stats {
	t := stats{status: map[int]int{}}
	for i := range d.perKind {
		t.add(d.perKind[i])
	}
	return t
}

func (d *driver) byKind(name string) stats {
	for i, k := range kinds {
		if k.name == name {
			return d.perKind[i]
		}
	}
	return stats{}
}

// unexpected counts the answers that are not among those their kind of request calls for.
func (d *driver) unexpected() int {
	n := 0
	for i, k := range kinds {
		for code, c := range d.perKind[i].status {
			if !slices.Contains(k.expect, code) {
				n += c
			}
		}
	}
	return n
}

// formatCounts lists the counts of m by status code, in order ("200: 12, 429: 3"); with expect
// given, a code it does not hold is marked with "!".
func formatCounts(m map[int]int, expect []int) string {
	codes := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(codes))
	for i, c := range codes {
		mark := ""
		if expect != nil && !slices.Contains(expect, c) {
			mark = "!"
		}
		parts[i] = fmt.Sprintf("%s%d: %d", mark, c, m[c])
	}
	return strings.Join(parts, ", ")
}

func minOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	m := xs[0]
	for _, x := range xs {
		m = min(m, x)
	}
	return m
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// latencies is a histogram of durations in buckets a sixteenth of a power of two wide (about
// 4% apart), from 1 µs.
type latencies struct {
	buckets [64 * 16]int
	n       int
	max     time.Duration
}

func bucketOf(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us < 1 {
		return 0
	}
	// log2(us) * 16, without math: the exponent from the bit length, the fraction linear.
	u := uint64(us)
	e := 63 - bits.LeadingZeros64(u)
	frac := float64(u)/float64(uint64(1)<<e) - 1 // in [0, 1)
	b := e*16 + int(frac*16)
	return min(b, 64*16-1)
}

func bucketUpper(b int) time.Duration {
	e, f := b/16, b%16
	us := float64(uint64(1)<<e) * (1 + float64(f+1)/16)
	return time.Duration(us * float64(time.Microsecond))
}

func (l *latencies) add(d time.Duration) {
	l.buckets[bucketOf(d)]++
	l.n++
	l.max = max(l.max, d)
}

func (l *latencies) merge(o *latencies) {
	for i, c := range o.buckets {
		l.buckets[i] += c
	}
	l.n += o.n
	l.max = max(l.max, o.max)
}

// quantile is the upper edge of the bucket that holds the q-th quantile (at most 4% high).
func (l *latencies) quantile(q float64) time.Duration {
	if l.n == 0 {
		return 0
	}
	want := int(q*float64(l.n-1)) + 1
	seen := 0
	for i, c := range l.buckets {
		seen += c
		if seen >= want {
			return min(bucketUpper(i), l.max).Round(time.Microsecond)
		}
	}
	return l.max
}
