#!/usr/bin/env bash
# Makes gVisor's runtime available to the Docker engine as `runsc`: installs Debian's package
# `runsc` when it is missing and registers it in /etc/docker/daemon.json with
#   "runtimeArgs": ["--network=none", "--host-uds=open"]
# (no network inside, which is what the sandbox wants anyway; a container may connect to a mounted
# host Unix socket, the egress proxy's), then has the engine reload its configuration. Idempotent.
# Run after scripts/docker-up.sh. Exits non-zero with one line on failure.
set -uo pipefail

fail() { echo "runsc-up: $*" >&2; exit 1; }
daemon_json="${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}"

registered() { docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; }

if ! command -v runsc >/dev/null 2>&1; then
  [[ $(id -u) == 0 ]] || fail "runsc is missing and installing it needs root"
  echo "runsc-up: installing runsc (gVisor)" >&2
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q runsc; } >/dev/null \
    || fail "could not install runsc with apt-get"
fi
registered && exit 0

[[ $(id -u) == 0 ]] || fail "registering runsc in $daemon_json needs root"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to edit $daemon_json"
mkdir -p "$(dirname "$daemon_json")"
python3 - "$daemon_json" "$(command -v runsc)" <<'PY' || fail "cannot update $daemon_json"
import json, os, sys
path, runsc = sys.argv[1], sys.argv[2]
config = {}
if os.path.exists(path) and os.path.getsize(path) > 0:
    with open(path) as f:
        config = json.load(f)
config.setdefault("runtimes", {})["runsc"] = {
    "path": runsc, "runtimeArgs": ["--network=none", "--host-uds=open"]}
with open(path + ".tmp", "w") as f:
    json.dump(config, f, indent=2)
os.replace(path + ".tmp", path)
PY
# dockerd reloads its runtimes on SIGHUP; no restart, so running containers are untouched.
pkill -HUP -x dockerd || fail "dockerd is not running (run scripts/docker-up.sh first)"
for _ in $(seq 1 40); do
  registered && { echo "runsc-up: runtime runsc registered" >&2; exit 0; }
  sleep 0.25
done
fail "the engine did not pick up runsc from $daemon_json"
