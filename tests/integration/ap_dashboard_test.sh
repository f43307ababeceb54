#!/usr/bin/env bash
# The AP dashboard in a real browser (issue #14's scenario; tests/web/e2e/dashboard.mjs):
# five nodes, sysdist-dash and headless chromium in a private network namespace.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/web_lib.sh"
MODE=AP
setup_network
require_iptables
require_browser
start_cluster
start_dash
run_browser
log "AP dashboard: passed"
