#!/usr/bin/env bash
# CA only: proposes a transaction by hand to one node (phase 1 without a coordinator).
# The node prepares it, locks the key and waits for bin/commit.sh or bin/rollback.sh
# (or aborts it after the in-doubt timeout, 60 s by default).
# Usage: bin/propose.sh [PORT] [ID] [KEY] [VALUE]   (defaults: 3001 demo-txn city <random>)
source "$(dirname "$0")/lib.sh"
port=${1:-3001}; id=${2:-demo-txn}; key=${3:-city}; value=${4:-Proposed-$RANDOM}
check_port "$port"
body=$(printf '{"id":"%s","key":"%s","val":"%s"}' "$id" "$key" "$value")
node_curl "$port" /2pc/propose -i -X POST -H 'Content-Type: application/json' -d "$body"; echo
