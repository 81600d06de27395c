#!/usr/bin/env bash
# Cost of a bounded task disk: make+mount+release time of a 10 GB disk, and 200 MB write
# throughput into it against a plain directory on the same data disk, as a ratio. Needs root.
# usage: bench/disk.sh [rounds] [data dir]
BENCH_JAVA_OPTS="" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.sandbox.DiskBench "$@"
