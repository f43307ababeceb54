#!/usr/bin/env bash
# The CP dashboard in a real browser (issue #14's scenario; tests/web/e2e/dashboard.mjs):
# five nodes, sysdist-dash and headless chromium in a private network namespace.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.sh"
MODE=CP
setup_network
require_iptables
require_browser
start_cluster --rpc-timeout-ms 300
start_dash
run_browser
log "CP dashboard: passed"
