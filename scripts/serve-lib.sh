# Starting and stopping `interven-sim serve` for scripts (sourced, POSIX sh): bench/serve-bench.sh
# and scripts/api-check.sh. A fresh server on a free loopback port with a fresh database under a
# temporary directory and one tenant with one API key.
#
#   serve_start BIN TENANT KEY AGENT [SERVE OPTIONS...]   sets SERVE_URL, SERVE_PID and SERVE_DIR
#   serve_stop                                            stops it (SIGTERM, waits) and removes SERVE_DIR
#
# serve_start installs traps so the server is stopped however the script ends. The server's
# stderr goes to $SERVE_DIR/stderr, or to $SERVE_STDERR when set.

serve_start() {
  _bin=$1 _tenant=$2 _key=$3 _agent=$4
  shift 4
  SERVE_DIR=$(mktemp -d)
  trap serve_stop EXIT
  trap 'serve_stop; exit 130' INT
  trap 'serve_stop; exit 143' TERM
  _hash=$("$_bin" serve --hash-key "$_key")
  cat > "$SERVE_DIR/config.yaml" <<YAML
tenants:
  - id: $_tenant
    keys:
      - name: $_tenant
        sha256: $_hash
        agent: $_agent
YAML
  _err=${SERVE_STDERR:-$SERVE_DIR/stderr}
  "$_bin" serve --config "$SERVE_DIR/config.yaml" --db "$SERVE_DIR/gateway.sqlite" --port 0 --log-level warning "$@" 2> "$_err" &
  SERVE_PID=$!
  SERVE_URL=
  for _ in $(seq 1 200); do
    SERVE_URL=$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$_err" 2>/dev/null | head -1)
    [ -n "$SERVE_URL" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$SERVE_URL" ]; then
    echo "error: interven-sim serve did not start listening within 20 s:" >&2
    cat "$_err" >&2
    return 1
  fi
}

serve_stop() {
  if [ -n "${SERVE_PID:-}" ]; then
    { kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null; } || true
    SERVE_PID=
  fi
  if [ -n "${SERVE_DIR:-}" ]; then
    rm -rf "$SERVE_DIR"
    SERVE_DIR=
  fi
  return 0
}
