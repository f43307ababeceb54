#!/usr/bin/env bash
# Builds the Debian 12 base images the Dockerfile starts from -- debian:12 and
# debian:12-slim -- locally from Debian's own packages with debootstrap, for machines that
# reach Debian's mirror but no image registry (where a registry is reachable, `docker pull`
# gives the same tags and this script is not needed). Both tags are the same minbase
# bookworm root file system. Needs root, debootstrap and a running Docker daemon.
#   deploy/base-image.sh [MIRROR]      (default http://deb.debian.org/debian)
set -euo pipefail
mirror=${1:-http://deb.debian.org/debian}
if docker image inspect debian:12 >/dev/null 2>&1 && docker image inspect debian:12-slim >/dev/null 2>&1; then
  echo "base-image: debian:12 and debian:12-slim are already there"; exit 0
fi
command -v debootstrap >/dev/null || { echo "base-image: needs debootstrap (bin/bootstrap --docker)" >&2; exit 1; }
root=$(mktemp -d /tmp/sysdist-rootfs.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "base-image: debootstrap bookworm from $mirror (a few minutes)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
# As Debian's own images: apt sources for bookworm and its security updates, no caches.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
tar -C "$root" -c . | docker import --change 'CMD ["bash"]' - debian:12 >/dev/null
docker tag debian:12 debian:12-slim
echo "base-image: tagged debian:12 and debian:12-slim ($(docker image inspect -f '{{.Size}}' debian:12 | awk '{printf "%d MB", $1/1e6}'))"
