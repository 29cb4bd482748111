#!/bin/sh
# Checks openapi.yaml and the server against it: openapi-spec-validator on the document, then
# schemathesis (property-based requests generated from the document) against
# `interven-sim serve` on a loopback port with a fresh database. Both are installed from PyPI
# into .build/api-venv when missing.
#
# Usage: scripts/api-check.sh [--examples N | --seconds S] [--skip-if-unavailable] [BIN]
#   --seconds S   every phase, stateful sequences included, repeated until S seconds are spent
#                 (make api-check: 60)
#   --examples N  the stateless phases only (examples, coverage, fuzzing), at most N generated
#                 cases per operation, with a fixed seed: a bounded run (make test: 100)
#   --skip-if-unavailable  when the tools cannot be installed (no network, no python3 venv),
#                 say so and exit 0 instead of failing
set -eu
MODE=seconds
BUDGET=60
SKIP=no
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) MODE=seconds; BUDGET=$2; shift 2 ;;
    --examples) MODE=examples; BUDGET=$2; shift 2 ;;
    --skip-if-unavailable) SKIP=yes; shift ;;
    *) break ;;
  esac
done
BIN=${1:-.build/debug/interven-sim}
VENV=.build/api-venv

unavailable() {
  if [ "$SKIP" = yes ]; then
    echo "==> SKIPPED the API checks (openapi-spec-validator, schemathesis): $1" >&2
    exit 0
  fi
  echo "error: $1" >&2
  exit 1
}

if [ ! -x "$VENV/bin/st" ] || [ ! -x "$VENV/bin/openapi-spec-validator" ]; then
  echo "==> installing openapi-spec-validator and schemathesis into $VENV (pip)"
  command -v python3 >/dev/null 2>&1 || unavailable "python3 is not installed"
  python3 -m venv "$VENV" >/dev/null 2>&1 || { rm -rf "$VENV"; unavailable "python3 cannot create a virtual environment (install python3-venv)"; }
  "$VENV/bin/pip" install -q openapi-spec-validator schemathesis \
    || { rm -rf "$VENV"; unavailable "pip could not install openapi-spec-validator and schemathesis (no network?)"; }
fi

echo "==> openapi-spec-validator openapi.yaml"
"$VENV/bin/openapi-spec-validator" openapi.yaml

KEY=iv_live_apicheck000000000000000000001
. "$(dirname "$0")/serve-lib.sh"
serve_start "$BIN" check "$KEY" check-bot
if [ "$MODE" = examples ]; then
  echo "==> schemathesis, stateless phases, $BUDGET cases per operation, seed 1, against $SERVE_URL"
  "$VENV/bin/st" run openapi.yaml --url "$SERVE_URL" -H "Authorization: Bearer $KEY" --checks all \
    --phases examples,coverage,fuzzing --max-examples "$BUDGET" --seed 1 --generation-database none \
    --workers 2 --no-color
else
  echo "==> schemathesis, every phase, for $BUDGET s, against $SERVE_URL"
  "$VENV/bin/st" run openapi.yaml --url "$SERVE_URL" -H "Authorization: Bearer $KEY" --checks all \
    --max-time "$BUDGET" --workers 2 --no-color
fi
