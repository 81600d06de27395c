#!/usr/bin/env bash
# Makes sure a Docker engine answers on this host: installs Debian's docker.io when dockerd is
# missing, starts dockerd in the background when the socket does not answer, and waits for it.
# Exits non-zero with one line on failure. Safe to run again: it does nothing when the engine is up.
set -uo pipefail

wait_seconds="${DOCKER_UP_TIMEOUT:-60}"
log_file="${DOCKERD_LOG:-/var/log/dockerd.log}"

fail() { echo "docker-up: $*" >&2; exit 1; }
answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! command -v dockerd >/dev/null 2>&1; then
  [[ $(id -u) == 0 ]] || fail "dockerd is missing and installing docker.io needs root"
  echo "docker-up: installing docker.io" >&2
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io; } >&2 \
    || fail "could not install docker.io with apt-get"
fi
command -v docker >/dev/null 2>&1 || fail "the docker CLI is missing (install docker.io)"

answers && exit 0

if [[ -z ${DOCKER_HOST:-} ]] || [[ ${DOCKER_HOST} == unix:///var/run/docker.sock ]]; then
  [[ $(id -u) == 0 ]] || fail "the engine is not running and starting dockerd needs root"
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "docker-up: starting dockerd (log: $log_file)" >&2
    nohup dockerd >>"$log_file" 2>&1 </dev/null &
    disown || true
  fi
fi

deadline=$((SECONDS + wait_seconds))
until answers; do
  ((SECONDS < deadline)) || fail "the Docker engine did not answer within ${wait_seconds}s at ${DOCKER_HOST:-unix:///var/run/docker.sock} (see $log_file)"
  sleep 0.5
done
echo "docker-up: engine $(docker version --format '{{.Server.Version}}') is up" >&2
