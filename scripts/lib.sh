# Shared by scripts/run.sh and scripts/test.sh: locate the project and a JDK 21+.
# shellcheck shell=bash
DOCKHAND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOCKHAND_ROOT

java_major() { # prints the major version of the java binary $1
  "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

# Sets JAVA_HOME to a JDK of version 21 or newer, or stops with one line saying what is missing.
find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if [ "$(java_major "$candidate/bin/java")" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "dockhand: no JDK 21 or newer found; install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME" >&2
  exit 1
}

need_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  echo "dockhand: installing Maven (apt-get install maven)" >&2
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q maven >/dev/null ||
    { echo "dockhand: Maven is missing and could not be installed; install maven" >&2; exit 1; }
}
