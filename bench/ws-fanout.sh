#!/usr/bin/env bash
# WebSocket fan-out: 1,000 subscribers on one task, 1,000 events/s for 5 s, against a bare
# Jetty broadcast in the same run. usage: bench/ws-fanout.sh [subscribers] [rate] [seconds]
BENCH_JAVA_OPTS="-Xmx2g" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.web.WsFanout "$@"
