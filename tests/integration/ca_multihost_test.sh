#!/usr/bin/env bash
# CA on five hosts (tests/integration/multihost_lib.sh): names in --peers, nodes bound to
# 0.0.0.0 with --advertise; a frozen host makes writes fail (422) until it is back; a node
# restarted with a new address is found again by its peers; sysdist-check stays valid.
source "$(dirname "$0")/multihost_lib.sh"
MODE=CA
require_root
setup_hosts
start_cluster
log "the API through names"
api_contract
log "five hosts up: write through node1, read through node4"
expect_status 201 POST 1 /database/city/Rome
expect_eq "$(value_on 4 city)" Rome "city on node4"
log "freeze host 3: every write needs all five, so it fails"
freeze_host 3
expect_status 422 POST 1 /database/city/Oslo
expect_eq "$(value_on 2 city)" Rome "city after the refused write"
unfreeze_host 3
expect_status 201 POST 2 /database/city/Lima
log "node2 restarts with a new address: its peers resolve its name again"
readdress_and_restart 2 192.0.2.52
expect_status 201 POST 1 /database/city/Quito
expect_eq "$(value_on 2 city)" Quito "city on the readdressed node2"
log "sysdist-check: $(run_check 8)"
log "CA on five hosts: passed"
