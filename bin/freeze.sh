#!/usr/bin/env bash
# Freezes node PORT: drops every packet from or to its address (127.0.0.x for port 300x)
# with iptables, as the original did -- but in sysdist's own chain SYSDIST, so
# bin/unfreeze.sh removes only sysdist's rules. Idempotent. Needs root and iptables.
# Note: node 1 shares 127.0.0.1 with the machine's default loopback source, so while 3001 is
# frozen a plain `curl 127.0.0.2:3002` is cut too; the bin/ scripts send from 127.0.0.254.
source "$(dirname "$0")/lib.sh"
port=${1:?usage: bin/freeze.sh PORT}
check_port "$port"
[ "$(id -u)" -eq 0 ] || { echo "freeze.sh: needs root (iptables)" >&2; exit 1; }
command -v iptables >/dev/null || { echo "freeze.sh: iptables is not installed (run bin/bootstrap)" >&2; exit 1; }
host=$(node_host "$port")
iptables -w -N SYSDIST 2>/dev/null || true
for hook in INPUT OUTPUT; do
  iptables -w -C "$hook" -j SYSDIST 2>/dev/null || iptables -w -I "$hook" -j SYSDIST
done
for direction in -s -d; do
  rule=("$direction" "$host" -m comment --comment "sysdist-freeze-$port" -j DROP)
  iptables -w -C SYSDIST "${rule[@]}" 2>/dev/null || iptables -w -A SYSDIST "${rule[@]}"
done
echo "frozen $port: packets from and to $host are dropped"
