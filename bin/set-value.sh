#!/usr/bin/env bash
# Sets a key (default "city") to a random city on a random node, as the original did.
# bin/set-value.sh [PORT] [KEY] [VALUE] picks them instead.
source "$(dirname "$0")/lib.sh"
cities=(Rome Paris Berlin Madrid Lisbon Vienna Prague Dublin Oslo Athens)
port=${1:-${SYSDIST_PORTS[RANDOM % 5]}}; key=${2:-city}; value=${3:-${cities[RANDOM % ${#cities[@]}]}}
check_port "$port"
echo "setting $key=$value on $port"
node_curl "$port" "/database/$key/$value" -i -X POST; echo
