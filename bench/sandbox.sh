#!/usr/bin/env bash
# Sandbox container lifecycle against `docker run --rm` on the same engine, as a ratio.
# usage: bench/sandbox.sh [rounds]
BENCH_JAVA_OPTS="" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.sandbox.SandboxBench "$@"
