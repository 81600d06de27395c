#!/usr/bin/env bash
# Quick start: builds the jar if needed, starts the Docker engine, builds the worker image on first
# run, then starts the server on the defaults (SQLite in ./data, local mode). Arguments go to `serve`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$DOCKHAND_ROOT"
find_jdk
need_maven
jar=target/dockhand.jar
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  echo "==> building $jar"
  mvn -q -B -Dstyle.color=never -DskipTests package
fi
scripts/docker-up.sh
if [[ ${DOCKHAND_SANDBOX_RUNTIME:-} == runsc ]]; then
  scripts/runsc-up.sh
fi
# Builds the worker image on first run (about two minutes) and again when its build files change.
scripts/worker-image.sh
exec scripts/dockhand serve "$@"
