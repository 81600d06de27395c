#!/usr/bin/env bash
# 50 concurrent tasks through the whole product: dispatch latency beside docker run + clone, peak heap, tasks per minute.
# usage: bench/concurrent-tasks.sh [tasks]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -B -o test-compile
mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.dockhand.bench.run.ConcurrentTasksBench "$@"
