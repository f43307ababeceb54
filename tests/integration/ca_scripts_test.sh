#!/usr/bin/env bash
# CA: the original's scripts work against a running cluster (get/set/dump/clean, and the
# hand-made two-phase commit with propose.sh, commit.sh, rollback.sh); a hand-made
# proposal nobody decides aborts after the in-doubt timeout; the cluster secret guards
# peer and admin routes while the nodes still talk to each other.
source "$(dirname "$0")/lib.sh"
setup_network
[ -n "$NS" ] || { echo "SKIP: the bin/ scripts address 127.0.0.x:300x, which needs a private namespace"; exit 77; }
export SYSDIST_SECRET=let-me-in
start_cluster --in-doubt-timeout-ms 1500
script() { in_ns env SYSDIST_SECRET="$SYSDIST_SECRET" "$ROOT/bin/$1" "${@:2}"; }
# says PATTERN SCRIPT ARGS...: the script's output contains PATTERN (read whole, no SIGPIPE).
says() { local out; out=$(script "${@:2}" 2>&1) || true; grep -q -- "$1" <<<"$out"; }

log "set-value.sh / get-value.sh / dump.sh / clean.sh"
says '201 Created' set-value.sh 3002 city Rome || fail "set-value.sh did not get 201"
says '"val":"Rome"' get-value.sh 3005 || fail "get-value.sh did not read Rome from 3005"
dump=$(script dump.sh)
[ "$(grep -c '"city":"Rome"' <<<"$dump")" = 5 ] || fail "dump.sh: not every node has city=Rome"
script clean.sh
[ "$(grep -c '^$' "$WORK/node3.log")" -ge 25 ] || fail "clean.sh printed no blank lines on node 3"
says '201 Created' set-value.sh || fail "set-value.sh with no arguments failed"

log "the secret: required on peer and admin routes, not on client routes"
expect_status 401 GET 1 /admin/dump
expect_status 401 POST 1 /2pc/propose --data '{"id":"x","key":"k","val":"v"}'
expect_status 200 GET 1 /admin/dump -H "X-Sys-Secret: $SYSDIST_SECRET"
expect_status 201 POST 4 /database/city/Paris   # nodes pass the secret to each other

log "propose.sh then commit.sh: prepared, locked, then applied on that node"
says '200 OK' propose.sh 3002 t-commit city Lyon || fail "propose.sh did not get a yes vote"
expect_status 422 POST 1 /database/city/Nice   # node 2 holds city for t-commit
expect_eq "$(json_field "$BODY" code)" conflict "locked key code"
says '"state":"committed"' commit.sh 3002 t-commit || fail "commit.sh did not commit"
expect_eq "$(value_on 2 city)" Lyon "hand-committed value on node 2"

log "propose.sh then rollback.sh: nothing applied, key unlocked"
says '200 OK' propose.sh 3003 t-roll city Oslo || fail "propose.sh (2) did not get a yes vote"
says '"state":"aborted"' rollback.sh 3003 t-roll || fail "rollback.sh did not roll back"
expect_eq "$(value_on 3 city)" Paris "rolled back value on node 3"
says '409' commit.sh 3003 t-roll || fail "commit after rollback should be 409"
expect_status 201 POST 1 /database/city/Nice

log "a proposal nobody decides aborts after the in-doubt timeout (1.5 s here)"
says '200 OK' propose.sh 3004 t-forgotten city Rome || fail "propose.sh (3) did not get a yes vote"
expect_status 422 POST 1 /database/city/Bern
sleep 3
expect_status 201 POST 1 /database/city/Bern
for i in 1 3 4 5; do expect_eq "$(value_on "$i" city)" Bern "city on node $i"; done
echo "PASS"
