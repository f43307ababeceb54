#!/usr/bin/env bash
# CA only: rolls back a hand-made transaction (see bin/propose.sh).
# Usage: bin/rollback.sh [PORT] [ID]   (defaults: 3001 demo-txn)
source "$(dirname "$0")/lib.sh"
port=${1:-3001}; id=${2:-demo-txn}
check_port "$port"
node_curl "$port" "/2pc/rollback/$id" -i -X POST; echo
