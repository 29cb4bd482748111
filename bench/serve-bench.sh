#!/bin/sh
# The serve benchmark (not a test): starts `interven-sim serve` (release) on a loopback port with
# a fresh database, drives POST /v1/scan with wrk and bench/scan.lua at full speed, reads the
# scan count back from /metrics, then runs again paced at half the measured rate for the latency
# percentiles. Usage: bench/serve-bench.sh [BIN] [SECONDS] [CONNECTIONS]
set -eu
BIN=${1:-.build/release/interven-sim}
SECS=${2:-20}
CONN=${3:-64}
DIR=$(mktemp -d)
KEY=iv_live_bench0000000000000000000000001
cleanup() { [ -n "${PID:-}" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
cat > "$DIR/config.yaml" <<YAML
tenants:
  - id: bench
    keys:
      - name: bench
        sha256: $("$BIN" serve --hash-key "$KEY")
        agent: bench-default
YAML
"$BIN" serve --config "$DIR/config.yaml" --db "$DIR/gateway.sqlite" --port 0 --log-level warning 2> "$DIR/stderr" &
PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$DIR/stderr" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$DIR/stderr" | head -1)
[ -n "$URL" ] || { cat "$DIR/stderr" >&2; exit 1; }
scans() { curl -s "$URL/metrics" | awk '/^interven_scans_total/ { s += $2 } END { printf "%d\n", s }'; }
echo "==> full speed: wrk -t2 -c$CONN -d${SECS}s --latency -s bench/scan.lua $URL"
BEFORE=$(scans)
INTERVEN_KEY=$KEY wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s bench/scan.lua "$URL" | tee "$DIR/full.txt"
AFTER=$(scans)
echo "/metrics: $((AFTER - BEFORE)) scans counted during the run"
RPS=$(awk '/^Requests\/sec/ { printf "%d", $2 }' "$DIR/full.txt")
HALF=$((RPS / 2))
echo "==> paced at half that rate: RATE=$HALF wrk -t2 -c$CONN -d${SECS}s --latency -s bench/scan.lua $URL"
INTERVEN_KEY=$KEY RATE=$HALF CONNECTIONS=$CONN wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s bench/scan.lua "$URL"
