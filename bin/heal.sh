#!/usr/bin/env bash
# Heals every fault sysdist's scripts made in iptables: partitions and freezes (the whole
# SYSDIST chain). No other rule on the machine is touched. Idempotent.
exec "$(dirname "$0")/unfreeze.sh"
