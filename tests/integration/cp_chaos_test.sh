#!/usr/bin/env bash
# CP under faults, checked by sysdist-check: every fault kind in turn (kill -9 and restart,
# pause, freeze, random halves) while ten clients read, write and compare-and-set; the
# history must be linearizable and every node must hold the same data afterwards.
source "$(dirname "$0")/lib.sh"
MODE=CP
setup_network
require_iptables
start_cluster
run_check --nemesis mix --duration 24 --fault 3 --heal 2 --settle 3 --seed 11
[ "$CHECK_STATUS" -eq 0 ] || fail "sysdist-check found CP's guarantees broken"
grep -q '^sysdist-check: mode CP, nemesis mix: .*; linearizable yes; converged yes; no acknowledged write lost yes; valid yes$' <<<"$CHECK_OUTPUT" ||
  fail "unexpected summary"
grep -Eq 'faults: .*(kill|pause|freeze|partition)' <<<"$CHECK_OUTPUT" || fail "no fault was injected"
log "CP stayed linearizable under faults"
