#!/usr/bin/env bash
# The whole test suite, on a machine that may have none of its parts: installs and starts the
# Docker engine and gVisor's runsc, builds the worker image, starts a throwaway PostgreSQL, installs
# Chromium and its driver, then runs every test (Docker, PostgreSQL and browser tests included), and
# the sandbox and end-to-end tests a second time under gVisor. With arguments (Maven flags, e.g.
# -Dtest=…) only the first pass runs, with those flags; DOCKHAND_TEST_RUNSC=1 adds the second.
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
scripts/runsc-up.sh
scripts/worker-image.sh
eval "$(scripts/postgres-up.sh)"
export DOCKHAND_TEST_PG_URL
echo "==> running the tests (java $(java_major "$JAVA_HOME/bin/java"), PostgreSQL at ${DOCKHAND_TEST_PG_URL%%\?*})"
# Formatting is the build's: an unformatted file fails here (fix it with `mvn spotless:apply`).
mvn -B -Dstyle.color=never spotless:check test "$@"
if [[ $# -eq 0 || ${DOCKHAND_TEST_RUNSC:-0} == 1 ]]; then
  echo "==> the sandbox and end-to-end tests again, under gVisor (DOCKHAND_SANDBOX_RUNTIME=runsc)"
  DOCKHAND_SANDBOX_RUNTIME=runsc mvn -B -Dstyle.color=never surefire:test \
    -Dtest="$(cat "$DOCKHAND_ROOT/scripts/runsc-tests.txt" | grep -v '^#' | paste -sd, -)" "$@"
fi
