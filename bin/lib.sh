# Shared helpers of the bin/ scripts (sourced, not run).
SYSDIST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYSDIST_PORTS=(3001 3002 3003 3004 3005)

# The loopback address of node PORT (port 300x is 127.0.0.x).
node_host() { echo "127.0.0.$(( $1 - 3000 ))"; }

# curl against node PORT, with the cluster secret when set. Requests leave from
# 127.0.0.254 so that freezing node 1 (127.0.0.1) does not cut off these scripts too.
node_curl() {
  local port=$1; shift
  local path=$1; shift
  local args=(-sS --max-time 10 --interface 127.0.0.254)
  [ -n "${SYSDIST_SECRET:-}" ] && args+=(-H "X-Sys-Secret: $SYSDIST_SECRET")
  curl "${args[@]}" "$@" "http://$(node_host "$port"):$port$path"
}

check_port() {
  case "$1" in 3001|3002|3003|3004|3005) ;; *) echo "$(basename "$0"): PORT must be one of 3001..3005, got '$1'" >&2; exit 2;; esac
}

# The pid of the node serving PORT: from bin/cluster's pid file, else by command line
# (nodes started by hand or by bin/demo). Fails when none runs.
node_pid() {
  local port=$1 pid
  pid=$(cat "$SYSDIST_ROOT/run/pids/$port.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  pid=$(pgrep -f "sysdist $port( |$)" | head -n 1)
  [ -n "$pid" ] && echo "$pid"
}
