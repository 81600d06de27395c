#!/usr/bin/env bash
# The whole test suite, on a machine that may have none of its parts: installs and starts the
# Docker engine, builds the worker image, starts a throwaway PostgreSQL, installs Chromium and its
# driver, then runs every test (Docker, PostgreSQL and browser tests included).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$DOCKHAND_ROOT"
find_jdk
need_maven
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "==> installing chromium and chromium-driver"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null
fi
scripts/docker-up.sh
scripts/worker-image.sh
eval "$(scripts/postgres-up.sh)"
export DOCKHAND_TEST_PG_URL
echo "==> running the tests (java $(java_major "$JAVA_HOME/bin/java"), PostgreSQL at ${DOCKHAND_TEST_PG_URL%%\?*})"
mvn -B -Dstyle.color=never test "$@"
