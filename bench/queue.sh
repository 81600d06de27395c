#!/usr/bin/env bash
# Queue throughput (submit -> claim -> complete) against a plain insert-and-commit on the same
# database in the same run, as a ratio; and submit-to-claim latency on an idle node.
# usage: bench/queue.sh [sqlite|postgresql|all] [tasks] [latency-samples]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -B -o test-compile
mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.dockhand.bench.queue.QueueBench "$@"
