#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on loopback for tests and benchmarks, with a `dockhand`
# user (password `dockhand`, may create databases) and database. Idempotent: if the cluster is
# already up it only prints the URL. The last line of output is the JDBC URL; when sourced, it is
# also exported as DOCKHAND_TEST_PG_URL.
#   DOCKHAND_PG_PORT (default 5433)   DOCKHAND_PG_DIR (default /tmp/dockhand-pg-<port>)
set -euo pipefail

port="${DOCKHAND_PG_PORT:-5433}"
dir="${DOCKHAND_PG_DIR:-/tmp/dockhand-pg-$port}"
url="jdbc:postgresql://127.0.0.1:$port/dockhand?user=dockhand&password=dockhand"

find_bin() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    [[ -x "$candidate/pg_ctl" ]] && { echo "$candidate"; return 0; }
  done
  return 1
}

bin="$(find_bin || true)"
if [[ -z "$bin" ]]; then
  echo "PostgreSQL not found; installing it (apt-get install -y postgresql)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y postgresql >&2 || { apt-get update >&2 && apt-get install -y postgresql >&2; }
  bin="$(find_bin)"
fi

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$dir"
[[ "$(id -u)" == 0 ]] && chown postgres: "$dir"
exec 9>"$dir.lock"
flock 9  # Several test JVMs may start at once: one initialises, the others wait.

if ! as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >&2
  fi
  # The server must not inherit the lock or our output pipes, or callers would wait on it forever.
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" start \
    9>&- </dev/null >/dev/null 2>&1
fi

psql_pg() { as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname='dockhand'")" != 1 ]]; then
  psql_pg -c "CREATE ROLE dockhand LOGIN CREATEDB PASSWORD 'dockhand'" >&2
fi
if [[ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname='dockhand'")" != 1 ]]; then
  psql_pg -c "CREATE DATABASE dockhand OWNER dockhand" >&2
fi

export DOCKHAND_TEST_PG_URL="$url"
echo "$url"
