# interven-sim: `make run` sets up, builds release and runs; `make test` runs the whole suite.
# Both work on a fresh Debian machine with Swift installed: missing system packages are
# installed with apt-get (through sudo only when not root).

SWIFT    ?= swift
BIN      := .build/release/interven-sim
RESULTS  := Results
SUDO     := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: run test deps build release bench clean

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

## run: build release, validate the shipped rules, run every shipped scenario into Results/<name>/,
##      and write the effective rules and a core benchmark to Results/.
run: release
	@mkdir -p $(RESULTS)
	@$(BIN) rules Scenarios/rules/default.yaml > $(RESULTS)/.rules-effective.yaml.tmp \
		&& mv $(RESULTS)/.rules-effective.yaml.tmp $(RESULTS)/rules-effective.yaml
	@echo "==> Scenarios/rules/default.yaml is valid; effective values in $(RESULTS)/rules-effective.yaml"
	@for f in Scenarios/examples/*.yaml Scenarios/load/*.yaml; do \
		echo "==> $$f"; $(BIN) run "$$f" --quiet || exit $$?; \
	done
	@echo "==> core benchmark (100,000 agents, every trigger on)"
	@$(BIN) bench-core --agents 100000 --rounds 20 > $(RESULTS)/.bench-core.txt.tmp \
		&& mv $(RESULTS)/.bench-core.txt.tmp $(RESULTS)/bench-core.txt
	@cat $(RESULTS)/bench-core.txt

## test: the whole suite (unit tests and end-to-end tests of the built binary).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## bench: the core benchmark at full size (release).
bench: release
	$(BIN) bench-core --agents 100000 --rounds 20

clean:
	rm -rf .build
