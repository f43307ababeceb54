#!/usr/bin/env bash
# Pauses node PORT with SIGSTOP: the process keeps its sockets but does nothing, like a
# long GC pause or a frozen VM. bin/resume.sh PORT continues it. Idempotent.
source "$(dirname "$0")/lib.sh"
port=${1:?usage: bin/pause.sh PORT}
check_port "$port"
pid=$(node_pid "$port") || { echo "pause.sh: no running node on port $port" >&2; exit 1; }
kill -STOP "$pid"
echo "paused $port (pid $pid)"
