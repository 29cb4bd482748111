#!/bin/sh
# Compares two `interven-sim serve` binaries (not a test): PAIRS alternating full-speed runs of
# SECONDS each (fresh server and database each, persistence on, wrk -t2 -c64 with bench/scan.lua,
# as bench/serve-bench.sh), one line per run: load average, scans/s, p99 and the server's CPU
# time per scan (user + system from /proc over the run, divided by the scans /metrics counted).
# On a shared machine compare the medians. Usage: bench/serve-ab.sh BIN_A BIN_B [PAIRS] [SECONDS]
set -eu
A=$1 B=$2 PAIRS=${3:-5} SECS=${4:-6}
KEY=iv_live_bench0000000000000000000000001
. "$(dirname "$0")/../scripts/serve-lib.sh"
TCK=$(getconf CLK_TCK)
scans() { curl -s "$SERVE_URL/metrics" | awk '/^interven_scans_total/ { s += $2 } END { printf "%d", s }'; }
one() {
  serve_start "$1" bench "$KEY" bench-default
  INTERVEN_KEY=$KEY wrk -t2 -c64 -d1s -s bench/scan.lua "$SERVE_URL" > /dev/null   # warm-up
  LOAD=$(cut -d' ' -f1 /proc/loadavg)
  N0=$(scans); C0=$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat")
  OUT=$(INTERVEN_KEY=$KEY wrk -t2 -c64 -d"${SECS}s" --latency -s bench/scan.lua "$SERVE_URL")
  C1=$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat"); N1=$(scans)
  RPS=$(echo "$OUT" | awk '/^Requests\/sec/ { printf "%d", $2 }')
  P99=$(echo "$OUT" | awk '$1 == "99%" { print $2 }')
  awk -v b="$1" -v l="$LOAD" -v r="$RPS" -v p="$P99" -v c=$((C1 - C0)) -v n=$((N1 - N0)) -v hz="$TCK" \
    'BEGIN { printf "%-40s load %5s  %6d scans/s  p99 %9s  %6.1f us/scan\n", b, l, r, p, (n > 0 ? c / hz / n * 1e6 : 0) }'
  serve_stop
}
for _ in $(seq 1 "$PAIRS"); do one "$A"; one "$B"; done
