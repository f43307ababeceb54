# Shared helpers of the bin/ scripts (sourced, not run).
SYSDIST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYSDIST_PORTS=(3001 3002 3003 3004 3005)

# The loopback address of node PORT (port 300x is 127.0.0.x).
node_host() { echo "127.0.0.$(( $1 - 3000 ))"; }

# The cluster secret: SYSDIST_SECRET when set, else the one bin/cluster and bin/demo
# created for this checkout (run/secret, mode 0600). Empty when there is none.
cluster_secret() {
  if [ -n "${SYSDIST_SECRET:-}" ]; then printf '%s' "$SYSDIST_SECRET"
  elif [ -r "$SYSDIST_ROOT/run/secret" ]; then cat "$SYSDIST_ROOT/run/secret"; fi
}

# Creates run/secret (random, 0600) unless SYSDIST_SECRET is set or it exists.
ensure_secret() {
  [ -n "${SYSDIST_SECRET:-}" ] && return 0
  mkdir -p "$SYSDIST_ROOT/run"
  [ -s "$SYSDIST_ROOT/run/secret" ] ||
    (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$SYSDIST_ROOT/run/secret")
  chmod 600 "$SYSDIST_ROOT/run/secret"
}

# curl against node PORT, with the cluster secret when there is one: curl reads the header
# from a file descriptor, so the secret never appears on a command line (ps). Requests
# leave from 127.0.0.254 so that freezing node 1 (127.0.0.1) does not cut off these scripts.
node_curl() {
  local port=$1; shift
  local path=$1; shift
  local args=(-sS --max-time 10 --interface 127.0.0.254) secret
  secret=$(cluster_secret)
  if [ -n "$secret" ]; then
    curl "${args[@]}" -H @<(printf 'X-Sys-Secret: %s\n' "$secret") "$@" "http://$(node_host "$port"):$port$path"
  else
    curl "${args[@]}" "$@" "http://$(node_host "$port"):$port$path"
  fi
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
