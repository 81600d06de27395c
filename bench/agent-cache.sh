#!/usr/bin/env bash
# Prompt-cache benchmark of the agent loop: a 20-turn scripted task against a stand-in API that
# applies the documented cache rules, with and without cache_control. Needs Docker and the worker image.
BENCH_JAVA_OPTS="" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.agent.AgentCacheBench "$@"
