#!/usr/bin/env bash
# Pushes 25 blank lines on every node's console (clears the tmux panes for a demo).
source "$(dirname "$0")/lib.sh"
for port in "${SYSDIST_PORTS[@]}"; do node_curl "$port" /admin/clean -o /dev/null || true; done
