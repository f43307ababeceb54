#!/usr/bin/env bash
# AP: a full disk is a state, not a crash (see disk_full_scenario in lib.sh): 507 for
# writes, reads go on, writes resume by themselves once space is freed, nothing
# acknowledged is lost.
source "$(dirname "$0")/lib.sh"
MODE=AP
setup_network
check_acknowledged() { expect_values_read_back "$1"; }
disk_full_scenario
echo "PASS"
