#!/usr/bin/env bash
# Splits the cluster: bin/partition.sh 1,2/3,4,5 drops every packet between the groups
# (nodes by number, 1..5), in sysdist's own iptables chain SYSDIST. Nodes inside a group
# still talk. bin/heal.sh removes it. Needs root and iptables.
source "$(dirname "$0")/lib.sh"
spec=${1:?usage: bin/partition.sh 1,2/3,4,5}
[ "$(id -u)" -eq 0 ] || { echo "partition.sh: needs root (iptables)" >&2; exit 1; }
command -v iptables >/dev/null || { echo "partition.sh: iptables is not installed (run bin/bootstrap)" >&2; exit 1; }
IFS=/ read -r -a groups <<<"$spec"
[ ${#groups[@]} -ge 2 ] || { echo "partition.sh: give at least two groups, e.g. 1,2/3,4,5" >&2; exit 2; }
for g in "${groups[@]}"; do
  [[ "$g" =~ ^[1-5](,[1-5])*$ ]] || { echo "partition.sh: bad group '$g' (node numbers 1..5, comma-separated)" >&2; exit 2; }
done
iptables -w -N SYSDIST 2>/dev/null || true
for hook in INPUT OUTPUT; do iptables -w -C "$hook" -j SYSDIST 2>/dev/null || iptables -w -I "$hook" -j SYSDIST; done
for ((i = 0; i < ${#groups[@]}; i++)); do
  for ((j = 0; j < ${#groups[@]}; j++)); do
    [ $i = $j ] && continue
    for a in ${groups[$i]//,/ }; do
      for b in ${groups[$j]//,/ }; do
        rule=(-s "127.0.0.$a" -d "127.0.0.$b" -m comment --comment sysdist-partition -j DROP)
        iptables -w -C SYSDIST "${rule[@]}" 2>/dev/null || iptables -w -A SYSDIST "${rule[@]}"
      done
    done
  done
done
echo "partitioned: ${spec//\// | } (packets between the groups are dropped)"
