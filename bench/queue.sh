#!/usr/bin/env bash
# Queue throughput (submit -> claim -> complete) against a plain insert-and-commit on the same
# database in the same run, as a ratio; and submit-to-claim latency on an idle node.
# usage: bench/queue.sh [sqlite|postgresql|all] [tasks] [latency-samples]
BENCH_JAVA_OPTS="" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.queue.QueueBench "$@"
