#!/usr/bin/env bash
# CA: a client hoarding connections cannot starve the cluster. Against node 1, with a
# client budget of 500: 2,000 idle connections and 50 slowloris connections (a header
# byte every 300 ms) are held open while two-phase-commit writes go through node 1 and
# node 3 and /health answers. Peers (from their member addresses) have a budget of their
# own; the oldest idle clients are closed to make room, and every write still commits.
source "$(dirname "$0")/lib.sh"
setup_network
[ -n "$NS" ] || { echo "SKIP: needs a private namespace (clients bind 127.0.0.200-201)"; exit 77; }
start_cluster --max-client-connections 500

log "holding 2,000 idle and 50 slowloris client connections to node 1"
in_ns python3 - "$(port_of 1)" "$WORK/hoard" <<'PY' &
import resource, socket, sys, time
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard if 0 <= hard < 4096 else 4096, hard))
port, out = int(sys.argv[1]), sys.argv[2]
def connect(source):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        return None
    return s
idle = [c for c in (connect("127.0.0.200") for _ in range(2000)) if c]
slow = [c for c in (connect("127.0.0.201") for _ in range(50)) if c]
with open(out + ".ready", "w") as f: f.write(f"{len(idle)} {len(slow)}\n")
deadline = time.time() + 12  # bounded: the test's writes run meanwhile
while time.time() < deadline:
    for c in slow:
        try: c.send(b"G")
        except OSError: pass
    time.sleep(0.3)
closed = 0
for c in idle:
    c.setblocking(False)
    try:
        if c.recv(1) == b"": closed += 1
    except BlockingIOError: pass
    except OSError: closed += 1
with open(out, "w") as f: f.write(f"{len(idle)} {len(slow)} {closed}\n")
PY
hoarder=$!
for _ in $(seq 100); do [ -f "$WORK/hoard.ready" ] && break; sleep 0.1; done
[ -f "$WORK/hoard.ready" ] || fail "the hoarding client did not connect"
log "connected: $(cat "$WORK/hoard.ready") (idle, slowloris)"

for k in $(seq 20); do
  node=$(( k % 2 == 0 ? 1 : 3 ))
  expect_status 201 POST "$node" "/database/key$k/value$k"
  expect_status 200 GET 1 /health
done
wait "$hoarder"
read -r idle slow closed <"$WORK/hoard"
log "the hoarder held $idle idle and $slow slowloris connections; the node closed $closed idle ones to make room"
[ "$idle" -ge 1500 ] || fail "only $idle idle connections were opened"
[ "$closed" -ge 1000 ] || fail "only $closed idle connections were closed for room (budget 500)"
req GET 1 /metrics
grep -q 'sysdist_http_connections_evicted_total{kind="client"}' <<<"$BODY" || fail "no evictions counted"
for i in 1 2 3 4 5; do expect_eq "$(value_on "$i" key20)" value20 "key20 on node $i"; done
echo "PASS"
