#!/usr/bin/env bash
# deploy/compose.yaml end to end, where Docker is installed (bin/bootstrap --docker; skipped,
# exit 77, where it is not): the daemon (started here when it is not running), the Debian 12
# base images (deploy/base-image.sh when no registry has them), the image (Dockerfile), five
# CA containers; write through one, read through another, freeze one (bin/compose: iptables
# in its network namespace) and see the write refused (422), heal and write again.
set -euo pipefail
ROOT=${SYSDIST_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
log() { echo "[$(date +%T)] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v dockerd >/dev/null && command -v docker >/dev/null && command -v nsenter >/dev/null &&
  { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; } ||
  { echo "SKIP: Docker and Compose are not installed (bin/bootstrap --docker)"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (the daemon, iptables in a container's namespace)"; exit 77; }

export COMPOSE_PROJECT_NAME="sysdist-test-$$" SYSDIST_IMAGE=sysdist-test MODE=CA
SYSDIST_SECRET=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export SYSDIST_SECRET
for n in 1 2 3 4 5; do export "SYSDIST_PORT_$n=$((23000 + ($$ % 500) * 10 + n))"; done
DAEMON=""
cleanup() {
  local status=$?
  bin/compose down >/dev/null 2>&1 || true
  [ -n "$DAEMON" ] && { kill "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null || true; }
  exit $status
}
trap cleanup EXIT
trap 'exit 143' TERM INT

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  dockerd >/tmp/sysdist-dockerd-$$.log 2>&1 &
  DAEMON=$!
  for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
  docker info >/dev/null 2>&1 || { tail /tmp/sysdist-dockerd-$$.log; fail "dockerd did not start"; }
fi
docker image inspect debian:12 >/dev/null 2>&1 || deploy/base-image.sh
log "building the image (cached after the first time)"
docker build -q -t "$SYSDIST_IMAGE" . >/dev/null
log "five CA containers"
bin/compose up CA >/dev/null
for n in 1 2 3 4 5; do  # the image's HEALTHCHECK (GET /health)
  for _ in $(seq 150); do
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$(bin/compose id "$n")")" = healthy ] && break
    sleep 0.2
  done
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$(bin/compose id "$n")")" = healthy ] || fail "node$n is not healthy"
done
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
code=$(status -XPOST "http://127.0.0.1:$SYSDIST_PORT_1/database/city/Rome")
[ "$code" = 201 ] || fail "write through node1: $code"
value=$(curl -s --max-time 10 "http://127.0.0.1:$SYSDIST_PORT_3/database/city")
[ "$value" = '{"key":"city","val":"Rome"}' ] || fail "read through node3: $value"
log "written through node1, read through node3: $value"
bin/compose freeze 4 >/dev/null
code=$(status -XPOST "http://127.0.0.1:$SYSDIST_PORT_2/database/city/Oslo")
[ "$code" = 422 ] || fail "write with node4 frozen: $code, want 422 (CA needs every node)"
log "node4 frozen: the write is refused (422)"
bin/compose heal >/dev/null
code=$(status -XPOST "http://127.0.0.1:$SYSDIST_PORT_5/database/city/Lima")
[ "$code" = 201 ] || fail "write after heal: $code"
value=$(bin/compose curl 4 /database/city)
[ "$value" = '{"key":"city","val":"Lima"}' ] || fail "read through the healed node4: $value"
log "healed: written through node5, read through node4: $value"
log "Compose: passed"
