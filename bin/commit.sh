#!/usr/bin/env bash
# CA only: commits a hand-made transaction (see bin/propose.sh).
# Usage: bin/commit.sh [PORT] [ID]   (defaults: 3001 demo-txn)
source "$(dirname "$0")/lib.sh"
port=${1:-3001}; id=${2:-demo-txn}
check_port "$port"
node_curl "$port" "/2pc/commit/$id" -i -X POST; echo
