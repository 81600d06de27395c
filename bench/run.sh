#!/usr/bin/env bash
# Runs one benchmark's main class from the test classpath (benchmarks compile with the tests).
# usage: bench/run.sh CLASS [args…]; BENCH_JAVA_OPTS adds JVM options.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$DOCKHAND_ROOT"
find_jdk
main_class="$1"
shift
mvn -q -B -o -Dstyle.color=never test-compile
mvn -q -B -o -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  "$main_class" "$@"
