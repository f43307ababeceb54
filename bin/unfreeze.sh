#!/usr/bin/env bash
# Unfreezes node PORT, or every node when no PORT is given. Removes only sysdist's own
# rules (chain SYSDIST); every other iptables rule on the machine stays. Idempotent.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "unfreeze.sh: needs root (iptables)" >&2; exit 1; }
command -v iptables >/dev/null || { echo "unfreeze.sh: iptables is not installed (run bin/bootstrap)" >&2; exit 1; }
if [ $# -ge 1 ]; then
  port=$1; check_port "$port"; host=$(node_host "$port")
  for direction in -s -d; do
    while iptables -w -D SYSDIST "$direction" "$host" -m comment --comment "sysdist-freeze-$port" -j DROP 2>/dev/null; do :; done
  done
  echo "unfrozen $port"
  exit 0
fi
for hook in INPUT OUTPUT; do
  while iptables -w -D "$hook" -j SYSDIST 2>/dev/null; do :; done
done
iptables -w -F SYSDIST 2>/dev/null || true
iptables -w -X SYSDIST 2>/dev/null || true
echo "unfrozen every node (sysdist's rules removed)"
