#!/usr/bin/env bash
# Last touches to a worker root file system, shared by the Dockerfile and the offline build:
# the non-root user `agent` (1000:1000), /workspace, and no caches or docs.
# usage: finish-rootfs.sh [rootfs]   (default /, as inside a Dockerfile RUN)
set -euo pipefail
root="${1:-/}"

chroot "$root" /bin/sh -c '
  set -e
  getent group agent >/dev/null || groupadd --gid 1000 agent
  getent passwd agent >/dev/null || useradd --uid 1000 --gid 1000 --create-home --home-dir /home/agent --shell /bin/bash agent
  mkdir -p /workspace
  chown agent:agent /workspace
  apt-get clean
'
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
  "$root"/var/log/*.log "$root"/tmp/* "$root"/var/tmp/*
find "$root"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'locale.alias' -exec rm -rf {} + 2>/dev/null || true
