#!/usr/bin/env bash
# Builds the worker image if it is missing, showing progress: from worker/Dockerfile when the
# base image can be pulled, else offline from Debian packages (worker/build-offline.sh).
# usage: scripts/worker-image.sh [image] [--force]   (image default: $DOCKHAND_WORKER_IMAGE or
# dockhand-worker:latest). Works from any directory.
set -euo pipefail

project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
worker="$project/src/main/resources/worker"
image="${DOCKHAND_WORKER_IMAGE:-dockhand-worker:latest}"
force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    *) image="$arg" ;;
  esac
done

# The image is rebuilt whenever its build files change (a new package, say): their hash is the
# image's version label.
version=$(cat "$worker/Dockerfile" "$worker/packages.txt" "$worker/finish-rootfs.sh" \
  "$worker/build-offline.sh" | sha256sum | cut -c1-16)
export DOCKHAND_WORKER_VERSION="$version"
present=$(docker image inspect -f '{{index .Config.Labels "dev.dockhand.worker.version"}}' "$image" 2>/dev/null || true)
if ! $force && [[ $present == "$version" ]]; then
  echo "worker-image: $image is present (version $version)"
  exit 0
fi
[[ -n $present ]] && echo "worker-image: $image is version $present; rebuilding version $version"

base=$(awk '/^FROM /{print $2; exit}' "$worker/Dockerfile")
if timeout 60 docker pull "$base" >/dev/null 2>&1; then
  echo "worker-image: building $image from $worker/Dockerfile"
  docker build --progress=plain --label "dev.dockhand.worker.version=$version" -t "$image" \
    "$worker" 2>/dev/null || docker build --label "dev.dockhand.worker.version=$version" \
    -t "$image" "$worker"
else
  echo "worker-image: cannot pull $base; building $image offline from Debian packages"
  bash "$worker/build-offline.sh" "$image"
fi
