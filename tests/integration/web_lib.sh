# Dashboard fixture (sourced after lib.sh): sysdist-dash in the test's network namespace,
# reading the nodes' pids from the test's own run folder, and the browser scenario of
# tests/web/e2e/dashboard.mjs run in the same namespace (the page is on [::1]:3000 there).
DASH_BIN=${SYSDIST_DASH:-$(dirname "$BIN")/sysdist-dash}

require_browser() {
  command -v node >/dev/null && [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && [ -d "$ROOT/tests/web/node_modules/playwright-core" ] ||
    fail "the browser tests need node, /usr/bin/chromium and tests/web/node_modules (bin/bootstrap installs them)"
}

start_dash() {
  mkdir -p "$WORK/run/pids"
  for i in 1 2 3 4 5; do echo "${PIDS[$i]}" >"$WORK/run/pids/$(port_of "$i").pid"; done
  in_ns "$DASH_BIN" --root "$ROOT" --run "$WORK/run" >>"$WORK/dash.log" 2>&1 &
  PIDS[dash]=$!
  for _ in $(seq 50); do
    in_ns curl -s -o /dev/null -g "http://[::1]:3000/api/info" && return 0
    sleep 0.1
  done
  cat "$WORK/dash.log"
  fail "sysdist-dash did not answer on [::1]:3000"
}

run_browser() {
  SHOTS="$ROOT/run/web" in_ns node "$ROOT/tests/web/e2e/dashboard.mjs" "$MODE" || {
    echo "--- dashboard log"; tail -n 30 "$WORK/dash.log"; fail "the $MODE dashboard scenario failed"; }
}
