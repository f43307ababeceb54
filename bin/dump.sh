#!/usr/bin/env bash
# Dumps every node's whole local store (here, and on each node's console).
source "$(dirname "$0")/lib.sh"
for port in "${SYSDIST_PORTS[@]}"; do echo "$port: $(node_curl "$port" /admin/dump 2>&1)"; done
