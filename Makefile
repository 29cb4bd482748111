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

.PHONY: run test check baseline deps build release bench bench-system-alloc bench-core fuzz clean

## deps: install system packages the build needs (jemalloc via pkg-config).
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists jemalloc; then \
		echo "==> installing libjemalloc-dev and pkg-config (apt-get)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjemalloc-dev pkg-config >/dev/null; \
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
##       scenario checked against its expectations and the committed baselines.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build -c release --product interven-sim
	INTERVEN_SIM_RELEASE_BIN=$(CURDIR)/$(BIN) $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory check

## check: the shipped scenario library against its expectations and Results/baseline/ (release).
check: release
	$(BIN) check Scenarios --quiet --baseline $(RESULTS)/baseline --report $(RESULTS)/check.json --junit $(RESULTS)/junit.xml

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

clean:
	rm -rf .build
