#!/usr/bin/env bash
# CP on five hosts (tests/integration/multihost_lib.sh): names in --peers, nodes bound to
# 0.0.0.0 with --advertise; freezing the leader's host elects another that serves; a node
# restarted with a new address is found again and catches up; sysdist-check stays valid.
source "$(dirname "$0")/multihost_lib.sh"
MODE=CP
require_root
setup_hosts
start_cluster --rpc-timeout-ms 300
log "the API through names"
api_contract
leader_seen_by() {
  for _ in $(seq 60); do
    req GET "$1" /admin/status
    local l; l=$(json_field "$BODY" leader 2>/dev/null || echo None)
    [ "$l" != None ] && [ -n "$l" ] && [ "$l" != "${2:-}" ] && { echo "$l"; return 0; }
    sleep 0.1
  done
  fail "node $1 knows no (new) leader after 6 s"
}
leader=$(leader_seen_by 1)
log "node$leader leads: write through node2, read through node5"
expect_status 201 POST 2 /database/city/Rome
expect_eq "$(value_on 5 city)" Rome "city on node5"
log "freeze the leader's host: another is elected and serves"
freeze_host "$leader"
other=$(( leader % 5 + 1 ))
new_leader=$(leader_seen_by "$other" "$leader")
expect_status 201 POST "$other" /database/city/Lima
unfreeze_host "$leader"
log "node$new_leader took over; node$leader is back"
readdressed=$(( new_leader % 5 + 1 ))
log "node$readdressed restarts with a new address: its peers resolve its name again"
readdress_and_restart "$readdressed" "192.0.2.$((50 + readdressed))" --rpc-timeout-ms 300
expect_status 201 POST "$readdressed" /database/city/Quito
expect_eq "$(value_on "$readdressed" city)" Quito "city read through the readdressed node"
log "sysdist-check: $(run_check 8)"
log "CP on five hosts: passed"
