#!/usr/bin/env bash
# Warm start: cold setup against a cached environment, submit to the first model request, and
# submit to a ready container with and without the warm pool. The setup installs an npm tree from
# verdaccio, a real npm registry run on loopback (installed here from npm once, no uplink).
# usage: bench/warm-start.sh [packages]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
tools="$DOCKHAND_ROOT/target/bench-registry"
if [[ ! -x "$tools/node_modules/.bin/verdaccio" ]]; then
  mkdir -p "$tools"
  # As tried here, verdaccio 6.8.0 runs on Node 20 with node-fetch kept at 2.7.0.
  cat >"$tools/package.json" <<'JSON'
{"name": "dockhand-bench-registry", "private": true,
 "dependencies": {"verdaccio": "6.8.0"}, "overrides": {"node-fetch": "2.7.0"}}
JSON
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error)
fi
VERDACCIO="$tools/node_modules/.bin/verdaccio" \
  exec "$(dirname "$0")/run.sh" dev.dockhand.bench.env.WarmStartBench "$@"
