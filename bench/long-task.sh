#!/usr/bin/env bash
# Long-task benchmark of the agent loop: 300 scripted turns with 20,000-character tool results
# against a stand-in API with a 200k-token window, context management and the prompt-cache rules,
# with and without the loop's context management. Needs Docker and the worker image.
# usage: bench/long-task.sh [turns] [result characters]
BENCH_JAVA_OPTS="" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.agent.LongTaskBench "$@"
