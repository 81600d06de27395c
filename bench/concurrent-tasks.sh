#!/usr/bin/env bash
# 50 concurrent tasks through the whole product: dispatch latency beside docker run + clone,
# peak heap (the JVM is capped at 512 MB), tasks per minute. usage: bench/concurrent-tasks.sh [tasks]
BENCH_JAVA_OPTS="-Xmx512m" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.run.ConcurrentTasksBench "$@"
