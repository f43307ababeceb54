#!/usr/bin/env bash
# CA: the client API contract of SPEC section 2 and every bad-input rule, on five nodes.
source "$(dirname "$0")/lib.sh"
setup_network
start_cluster

log "a write on node 1 is readable on all five"
expect_status 201 POST 1 /database/city/Rome
grep -qi '^X-Sys-Id: 3001' <<<"$HEADERS" || fail "no X-Sys-Id: 3001 header: $HEADERS"
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" city)" Rome "city on node $i"; done
req GET 3 /database/city
grep -qi "^X-Sys-Id: $(port_of 3)" <<<"$HEADERS" || fail "no X-Sys-Id on node 3"
expect_eq "$BODY" '{"key":"city","val":"Rome"}' "GET body"

log "PUT takes the raw body; percent-decoding of keys and values"
expect_status 201 PUT 2 /database/greeting --data-binary 'héllo wörld'
expect_eq "$(value_on 5 greeting)" 'héllo wörld' "PUT value"
expect_status 201 POST 4 '/database/a%2Fb%20c/v%C3%A9%20x'
expect_eq "$(value_on 1 'a%2Fb%20c')" 'vé x' "decoded key and value"

log "DELETE: 200, then 404; reads 404 with the original's message"
expect_status 200 DELETE 3 /database/greeting
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" greeting)" '<absent>' "deleted on node $i"; done
expect_status 404 DELETE 3 /database/greeting
expect_status 404 GET 1 /database/nothing-here
expect_eq "$(json_field "$BODY" error)" "Value for key nothing-here not present" "404 message"
expect_eq "$(json_field "$BODY" code)" "not_found" "404 code"

log "bad input gets a clear 4xx and changes nothing"
before=$(status_of GET 1 /admin/dump; echo "$BODY")
expect_status 400 GET 1 '/database/%zz'
expect_status 400 POST 1 '/database/%FF/x'
expect_status 400 PUT 1 /database/k --data-binary $'\xff\xfe'
long_key=$(head -c 1025 /dev/zero | tr '\0' k)
expect_status 400 POST 1 "/database/$long_key/v"
expect_eq "$(json_field "$BODY" code)" key_too_long "long key code"
expect_status 201 POST 1 "/database/${long_key:1}/v"   # exactly 1 KiB is fine
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' v >"$WORK/big"
expect_status 413 PUT 1 /database/big --data-binary @"$WORK/big"
head -c $((1024 * 1024)) /dev/zero | tr '\0' v >"$WORK/max"
expect_status 201 PUT 2 /database/max --data-binary @"$WORK/max"
req GET 4 /database/max
expect_eq "$(wc -c <"$WORK/body")" $((1024 * 1024 + 22)) "1 MiB value round-trips"
expect_status 404 GET 1 /nope
expect_status 404 GET 1 /database
expect_status 405 PATCH 1 /database/city
expect_status 405 GET 1 /database/city/Rome
expect_status 405 POST 1 /admin/dump
expect_status 400 POST 1 /2pc/propose --data '{not json'
expect_status 400 POST 1 /2pc/propose --data '{"id": 5}'
expect_status 431 GET 1 /health -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' h)"
req GET 1 /database/x; expect_eq "$(json_field "$BODY" code)" not_found "error shape has code"
expect_eq "$(value_on 3 city)" Rome "city unchanged after bad input"
req GET 1 /database/big; expect_eq "$STATUS" 404 "rejected big value not stored"

log "a half-open or slow client does not stall the node"
in_ns timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$(port_of 1); printf 'GET /health HTTP/1.1\r\nHost: x\r\n' >&3; sleep 5" \
  >/dev/null 2>&1 &
slow=$!
expect_status 200 GET 1 /health
expect_status 201 POST 1 /database/during/slow-client
wait $slow || true

log "admin and observability routes"
expect_status 200 GET 2 /admin/dump
expect_eq "$(json_field "$BODY" city)" Rome "dump has city"
grep -q '"city":"Rome"' "$WORK/node2.log" || fail "dump not printed on stdout"
expect_status 200 GET 2 /admin/clean
expect_status 200 GET 2 /admin/status
expect_eq "$(json_field "$BODY" mode)" CA "status mode"
expect_eq "$(json_field "$BODY" node)" 2 "status node"
expect_status 200 GET 2 /health
expect_status 200 GET 2 /metrics
grep -q 'sysdist_http_requests_total{route="/database/:key",method="GET",status="200"}' <<<"$BODY" || fail "metrics lack request counts"
grep -q 'sysdist_storage_fsync_seconds_count' <<<"$BODY" || fail "metrics lack fsync latency"
grep -q 'sysdist_2pc_transactions_total{outcome="committed"}' <<<"$BODY" || fail "metrics lack 2PC outcomes"

log "sysdist-bench drives the cluster for a second without errors"
bench_out=$(in_ns "$(dirname "$BIN")/sysdist-bench" --json --clients 4 --duration 1 --warmup 0.2 --keys 50 \
  --targets "127.0.0.1:$(port_of 1),127.0.0.3:$(port_of 3)") || fail "sysdist-bench failed: $bench_out"
[ "$(json_field "$bench_out" ops)" -gt 0 ] || fail "sysdist-bench measured no operations: $bench_out"

log "graceful shutdown on SIGTERM exits 0"
stop_node 5 || fail "node 5 exited non-zero on SIGTERM"
grep -q "stopped" "$WORK/node5.log" || fail "node 5 did not log its stop"
echo "PASS"
