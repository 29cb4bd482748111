#!/bin/sh
# The serve benchmark (not a test): starts `interven-sim serve` (release) on a loopback port with
# a fresh database, drives POST /v1/scan with wrk and bench/scan.lua at full speed, reads the
# scan count back from /metrics, then runs again paced at half the measured rate for the latency
# percentiles. Usage: bench/serve-bench.sh [BIN] [SECONDS] [CONNECTIONS] [SERVE OPTIONS...]
set -eu
BIN=${1:-.build/release/interven-sim}
SECS=${2:-20}
CONN=${3:-64}
[ $# -gt 3 ] && shift 3 || shift $#
KEY=iv_live_bench0000000000000000000000001
. "$(dirname "$0")/../scripts/serve-lib.sh"
serve_start "$BIN" bench "$KEY" bench-default "$@"
URL=$SERVE_URL
scans() { curl -s "$URL/metrics" | awk '/^interven_scans_total/ { s += $2 } END { printf "%d\n", s }'; }
# The server's CPU time (user + system, clock ticks) from /proc, and per scan in microseconds.
TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat"; }
cpu_per_scan() {
  awk -v t="$1" -v n="$2" -v hz="$TCK" 'BEGIN { if (n > 0) printf "==> server CPU: %.2f s for %d scans: %.1f us per scan\n", t / hz, n, t / hz / n * 1e6 }'
}
# /metrics counts every scan answered; wrk counts the responses it read before its time was up,
# so /metrics may count up to one more scan per connection (the requests in flight at the end).
agreement() {
  DONE=$(awk '/requests in/ { print $1 }' "$1")
  BAD=$(awk '/Non-2xx/ { print $NF }' "$1")
  echo "/metrics: $2 scans counted during the run; wrk: $DONE requests completed, ${BAD:-0} not 2xx"
  if [ "$2" -lt "$DONE" ] || [ "$2" -gt $((DONE + CONN)) ]; then
    echo "==> /metrics and wrk DISAGREE (expected $DONE to $((DONE + CONN)))"
  else
    echo "==> /metrics agrees with wrk (the $(($2 - DONE)) more were in flight when wrk stopped; at most $CONN)"
  fi
}
echo "==> load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "==> full speed: wrk -t2 -c$CONN -d${SECS}s --latency -s bench/scan.lua $URL"
BEFORE=$(scans); CPU0=$(cpu_ticks)
INTERVEN_KEY=$KEY wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s bench/scan.lua "$URL" | tee "$SERVE_DIR/full.txt"
sleep 1
AFTER=$(scans); CPU1=$(cpu_ticks)
agreement "$SERVE_DIR/full.txt" $((AFTER - BEFORE))
cpu_per_scan $((CPU1 - CPU0)) $((AFTER - BEFORE))
RPS=$(awk '/^Requests\/sec/ { printf "%d", $2 }' "$SERVE_DIR/full.txt")
HALF=$((RPS / 2))
echo "==> paced at half that rate: RATE=$HALF wrk -t2 -c$CONN -d${SECS}s --latency -s bench/scan.lua $URL"
BEFORE=$(scans); CPU0=$(cpu_ticks)
INTERVEN_KEY=$KEY RATE=$HALF CONNECTIONS=$CONN wrk -t2 -c"$CONN" -d"${SECS}s" --latency -s bench/scan.lua "$URL" | tee "$SERVE_DIR/paced.txt"
sleep 1
AFTER=$(scans); CPU1=$(cpu_ticks)
agreement "$SERVE_DIR/paced.txt" $((AFTER - BEFORE))
cpu_per_scan $((CPU1 - CPU0)) $((AFTER - BEFORE))
echo "==> load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
