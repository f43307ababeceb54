#!/usr/bin/env bash
# AP only: plants an old value for a key (default "city") on one node (default 3003)
# through the original's /quorum/repair route, with ts=1 so every real write is newer.
# The next read of the key returns the real value and repairs that replica.
# Usage: bin/trick-value.sh [PORT] [KEY] [VALUE]
source "$(dirname "$0")/lib.sh"
port=${1:-3003}; key=${2:-city}; value=${3:-Atlantis}
check_port "$port"
body=$(printf '{"key":"%s","val":"%s","ts":1}' "$key" "$value")
node_curl "$port" /quorum/repair -X POST -H 'Content-Type: application/json' -d "$body"; echo
echo "now: bin/get-value.sh 3001 $key  (returns the real value, repairs $port: see its log)"
