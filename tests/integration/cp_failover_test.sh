#!/usr/bin/env bash
# CP: a leader is elected; freezing it (bin/freeze.sh) makes the majority elect a new one
# and keep serving while the frozen node's writes fail with 503; unfreezing does not depose
# the new leader; kill -9 of every node loses no acknowledged write.
source "$(dirname "$0")/lib.sh"
MODE=CP
setup_network
require_iptables
start_cluster --rpc-timeout-ms 300
status_field() { req GET "$1" /admin/status; json_field "$BODY" "$2"; }
leader_of() {  # the leader node number as node $1 sees it, waiting up to 5 s for one
  for _ in $(seq 50); do
    local l; l=$(status_field "$1" leader)
    [ "$l" != None ] && [ -n "$l" ] && { echo "$l"; return 0; }
    sleep 0.1
  done
  fail "node $1 knows no leader after 5 s"
}

leader=$(leader_of 1)
log "node $leader is the leader"
expect_status 201 POST 2 /database/city/Rome
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" city)" Rome "city on node $i"; done

log "conditional write: ?expect= applies only over the expected value"
expect_status 201 PUT 3 "/database/city?expect=Rome" --data-binary Lima
expect_status 412 PUT 4 "/database/city?expect=Rome" --data-binary Quito
expect_eq "$(value_on 5 city)" Lima "city after the conditional writes"

log "freeze the leader: the majority elects a new one and keeps serving"
in_ns "$ROOT/bin/freeze.sh" "$(port_of "$leader")" >/dev/null
other=$(( leader % 5 + 1 ))
new_leader=""
for _ in $(seq 50); do
  new_leader=$(status_field "$other" leader)
  [ "$new_leader" != None ] && [ "$new_leader" != "$leader" ] && break
  sleep 0.1
done
[ "$new_leader" != "$leader" ] && [ "$new_leader" != None ] || fail "no new leader 5 s after freezing node $leader"
log "node $new_leader took over"
term=$(status_field "$new_leader" term)
expect_status 201 POST "$other" /database/city/Paris
log "the frozen node's writes fail with 503"
frozen_write() { in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 20 --interface "127.0.0.$leader" -X POST \
  "http://127.0.0.$leader:$(port_of "$leader")/database/city/Oslo" || true; }
# Ask the frozen node from its own address (the freeze drops everything else).
in_ns iptables -w -I SYSDIST -s "127.0.0.$leader" -d "127.0.0.$leader" -j ACCEPT
code=$(frozen_write)
expect_eq "$code" 503 "write on the frozen old leader"

log "unfreeze: the new leader keeps its leadership"
in_ns "$ROOT/bin/unfreeze.sh" >/dev/null
sleep 1.5
expect_eq "$(status_field "$new_leader" role)" leader "role of node $new_leader after unfreeze"
expect_eq "$(status_field "$new_leader" term)" "$term" "term after unfreeze"
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" city)" Paris "city on node $i after unfreeze"; done

log "kill -9 of every node loses no acknowledged write"
for k in $(seq 1 30); do expect_status 201 POST $(( k % 5 + 1 )) "/database/k$k/v$k"; echo "k$k v$k"; done >"$WORK/acked"
for i in 1 2 3 4 5; do kill9_node "$i"; done
start_cluster --rpc-timeout-ms 300
leader_of 3 >/dev/null
for k in $(seq 1 30); do expect_eq "$(value_on $(( k % 5 + 1 )) "k$k")" "v$k" "k$k after kill -9 of all"; done
log "a node restarted after 10,000 writes catches up through a snapshot"
kill9_node 5
for _ in $(seq 100); do  # node 5 may have been the leader: wait for the others to elect one
  l=$(status_field 1 leader); [ "$l" != None ] && [ "$l" != 5 ] && break
  sleep 0.1
done
in_ns "$(dirname "$BIN")/sysdist-bench" --json --clients 32 --ops 11000 --warmup 0 --read-ratio 0 --keys 2000 \
  --targets "127.0.0.1:$(port_of 1),127.0.0.2:$(port_of 2),127.0.0.3:$(port_of 3)" >"$WORK/bench.json" ||
  fail "sysdist-bench failed: $(cat "$WORK/bench.json")"
written=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"].get("201", 0))' "$WORK/bench.json")
[ "$written" -ge 10000 ] || fail "only $written of 11000 benchmark writes succeeded: $(cat "$WORK/bench.json")"
start_node 5 --rpc-timeout-ms 300
wait_healthy 5
for _ in $(seq 100); do
  [ "$(status_field 5 applied_index)" -ge "$written" ] && break
  sleep 0.1
done
[ "$(status_field 5 applied_index)" -ge "$written" ] || fail "node 5 did not catch up: $(status_field 5 applied_index)"
grep -q "installed a snapshot" "$WORK/node5.log" || fail "node 5 caught up without a snapshot"
expect_eq "$(value_on 5 k7)" v7 "k7 on node 5 after the snapshot"
echo "PASS"
