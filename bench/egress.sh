#!/usr/bin/env bash
# Egress proxy overhead: a 200 MB download and time to first byte from a loopback server, directly
# with curl on the host against curl in a --network none worker container through the proxy's Unix
# socket (socat relay, plain forward and CONNECT tunnel), as ratios. Needs Docker and the worker
# image with socat and curl. usage: bench/egress.sh [megabytes] [rounds]
# EGRESS_BENCH_SOCAT (default "-b 262144", as the sandbox's relay) sets the relay's socat options
# (socat's own block is 8 KiB); EGRESS_BENCH_HOST_ONLY=1 measures the proxy alone (a Java client
# over the Unix socket).
BENCH_JAVA_OPTS="" exec "$(dirname "$0")/run.sh" dev.dockhand.bench.egress.EgressBench "$@"
