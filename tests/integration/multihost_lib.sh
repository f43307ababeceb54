# Five hosts on one machine (sourced): five network namespaces, each with its own address
# from the documentation range 192.0.2.0/24 on one Linux bridge (in a sixth namespace, the
# "switch", which is also the client's host at 192.0.2.100), names node1..node5 in each
# namespace's /etc/hosts (/etc/netns/NAME/hosts), nodes bound to 0.0.0.0:3001 with
# --advertise and --peers by name. Faults are applied inside a host's own namespace.
# Every process is stopped by its pid, every namespace and hosts file removed on exit.
set -euo pipefail

ROOT=${SYSDIST_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BIN=${SYSDIST_BIN:-$ROOT/build/release/sysdist}
CHECK_BIN=$(dirname "$BIN")/sysdist-check
WORK=$(mktemp -d /tmp/sysdist-mh.XXXXXX)
TAG="sd$$"
SWITCH="$TAG-sw"
declare -A PIDS=() ADDRESS=()
MODE=${MODE:-CA}
PEERS="node1:3001,node2:3001,node3:3001,node4:3001,node5:3001"

log() { echo "[$(date +%T)] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
host_ns() { echo "$TAG-h$1"; }

cleanup() {
  local status=$?
  for i in "${!PIDS[@]}"; do kill -CONT "${PIDS[$i]}" 2>/dev/null || true; kill -9 "${PIDS[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in "$SWITCH" $(for i in 1 2 3 4 5; do host_ns "$i"; done); do
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
  done
  if [ $status -ne 0 ] && [ $status -ne 77 ]; then
    for f in "$WORK"/node*.log; do [ -f "$f" ] && { echo "--- last lines of $f"; tail -n 20 "$f"; }; done
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # a test stopped by a timeout still cleans up

require_root() {
  [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null && command -v iptables >/dev/null ||
    { echo "SKIP: needs root, ip and iptables for the five hosts"; exit 77; }
}

# Every namespace's /etc/hosts, rewritten in place (the same file, so processes already
# running in a namespace, whose /etc/hosts is a bind mount of it, see the change).
write_hosts() {
  local i ns text="127.0.0.1 localhost"$'\n'
  for i in 1 2 3 4 5; do text+="${ADDRESS[$i]} node$i"$'\n'; done
  for ns in "$SWITCH" $(for i in 1 2 3 4 5; do host_ns "$i"; done); do
    mkdir -p "/etc/netns/$ns"
    printf '%s' "$text" >"/etc/netns/$ns/hosts"
  done
}

setup_hosts() {
  local i
  for i in 1 2 3 4 5; do ADDRESS[$i]="192.0.2.$((10 + i))"; done
  write_hosts
  ip netns add "$SWITCH"
  ip -n "$SWITCH" link set lo up
  ip -n "$SWITCH" link add br0 type bridge
  ip -n "$SWITCH" addr add 192.0.2.100/24 dev br0
  ip -n "$SWITCH" link set br0 up
  for i in 1 2 3 4 5; do
    local ns; ns=$(host_ns "$i")
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip link add "$TAG-e$i" netns "$ns" type veth peer name "p$i" netns "$SWITCH"
    ip -n "$ns" link set "$TAG-e$i" name eth0
    ip -n "$ns" addr add "${ADDRESS[$i]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$SWITCH" link set "p$i" master br0
    ip -n "$SWITCH" link set "p$i" up
  done
}

on_host() { local i=$1; shift; ip netns exec "$(host_ns "$i")" "$@"; }
on_client() { ip netns exec "$SWITCH" "$@"; }

start_node() {
  local i=$1; shift
  MODE=$MODE ip netns exec "$(host_ns "$i")" "$BIN" 3001 --host 0.0.0.0 --advertise "node$i:3001" --peers "$PEERS" \
    --data-dir "$WORK/data$i" "$@" >>"$WORK/node$i.log" 2>&1 &
  PIDS[$i]=$!
}

# req METHOD NODE PATH [curl args...], from the client host by name: sets STATUS and BODY.
req() {
  local method=$1 i=$2 path=$3; shift 3
  STATUS=$(on_client curl -s --max-time 20 -X "$method" -o "$WORK/body" -w '%{http_code}' "$@" "http://node$i:3001$path") || true
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}
expect_status() {
  local want=$1; shift
  req "$@"
  [ "$STATUS" = "$want" ] || fail "$* -> $STATUS (want $want): $BODY"
}
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" <<<"$1"; }
value_on() {
  req GET "$1" "/database/$2"
  if [ "$STATUS" = 404 ]; then echo "<absent>"; else json_field "$BODY" val; fi
}
expect_eq() { [ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"; }

wait_healthy() {
  for _ in $(seq 100); do
    req GET "$1" /health
    [ "$STATUS" = 200 ] && return 0
    kill -0 "${PIDS[$1]}" 2>/dev/null || fail "node $1 exited at start"
    sleep 0.1
  done
  fail "node $1 not healthy after 10 s"
}

start_cluster() {
  local i
  for i in 1 2 3 4 5; do start_node "$i" "$@"; done
  for i in 1 2 3 4 5; do wait_healthy "$i"; done
}

# Freezing a host: inside its own namespace, every packet on its interface is dropped.
freeze_host() {
  on_host "$1" iptables -w -A INPUT -i eth0 -j DROP
  on_host "$1" iptables -w -A OUTPUT -o eth0 -j DROP
}
unfreeze_host() { on_host "$1" iptables -w -F; }

# Stops node I, gives its host a new address (and every host the new name), starts it again.
readdress_and_restart() {
  local i=$1 address=$2; shift 2
  kill -TERM "${PIDS[$i]}"; wait "${PIDS[$i]}" 2>/dev/null || true
  on_host "$i" ip addr flush dev eth0
  on_host "$i" ip addr add "$address/24" dev eth0
  ADDRESS[$i]=$address
  write_hosts
  start_node "$i" "$@"
  wait_healthy "$i"
}

# The client API through names (SPEC 2): 201/200/404/400, X-Sys-Id, PUT bodies, DELETE.
api_contract() {
  local headers
  headers=$(on_client curl -s -D - -o /dev/null -XPOST --max-time 20 "http://node2:3001/database/api/first")
  [[ "$headers" == *"201"* && "$headers" == *"X-Sys-Id: 3001"* ]] || fail "POST through node2: $headers"
  expect_eq "$(value_on 3 api)" first "api through node3"
  expect_status 201 PUT 4 /database/api --data-binary 'second value'
  expect_eq "$(value_on 5 api)" "second value" "a PUT body through node5"
  expect_status 404 GET 1 /database/never-written
  [[ "$BODY" == *'"code"'* ]] || fail "404 without the error shape: $BODY"
  expect_status 400 GET 1 /database/%ZZ
  expect_status 200 DELETE 2 /database/api
  expect_status 404 GET 3 /database/api
}

# One sysdist-check run from the client host, by name (pause: signals work across namespaces).
run_check() {
  local out
  out=$(on_client "$CHECK_BIN" run --mode "$MODE" --nodes "$PEERS" --nemesis pause --duration "${1:-8}" \
        --fault 2 --heal 2 --settle 4 2>&1) || { echo "$out"; fail "sysdist-check found $MODE's guarantees broken"; }
  echo "$out" | tail -n 1
}
