# interven-sim: `make run` sets up, builds release and runs; `make test` runs the whole suite.
# Both work on a fresh Debian machine with Swift installed: missing system packages are
# installed with apt-get (through sudo only when not root).

SWIFT    ?= swift
BIN      := .build/release/interven-sim
RESULTS  := Results
SUDO     := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
# The same tool linked with the system allocator (glibc malloc) instead of jemalloc, in its own
# build directory (the manifest reads INTERVEN_ALLOCATOR once per build directory).
SYSTEM_ALLOC_SCRATCH := .build/system-alloc
SYSTEM_ALLOC_BIN     := $(SYSTEM_ALLOC_SCRATCH)/release/interven-sim
# Extra arguments for `make bench` and `make bench-system-alloc`, e.g. BENCH_ARGS="--agents 1000000 --hours 1".
BENCH_ARGS ?=
# How long `make fuzz` runs, in seconds, and its random seed (empty: a new one, printed).
FUZZ_SECONDS ?= 180
FUZZ_SEED    ?=

.PHONY: run test check allocations baseline deps test-deps build release bench bench-system-alloc bench-core serve bench-serve api-check fuzz clean

## deps: install system packages the build needs (jemalloc and zlib via pkg-config).
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists jemalloc || ! pkg-config --exists zlib \
		|| ! command -v python3 >/dev/null 2>&1; then \
		echo "==> installing libjemalloc-dev, zlib1g-dev, pkg-config and python3 (apt-get)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc-dev zlib1g-dev pkg-config python3 >/dev/null; \
	fi

## test-deps: headless Chromium, which a test uses to load report.html (the test is skipped
##            where it cannot be installed).
test-deps: deps
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "==> installing chromium (apt-get) for the report page test"; \
		{ $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
			|| echo "==> chromium could not be installed: the report page test will be skipped"; \
	fi

## build: debug build of everything.
build: deps
	$(SWIFT) build

## release: optimized build of the command-line tool.
release: deps
	$(SWIFT) build -c release --product interven-sim

## run: build release, validate the shipped rules, check every shipped scenario (runs them in
##      parallel, prints the table, writes Results/<name>/, Results/check.json and
##      Results/junit.xml), and write the effective rules and a short benchmark (Results/bench.txt
##      and bench.json) to Results/.
run: release
	@mkdir -p $(RESULTS)
	@$(BIN) rules Scenarios/rules/default.yaml > $(RESULTS)/.rules-effective.yaml.tmp \
		&& mv $(RESULTS)/.rules-effective.yaml.tmp $(RESULTS)/rules-effective.yaml
	@echo "==> Scenarios/rules/default.yaml is valid; effective values in $(RESULTS)/rules-effective.yaml"
	@echo "==> checking every scenario under Scenarios/ (results in $(RESULTS)/<name>/)"
	@$(BIN) check Scenarios --quiet --results $(RESULTS) --report $(RESULTS)/check.json --junit $(RESULTS)/junit.xml
	@echo "==> short benchmark: 100,000 agents for 1 virtual hour, reference and engine on 1 and 2 shards (make bench: 24 h)"
	@$(BIN) bench --agents 100000 --hours 1 --shards 1,2 --json $(RESULTS)/bench.json > $(RESULTS)/.bench.txt.tmp \
		&& mv $(RESULTS)/.bench.txt.tmp $(RESULTS)/bench.txt
	@cat $(RESULTS)/bench.txt

## test: the whole suite (unit tests and end-to-end tests of the built binary; the release
##       binary runs the whole load scenario at several shard counts), then every shipped
##       scenario checked against its expectations and the committed baselines, then the
##       allocation budget.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) build -c release --product interven-sim
	INTERVEN_SIM_RELEASE_BIN=$(CURDIR)/$(BIN) $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory allocations

## check: the shipped scenario library against its expectations and Results/baseline/ (release).
##        CHECK_ARGS adds options, e.g. CHECK_ARGS="--summary summary.md --baseline-mode warn".
CHECK_ARGS ?=
check: release
	$(BIN) check Scenarios --quiet --baseline $(RESULTS)/baseline --report $(RESULTS)/check.json --junit $(RESULTS)/junit.xml $(CHECK_ARGS)

## allocations: the simulation's allocation counts (release, jemalloc) against
##              Tests/allocation-limits.json: per agent, and per scan in steady state.
allocations: release
	python3 scripts/check-allocations.py $(BIN) Tests/allocation-limits.json

## baseline: rewrite Results/baseline/ from the shipped scenarios (commit the result).
baseline: release
	$(BIN) check Scenarios --quiet --baseline $(RESULTS)/baseline --update-baseline --report $(RESULTS)/check.json

## bench: the full benchmark (release, jemalloc): 100,000 agents for 24 virtual hours at 1 scan/min
##        (144 M scans), the reference loop then the engine on 1 and 2 shards; figures also in
##        Results/bench-full.json. Takes minutes. Arguments: BENCH_ARGS="--agents 1000000 --hours 1".
bench: release
	$(BIN) bench $(BENCH_ARGS) --json $(RESULTS)/bench-full.json

## bench-system-alloc: the same benchmark with the system allocator (glibc malloc) instead of jemalloc.
bench-system-alloc: deps
	INTERVEN_ALLOCATOR=system $(SWIFT) build -c release --product interven-sim --scratch-path $(SYSTEM_ALLOC_SCRATCH)
	@if ldd $(SYSTEM_ALLOC_BIN) | grep -q jemalloc; then echo "error: $(SYSTEM_ALLOC_BIN) links jemalloc" >&2; exit 1; fi
	$(SYSTEM_ALLOC_BIN) bench $(BENCH_ARGS) --json $(RESULTS)/bench-system-alloc.json

## fuzz: mutate the shipped scenarios and rules file (and abuse flags) for FUZZ_SECONDS seconds,
##       run the release binary on each mutant, and check the contract: no crash, exit 0-3,
##       exit 2 with located error lines, nothing half-written. Findings go to
##       .build/fuzz-findings/; exit 1 when there is any. Not part of `make test`.
fuzz: release
	python3 scripts/fuzz.py --binary $(BIN) --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

## bench-core: the gateway core alone on a fixed synthetic stream (release).
bench-core: release
	$(BIN) bench-core --agents 100000 --rounds 20

## serve: build release and serve the gateway over HTTP on 127.0.0.1:8080 (a demo tenant; its key is
##        printed on stderr). Arguments: SERVE_ARGS="--config tenants.yaml --db gateway.sqlite --port 9000".
SERVE_ARGS ?=
serve: release
	$(BIN) serve $(SERVE_ARGS)

## bench-serve: the HTTP benchmark (not a test): wrk on loopback against a fresh server with
##              persistence on (bench/serve-bench.sh, bench/scan.lua); installs wrk if missing.
bench-serve: release
	@command -v wrk >/dev/null 2>&1 || { echo "==> installing wrk (apt-get)"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	bench/serve-bench.sh $(BIN)

## api-check: openapi.yaml validated (openapi-spec-validator), then schemathesis against a fresh
##            server (debug build) for 60 s; both installed from PyPI into .build/api-venv when missing.
api-check: deps
	$(SWIFT) build --product interven-sim
	scripts/api-check.sh .build/debug/interven-sim 60

clean:
	rm -rf .build
