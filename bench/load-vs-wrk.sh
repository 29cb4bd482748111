#!/bin/sh
# The load generator's speed against wrk's (not a test): the same endpoint (POST /v1/scan, the
# same request bodies: bench/load-bench.yaml for `interven-sim load`, bench/load-scan.lua for
# wrk), the same connections, the same duration, each against a fresh `serve` (release,
# persistence on, --ack durable) on a loopback port of this machine. Both tools run past what the
# gateway answers, so each sends as fast as its connections allow; the figures are their
# sustained rates and their own CPU time. Usage: bench/load-vs-wrk.sh [BIN] [SECONDS] [CONNECTIONS]
set -eu
BIN=${1:-.build/release/interven-sim}
SECS=${2:-15}
CONN=${3:-64}
DIR=$(mktemp -d)
KEY=iv_live_bench0000000000000000000000001
PID=
stop_serve() { if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
cleanup() { stop_serve; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
cat > "$DIR/config.yaml" <<YAML
tenants:
  - id: bench
    keys:
      - name: bench
        sha256: $("$BIN" serve --hash-key "$KEY")
        agent: bench-default
YAML
# A fresh gateway (new database) for each tool; sets URL.
start_serve() {
  rm -f "$DIR"/gateway.sqlite*
  "$BIN" serve --config "$DIR/config.yaml" --db "$DIR/gateway.sqlite" --port 0 --log-level warning 2> "$DIR/stderr" &
  PID=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$DIR/stderr" 2>/dev/null && break; sleep 0.1; done
  URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$DIR/stderr" | head -1)
  [ -n "$URL" ] || { cat "$DIR/stderr" >&2; exit 1; }
}
echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"

start_serve
echo "==> wrk -t2 -c$CONN -d${SECS}s -s bench/load-scan.lua $URL"
INTERVEN_KEY=$KEY /usr/bin/time -f "%U %S %e" -o "$DIR/wrk.time" wrk -t2 -c"$CONN" -d"${SECS}s" -s bench/load-scan.lua "$URL" > "$DIR/wrk.txt"
stop_serve
grep -E "requests in|Requests/sec|Non-2xx|Socket errors" "$DIR/wrk.txt" || true
WRK_RATE=$(awk '/^Requests\/sec/ { printf "%d", $2 }' "$DIR/wrk.txt")
WRK_CPU=$(awk '{ printf "%.1f", $1 + $2 }' "$DIR/wrk.time")

start_serve
echo "==> interven-sim load bench/load-bench.yaml --target $URL --key ... --connections $CONN --duration ${SECS}s"
"$BIN" load bench/load-bench.yaml --target "$URL" --key "$KEY" --connections "$CONN" --duration "${SECS}s" \
  --timeout 30s --out "$DIR/load" --quiet > "$DIR/load.txt" || true
stop_serve
grep -E "^load |^throughput|^generator CPU|^errors" "$DIR/load.txt" || cat "$DIR/load.txt"
# Completed requests per second while sending (the per-second counts, the partial last second left out).
LOAD_RATE=$(python3 -c "
import json, sys
d = json.load(open('$DIR/load/load.json'))
per = d['throughput_per_second'][:-1] or d['throughput_per_second']
print(int(sum(per) / max(1, len(per))))")
LOAD_CPU=$(python3 -c "import json; print('%.1f' % json.load(open('$DIR/load/load.json'))['cpu_seconds'])")

echo "==> POST /v1/scan, $CONN connections, ${SECS} s each"
echo "wrk:                  $WRK_RATE requests/s, $WRK_CPU s CPU"
echo "interven-sim load:    $LOAD_RATE requests/s, $LOAD_CPU s CPU ($((LOAD_RATE * 100 / WRK_RATE))% of wrk's rate)"
