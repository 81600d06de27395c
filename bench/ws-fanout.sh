#!/usr/bin/env bash
# WebSocket fan-out: 1,000 subscribers on one task, 1,000 events/s for 5 s, against a bare
# Jetty broadcast in the same run. Usage: bench/ws-fanout.sh [subscribers] [rate] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -B -o test-compile
mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/bench.classpath >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.dockhand.bench.web.WsFanout "$@"
