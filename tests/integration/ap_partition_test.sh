#!/usr/bin/env bash
# AP: with the cluster partitioned {1,2} / {3,4,5}, writes succeed on both sides and a
# stale read is observed; after healing, every copy of every key converges to the
# last-written version within 10 s (keys never read too); kill -9 of one node loses no
# write acknowledged with W=2; bin/trick-value.sh's old value is repaired by the next read.
source "$(dirname "$0")/lib.sh"
MODE=AP
setup_network
require_iptables
start_cluster --rpc-timeout-ms 500 --anti-entropy-ms 300
script() { in_ns "$ROOT/bin/$1" "${@:2}" >/dev/null; }

expect_status 201 POST 1 /database/city/Rome
expect_eq "$(value_on 4 city)" Rome "city on node 4"

log "partition {1,2} / {3,4,5}: both sides keep taking writes"
script partition.sh 1,2/3,4,5
expect_status 201 POST 1 /database/city/Paris
expect_status 201 POST 4 /database/city/Berlin     # later: the newest version
for k in $(seq 1 20); do
  expect_status 201 POST $(( k % 2 + 1 )) "/database/left$k/L$k"
  expect_status 201 POST $(( k % 3 + 3 )) "/database/right$k/R$k"
done
log "a stale read: the two sides disagree"
left=$(value_on 2 city); right=$(value_on 5 city)
expect_eq "$right" Berlin "city on the majority side"
[ "$left" != "$right" ] || fail "no stale read observed: both sides say $left"

log "heal: every copy converges, keys nobody reads included"
{ echo "city Berlin"; for k in $(seq 1 20); do echo "left$k L$k"; echo "right$k R$k"; done; } >"$WORK/expected"
script heal.sh
healed=$(date +%s%N)
converged() {
  for i in 1 2 3 4 5; do req GET "$i" /admin/dump; cp "$WORK/body" "$WORK/dump$i"; done
  python3 - "$WORK/expected" "$WORK"/dump{1,2,3,4,5} <<'PY'
import json, sys
expected = dict(l.split() for l in open(sys.argv[1]) if l.strip())
dumps = [json.load(open(f)) for f in sys.argv[2:]]
for key, val in expected.items():
    copies = [d[key] for d in dumps if key in d]
    if len(copies) < 3 or any(c != val for c in copies): sys.exit(1)
PY
}
for _ in $(seq 100); do converged && break; sleep 0.2; done
converged || fail "not converged 20 s after healing"
took_ms=$(( ($(date +%s%N) - healed) / 1000000 ))
log "converged ${took_ms} ms after healing"
[ "$took_ms" -lt 10000 ] || fail "convergence took ${took_ms} ms (limit 10 s)"
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" city)" Berlin "city on node $i after healing"; done

log "trick-value.sh plants an old value; the next read repairs it"
replica=""
for i in 1 2 3 4 5; do req GET "$i" /quorum/read/city; [ "$STATUS" = 200 ] && { replica=$i; break; }; done
[ -n "$replica" ] || fail "no node holds a copy of city"
in_ns "$ROOT/bin/trick-value.sh" "$(port_of "$replica")" city Atlantis >/dev/null
# (No check of the planted copy itself: anti-entropy may already have replaced it.)
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" city)" Berlin "city read on node $i after the trick"; done
sleep 0.5
req GET "$replica" /quorum/read/city; expect_eq "$(json_field "$BODY" val)" Berlin "node $replica repaired"

log "kill -9 of one node loses no write acknowledged with W=2"
for k in $(seq 1 30); do expect_status 201 POST $(( k % 5 + 1 )) "/database/durable$k/D$k"; done
kill9_node 3
for k in $(seq 1 30); do expect_eq "$(value_on $(( k % 2 + 1 )) "durable$k")" "D$k" "durable$k after kill -9 of node 3"; done
echo "PASS"
