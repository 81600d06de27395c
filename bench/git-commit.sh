#!/usr/bin/env bash
# The host-side commit of a large worktree against git add -A + write-tree in the same run, as a
# ratio, with the peak heap; run with a small heap to show the commit's memory stays bounded.
# usage: bench/git-commit.sh [files]
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx256m}" exec "$(dirname "$0")/run.sh" \
  dev.dockhand.bench.git.CommitBench "$@"
