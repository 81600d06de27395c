#!/usr/bin/env bash
# Builds the worker image without pulling anything from a container registry: the root file
# system comes from Debian packages (debootstrap against the mirror apt already uses), then
# `docker import`. Downloads are cached under $DOCKHAND_CACHE_DIR so a second build is fast.
#
# usage: build-offline.sh [image]   (default dockhand-worker:latest)
set -euo pipefail

image="${1:-dockhand-worker:latest}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${DOCKHAND_CACHE_DIR:-/var/cache/dockhand}"
suite="${DOCKHAND_DEBIAN_SUITE:-bookworm}"

log() { echo "[worker-image] $*"; }
fail() { echo "worker-image: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "the offline build needs root (debootstrap); run it with sudo"
if ! command -v debootstrap >/dev/null; then
  echo "worker-image: installing debootstrap (apt-get install debootstrap)"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; } >/dev/null \
    || fail "debootstrap is missing and could not be installed; install it with: apt-get install debootstrap"
fi
command -v docker >/dev/null || fail "the docker CLI is missing"

# The mirror apt already uses on this host: deb822 .sources first, then one-line sources.list.
mirror_of_host() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' \
    | grep -v -- '-security' | head -n1 || true)
  if [[ -z $uri ]]; then
    uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
      | sed -E 's/^deb (\[[^]]*\] )?//' | awk '{print $1}' | grep -v -- '-security' | head -n1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
mirror="${DOCKHAND_DEBIAN_MIRROR:-$(mirror_of_host)}"

packages=$(grep -v '^#' "$here/packages.txt" | xargs)
key=$(echo "$suite $mirror $packages $(sha256sum <"$here/finish-rootfs.sh")" | sha256sum | cut -c1-12)
base="$cache/debootstrap-$suite-minbase.tgz"
archives="$cache/apt-archives-$suite"
rootfs_tar="$cache/rootfs-$suite-$key.tar"
mkdir -p "$cache" "$archives/partial"

work=$(mktemp -d /var/tmp/dockhand-rootfs.XXXXXX)
rootfs="$work/rootfs"
cleanup() {
  for m in proc var/cache/apt/archives; do
    mountpoint -q "$rootfs/$m" 2>/dev/null && umount -l "$rootfs/$m"
  done
  rm -rf "$work"
}
trap cleanup EXIT

# debootstrap's own resolver mishandles npm's web of virtual packages, so it only lays down
# minbase and apt inside the new root installs the rest.
install_rootfs() {
  if [[ ! -f $base ]]; then
    log "downloading minbase from $mirror ($suite) into $base"
    debootstrap --variant=minbase --make-tarball="$base.part" "$suite" "$work/dl" "$mirror"
    mv "$base.part" "$base"
  fi
  log "unpacking minbase"
  debootstrap --variant=minbase --unpack-tarball="$base" "$suite" "$rootfs" "$mirror" \
    || fail "debootstrap failed; see $rootfs/debootstrap/debootstrap.log"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount -t proc proc "$rootfs/proc"
  mount --bind "$archives" "$rootfs/var/cache/apt/archives"
  log "installing: $packages"
  chroot "$rootfs" apt-get update -q
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" \
    apt-get install -y -q --no-install-recommends $packages
  umount -l "$rootfs/var/cache/apt/archives" "$rootfs/proc"
  : >"$rootfs/etc/resolv.conf"
}

if [[ ! -f $rootfs_tar ]]; then
  install_rootfs
  log "adding user agent (1000:1000) and trimming"
  bash "$here/finish-rootfs.sh" "$rootfs"
  log "packing $rootfs_tar"
  tar --numeric-owner -C "$rootfs" -cf "$rootfs_tar.part" .
  mv "$rootfs_tar.part" "$rootfs_tar"
else
  log "using cached root file system $rootfs_tar"
fi

log "importing into docker as $image"
docker import \
  --change 'USER agent' \
  --change 'WORKDIR /workspace' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV HOME=/home/agent' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'LABEL dev.dockhand.worker=1' \
  --change "LABEL dev.dockhand.worker.version=${DOCKHAND_WORKER_VERSION:-unknown}" \
  --change 'CMD ["sleep","infinity"]' \
  "$rootfs_tar" "$image"
log "built $image ($(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec))"
