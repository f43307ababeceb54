#!/usr/bin/env bash
# CA under faults, checked by sysdist-check: with nodes frozen and partitioned, writes fail
# (422) rather than diverge; afterwards every node holds the same data and no write that
# answered failure is visible anywhere.
source "$(dirname "$0")/lib.sh"
MODE=CA
setup_network
require_iptables
start_cluster --rpc-timeout-ms 300
run_check --nemesis freeze --duration 12 --fault 3 --heal 2 --settle 4 --seed 5
[ "$CHECK_STATUS" -eq 0 ] || fail "freeze: sysdist-check found CA's guarantees broken"
grep -q 'converged yes; no failed write visible yes; no acknowledged write lost yes' <<<"$CHECK_OUTPUT" || fail "freeze: unexpected summary"
run_check --nemesis partition --duration 12 --fault 3 --heal 2 --settle 4 --seed 6
[ "$CHECK_STATUS" -eq 0 ] || fail "partition: sysdist-check found CA's guarantees broken"
grep -Eq 'ok [0-9]+, fail [1-9][0-9]*' <<<"$CHECK_OUTPUT" || fail "partition: no write failed, so nothing was tested"
log "CA stayed atomic under faults"
