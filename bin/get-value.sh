#!/usr/bin/env bash
# Reads a key (default "city") from a node (default 3001), as the original did.
source "$(dirname "$0")/lib.sh"
port=${1:-3001}; key=${2:-city}
check_port "$port"
node_curl "$port" "/database/$key" -i; echo
