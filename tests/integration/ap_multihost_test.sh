#!/usr/bin/env bash
# AP on five hosts (tests/integration/multihost_lib.sh): names in --peers, nodes bound to
# 0.0.0.0 with --advertise; with a host frozen writes still succeed (sloppy quorum) and the
# copies converge once it is back; a node restarted with a new address is found again;
# sysdist-check stays valid.
source "$(dirname "$0")/multihost_lib.sh"
MODE=AP
require_root
setup_hosts
start_cluster
log "the API through names"
api_contract
log "five hosts up: write through node1, read through node4"
expect_status 201 POST 1 /database/city/Rome
expect_eq "$(value_on 4 city)" Rome "city on node4"
log "freeze host 3: writes keep succeeding"
freeze_host 3
for k in a b c d e f; do expect_status 201 POST 1 "/database/$k/v-$k"; done
unfreeze_host 3
for k in a b c d e f; do expect_eq "$(value_on 3 "$k")" "v-$k" "$k read through the returning node3"; done
log "node2 restarts with a new address: its peers resolve its name again"
readdress_and_restart 2 192.0.2.52
for k in g h i j; do expect_status 201 POST 2 "/database/$k/w-$k"; done
for k in g h i j; do expect_eq "$(value_on 5 "$k")" "w-$k" "$k written through the readdressed node2"; done
log "sysdist-check: $(run_check 8)"
log "AP on five hosts: passed"
