# interven-sim: `make run` sets up, builds release and runs; `make test` runs the whole suite.
# Both work on a fresh Debian machine with Swift installed: missing system packages are
# installed with apt-get (through sudo only when not root).

SWIFT    ?= swift
BIN      := .build/release/interven-sim
RESULTS  := Results
SUDO     := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test check baseline deps build release bench clean

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
##      Results/junit.xml), and write the effective rules and a core benchmark to Results/.
run: release
	@mkdir -p $(RESULTS)
	@$(BIN) rules Scenarios/rules/default.yaml > $(RESULTS)/.rules-effective.yaml.tmp \
		&& mv $(RESULTS)/.rules-effective.yaml.tmp $(RESULTS)/rules-effective.yaml
	@echo "==> Scenarios/rules/default.yaml is valid; effective values in $(RESULTS)/rules-effective.yaml"
	@echo "==> checking every scenario under Scenarios/ (results in $(RESULTS)/<name>/)"
	@$(BIN) check Scenarios --quiet --results $(RESULTS) --report $(RESULTS)/check.json --junit $(RESULTS)/junit.xml
	@echo "==> core benchmark (100,000 agents, every trigger on)"
	@$(BIN) bench-core --agents 100000 --rounds 20 > $(RESULTS)/.bench-core.txt.tmp \
		&& mv $(RESULTS)/.bench-core.txt.tmp $(RESULTS)/bench-core.txt
	@cat $(RESULTS)/bench-core.txt

## test: the whole suite (unit tests and end-to-end tests of the built binary), then every
##       shipped scenario checked against its expectations and the committed baselines.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory check

## check: the shipped scenario library against its expectations and Results/baseline/ (release).
check: release
	$(BIN) check Scenarios --quiet --baseline $(RESULTS)/baseline --report $(RESULTS)/check.json --junit $(RESULTS)/junit.xml

## baseline: rewrite Results/baseline/ from the shipped scenarios (commit the result).
baseline: release
	$(BIN) check Scenarios --quiet --baseline $(RESULTS)/baseline --update-baseline --report $(RESULTS)/check.json

## bench: the core benchmark at full size (release).
bench: release
	$(BIN) bench-core --agents 100000 --rounds 20

clean:
	rm -rf .build
