#!/usr/bin/env bash
# Kills node PORT with SIGKILL (kill -9: no shutdown, no flush). `bin/cluster restart N`
# starts it again on its data dir. Idempotent.
source "$(dirname "$0")/lib.sh"
port=${1:?usage: bin/kill.sh PORT}
check_port "$port"
pid=$(node_pid "$port") || { echo "kill.sh: node $port is not running"; exit 0; }
kill -9 "$pid"
echo "killed $port (pid $pid, kill -9)"
