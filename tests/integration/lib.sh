# Cluster fixture for integration tests (sourced). Starts five real sysdist processes.
# As root each test gets a private network namespace (its own loopback, ports and
# iptables), so 127.0.0.1-5:3001-3005 and freezes never touch the machine. Without root
# it falls back to a free port block on 127.0.0.1-5 via --peers, and tests that need
# iptables exit 77 (reported as skipped by ctest, never as passed).
# Every spawned node is stopped by its pid on exit.
set -euo pipefail

ROOT=${SYSDIST_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BIN=${SYSDIST_BIN:-$ROOT/build/release/sysdist}
WORK=$(mktemp -d /tmp/sysdist-it.XXXXXX)
NS=""
PORTS=()
declare -A PIDS=()
NODE_ARGS=()
DATA_ROOT=""  # where the data dirs live; $WORK unless a test mounts a small disk
MODE=${MODE:-CA}
FAILED=0

log() { echo "[$(date +%T)] $*"; }
fail() { echo "FAIL: $*" >&2; FAILED=1; exit 1; }

in_ns() { if [ -n "$NS" ]; then ip netns exec "$NS" "$@"; else "$@"; fi; }

cleanup() {
  local status=$?
  for i in "${!PIDS[@]}"; do kill -CONT "${PIDS[$i]}" 2>/dev/null || true; kill -9 "${PIDS[$i]}" 2>/dev/null || true; done
  # Nodes that sysdist-check restarted after killing them run in the namespace too.
  if [ -n "$NS" ]; then
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -CONT "$pid" 2>/dev/null || true; kill -9 "$pid" 2>/dev/null || true; done
  fi
  wait 2>/dev/null || true
  [ -n "$DATA_ROOT" ] && umount "$DATA_ROOT" 2>/dev/null
  [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null
  if [ $status -ne 0 ] && [ $status -ne 77 ]; then
    for f in "$WORK"/node*.log; do [ -f "$f" ] && { echo "--- last lines of $f"; tail -n 25 "$f"; }; done
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # a test stopped by a timeout still cleans up

# Sets up the namespace (or the fallback ports). Call once, before start_cluster.
setup_network() {
  if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null; then
    NS="sysdist-it-$$"
    ip netns add "$NS"
    ip netns exec "$NS" ip link set lo up
    PORTS=(3001 3002 3003 3004 3005)
  else
    local base=$(( 20000 + (RANDOM % 200) * 10 ))
    PORTS=($((base + 1)) $((base + 2)) $((base + 3)) $((base + 4)) $((base + 5)))
  fi
  local peers=""
  for i in 1 2 3 4 5; do peers+="${peers:+,}127.0.0.$i:${PORTS[$((i - 1))]}"; done
  NODE_ARGS+=(--peers "$peers")
}

require_iptables() {
  [ -n "$NS" ] && command -v iptables >/dev/null || { echo "SKIP: needs root, a network namespace and iptables"; exit 77; }
}

port_of() { echo "${PORTS[$(($1 - 1))]}"; }
host_of() { echo "127.0.0.$1"; }

start_node() {
  local i=$1; shift
  local prefix=()
  [ -n "$NS" ] && prefix=(ip netns exec "$NS")  # execs the node: $! is the node's own pid
  MODE=$MODE "${prefix[@]}" "$BIN" "$(port_of "$i")" --data-dir "${DATA_ROOT:-$WORK}/data$i" "${NODE_ARGS[@]}" "$@" \
    >>"$WORK/node$i.log" 2>&1 &
  PIDS[$i]=$!
}

wait_healthy() {
  local i=$1
  for _ in $(seq 100); do
    [ "$(status_of GET "$i" /health)" = 200 ] && return 0
    kill -0 "${PIDS[$i]}" 2>/dev/null || fail "node $i exited at start"
    sleep 0.1
  done
  fail "node $i not healthy after 10 s"
}

start_cluster() {
  for i in 1 2 3 4 5; do start_node "$i" "$@"; done
  for i in 1 2 3 4 5; do wait_healthy "$i"; done
}

# SIGTERM and wait (graceful stop); returns the exit code of the node.
stop_node() {
  local i=$1 pid=${PIDS[$1]}
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  unset "PIDS[$i]"
  return $code
}

kill9_node() { kill -9 "${PIDS[$1]}"; wait "${PIDS[$1]}" 2>/dev/null || true; unset "PIDS[$1]"; }

# req METHOD NODE PATH [curl args...]: sets STATUS, BODY and HEADERS.
req() {
  local method=$1 i=$2 path=$3; shift 3
  local out
  rm -f "$WORK/headers" "$WORK/body"
  # From 127.0.0.254, like bin/lib.sh: freezing node 1 (127.0.0.1) must not cut the test off.
  out=$(in_ns curl -s --max-time 20 --interface 127.0.0.254 -X "$method" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' \
        "$@" "http://$(host_of "$i"):$(port_of "$i")$path") || true
  STATUS=$out
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
  HEADERS=$(cat "$WORK/headers" 2>/dev/null || true)
}
status_of() { req "$@"; echo "$STATUS"; }

expect_status() {
  local want=$1; shift
  req "$@"
  [ "$STATUS" = "$want" ] || fail "$* -> $STATUS (want $want): $BODY"
}
expect_eq() { [ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"; }
# json_field JSON FIELD: one field of a JSON object (read from stdin: values may be 1 MiB).
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" <<<"$1"; }

# The value of KEY on node I ("<absent>" when 404).
value_on() {
  req GET "$1" "/database/$2"
  if [ "$STATUS" = 404 ]; then echo "<absent>"; else json_field "$BODY" val; fi
}

# expect_values_on_all FILE: every "key value" line of FILE holds on every node (one dump each).
expect_values_on_all() {
  local expected=$1
  for i in 1 2 3 4 5; do
    req GET "$i" /admin/dump
    [ "$STATUS" = 200 ] || fail "dump of node $i: $STATUS"
    python3 - "$expected" "$WORK/body" "$i" <<'PY' || fail "node $i lost acknowledged writes"
import json, sys
dump = json.load(open(sys.argv[2]))
bad = [l.split()[0] for l in open(sys.argv[1]) if l.strip() and dump.get(l.split()[0]) != l.split()[1]]
if bad: print(f"node {sys.argv[3]}: missing or wrong: {bad[:10]} ({len(bad)} in all)"); sys.exit(1)
PY
  done
}

# expect_values_read_back FILE: every "key value" line of FILE reads back (through each
# node in turn; AP reads ask the key's replicas).
expect_values_read_back() {
  local n=0 key value
  while read -r key value; do
    n=$((n % 5 + 1))
    expect_eq "$(value_on "$n" "$key")" "$value" "$key read through node $n"
  done <"$1"
}

# CA: wait (at most 10 s) until no node holds a prepared transaction: after a fault heals,
# late proposals and missed decisions are resolved by the in-doubt scan.
wait_settled() {
  for _ in $(seq 50); do
    local busy=0
    for i in 1 2 3 4 5; do
      [ -n "${PIDS[$i]:-}" ] || continue
      req GET "$i" /admin/status
      [ "$(json_field "$BODY" prepared)" = "[]" ] || busy=1
    done
    [ $busy = 0 ] && return 0
    sleep 0.2
  done
  fail "transactions still prepared 10 s after healing: $BODY"
}

# Every node's dump, identical or fail.
expect_no_divergence() {
  req GET 1 /admin/dump; local first=$BODY
  for i in 2 3 4 5; do
    req GET "$i" /admin/dump
    [ "$BODY" = "$first" ] || fail "node $i diverges: $BODY vs node 1: $first"
  done
}

# run_check ARGS...: runs sysdist-check against the cluster (in its namespace) with the
# repository's fault scripts; sets CHECK_OUTPUT and CHECK_STATUS, prints the verdicts.
run_check() {
  CHECK_STATUS=0
  CHECK_OUTPUT=$(cd "$ROOT" && in_ns "$ROOT/build/release/sysdist-check" --mode "$MODE" --scripts "$ROOT/bin" \
    --history "$WORK/history.jsonl" "$@" 2>/dev/null) || CHECK_STATUS=$?
  grep -v '^      ' <<<"$CHECK_OUTPUT" | tail -n 8
}

# disk_full_scenario: the cluster's data dirs share one small tmpfs (as five demo nodes
# share one disk). Writes are acknowledged, the disk is filled, writes through node 1 must
# answer 507 (after at most a few that were in flight when it filled) while reads go on;
# once the filler is deleted writes resume by themselves, and every acknowledged write is
# still there. Needs root (mount).
disk_full_scenario() {
  [ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to mount a small tmpfs"; exit 77; }
  DATA_ROOT="$WORK/disk"
  mkdir -p "$DATA_ROOT"
  mount -t tmpfs -o size=600m tmpfs "$DATA_ROOT"
  start_cluster "$@"
  : >"$WORK/acked"
  for k in $(seq 10); do
    expect_status 201 POST 1 "/database/before$k/v$k"
    echo "before$k v$k" >>"$WORK/acked"
  done
  log "filling the disk"
  dd if=/dev/zero of="$DATA_ROOT/filler" bs=1M 2>/dev/null || true
  local seen507=0 k
  head -c 200000 /dev/zero | tr '\0' x >"$WORK/big"
  for k in $(seq 150); do  # bounded: 200 KB each (past RocksDB's preallocated log) until storage_full
    req PUT 1 "/database/during$k" --data-binary @"$WORK/big"
    [ "$STATUS" = 201 ] && echo "during$k $(cat "$WORK/big")" >>"$WORK/acked"
    if [ "$STATUS" = 507 ]; then seen507=1; break; fi
  done
  [ $seen507 = 1 ] || fail "no write answered 507 on a full disk (last: $STATUS $BODY)"
  expect_eq "$(json_field "$BODY" code)" storage_full "code of the 507"
  expect_status 507 PUT 1 /database/again --data x
  expect_status 200 GET 1 /database/before3
  req GET 1 /admin/status
  expect_eq "$(json_field "$BODY" storage_full)" True "storage_full in /admin/status"
  log "freeing the disk"
  local started=$SECONDS
  rm -f "$DATA_ROOT/filler"
  local resumed=0
  for _ in $(seq 60); do
    req POST 1 /database/after/resumed
    [ "$STATUS" = 201 ] && { resumed=1; break; }
    sleep 0.5
  done
  [ $resumed = 1 ] || fail "writes did not resume within 30 s of freeing the disk (last: $STATUS $BODY)"
  echo "after resumed" >>"$WORK/acked"
  log "writes resumed $((SECONDS - started)) s after the disk was freed"
  sleep 2
  check_acknowledged "$WORK/acked"
}
