#!/usr/bin/env bash
# Resumes node PORT paused by bin/pause.sh (SIGCONT). Idempotent.
source "$(dirname "$0")/lib.sh"
port=${1:?usage: bin/resume.sh PORT}
check_port "$port"
pid=$(node_pid "$port") || { echo "resume.sh: no running node on port $port" >&2; exit 1; }
kill -CONT "$pid"
echo "resumed $port (pid $pid)"
