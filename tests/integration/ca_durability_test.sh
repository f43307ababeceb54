#!/usr/bin/env bash
# CA: kill -9 of all nodes (mid-load) loses no acknowledged write, and the restarted
# nodes do not diverge. Also a node restarted on its data dir serves what it had.
source "$(dirname "$0")/lib.sh"
setup_network
start_cluster

log "write 60 keys through all five nodes, 4 writers at once"
writer() {
  local w=$1
  for n in $(seq 1 15); do
    local i=$(( (n + w) % 5 + 1 ))
    local code
    code=$(in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
      "http://127.0.0.$i:$(port_of "$i")/database/k$w-$n/v$w-$n") || code=000
    echo "k$w-$n $code"
  done >"$WORK/acks$w"
}
for w in 1 2 3 4; do writer "$w" & done
wait_writers=$(jobs -p | grep -v -F -x -f <(printf '%s\n' "${PIDS[@]}") || true)
for p in $wait_writers; do wait "$p"; done
cat "$WORK"/acks* | awk '$2 == 201 {print $1, "v" substr($1, 2)}' >"$WORK/acked"
[ "$(wc -l <"$WORK/acked")" -ge 50 ] || fail "too few acknowledged writes: $(cat "$WORK"/acks* | awk '{print $2}' | sort | uniq -c)"

log "kill -9 every node, restart them all"
for i in 1 2 3 4 5; do kill9_node "$i"; done
start_cluster
expect_values_on_all "$WORK/acked"
expect_no_divergence

log "kill -9 during a write burst: every node ends with the same state"
for n in $(seq 1 20); do
  in_ns curl -s -o /dev/null --max-time 5 -X POST "http://127.0.0.2:$(port_of 2)/database/burst/$n" &
done
sleep 0.05
kill9_node 2
wait_bg=$(jobs -p | grep -v -F -x -f <(printf '%s\n' "${PIDS[@]}") || true)
for p in $wait_bg; do wait "$p" 2>/dev/null || true; done
start_node 2
wait_healthy 2
# Participants left in doubt ask the restarted coordinator, which aborted what it had not decided.
wait_settled
expect_no_divergence
expect_status 201 POST 3 /database/burst/final
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" burst)" final "burst on node $i"; done
echo "PASS"
