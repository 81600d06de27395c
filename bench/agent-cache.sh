#!/usr/bin/env bash
# Prompt-cache benchmark of the agent loop: a 20-turn scripted task against a stand-in API that
# applies the documented cache rules, with and without cache_control. Needs Docker and the worker
# image (dockhand-worker:latest).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -q -B -o test-compile
classpath_file="$(mktemp)"
trap 'rm -f "$classpath_file"' EXIT
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file" >/dev/null
exec "$JAVA_HOME/bin/java" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/test-classes:target/classes:$(cat "$classpath_file")" \
  dev.dockhand.bench.agent.AgentCacheBench "$@"
