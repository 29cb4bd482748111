#!/bin/sh
# Checks openapi.yaml and the server against it: openapi-spec-validator on the document, then
# schemathesis (property-based requests from the document) against `interven-sim serve` on a
# loopback port with a fresh database. Both come from PyPI into .build/api-venv when missing.
# Usage: scripts/api-check.sh [BIN] [SECONDS]
set -eu
BIN=${1:-.build/debug/interven-sim}
SECS=${2:-60}
VENV=.build/api-venv
if [ ! -x "$VENV/bin/st" ] || [ ! -x "$VENV/bin/openapi-spec-validator" ]; then
  echo "==> installing openapi-spec-validator and schemathesis into $VENV (pip)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q openapi-spec-validator schemathesis
fi
"$VENV/bin/openapi-spec-validator" openapi.yaml
DIR=$(mktemp -d)
KEY=iv_live_apicheck000000000000000000001
cleanup() { [ -n "${PID:-}" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
cat > "$DIR/config.yaml" <<YAML
tenants:
  - id: check
    keys:
      - name: check
        sha256: $("$BIN" serve --hash-key "$KEY")
        agent: check-bot
YAML
"$BIN" serve --config "$DIR/config.yaml" --db "$DIR/gateway.sqlite" --port 0 --log-level warning 2> "${SERVE_STDERR:-$DIR/stderr}" &
PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "${SERVE_STDERR:-$DIR/stderr}" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "${SERVE_STDERR:-$DIR/stderr}" | head -1)
[ -n "$URL" ] || { cat "$DIR/stderr" >&2; exit 1; }
"$VENV/bin/st" run openapi.yaml --url "$URL" -H "Authorization: Bearer $KEY" --checks all --max-time "$SECS" --workers 2
