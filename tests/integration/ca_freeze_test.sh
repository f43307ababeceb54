#!/usr/bin/env bash
# CA: a frozen node (bin/freeze.sh) makes every write fail with 422 within the RPC timeout
# and change no node; after bin/unfreeze.sh writes succeed again and no node diverges.
source "$(dirname "$0")/lib.sh"
setup_network
require_iptables
start_cluster --rpc-timeout-ms 500
freeze() { in_ns "$ROOT/bin/freeze.sh" "$1" >/dev/null; }
unfreeze() { in_ns "$ROOT/bin/unfreeze.sh" "$@" >/dev/null; }

expect_status 201 POST 1 /database/city/Rome

log "freeze node 3: writes on any other node fail with 422, quickly"
freeze 3003
freeze 3003   # idempotent
for i in 1 2 4 5; do
  start=$(date +%s%N)
  expect_status 422 POST "$i" "/database/city/Paris$i"
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$elapsed_ms" -lt 5000 ] || fail "422 took ${elapsed_ms} ms; the RPC timeout is 500 ms"
  expect_eq "$(json_field "$BODY" code)" participant_unreachable "422 code"
done
log "no reachable node changed"
for i in 1 2 4 5; do expect_eq "$(value_on "$i" city)" Rome "city on node $i while frozen"; done

log "unfreeze: writes succeed again and every node agrees"
unfreeze 3003
wait_settled
expect_status 201 POST 2 /database/city/Berlin
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" city)" Berlin "city on node $i after unfreeze"; done

log "freezing the coordinator's own address (node 1) while writing elsewhere"
freeze 3001
expect_status 422 POST 2 /database/city/Madrid
unfreeze
wait_settled
expect_status 201 POST 4 /database/city/Lisbon
expect_no_divergence
[ -z "$(in_ns iptables -S | grep -i sysdist)" ] || fail "unfreeze left sysdist rules behind"
echo "PASS"
