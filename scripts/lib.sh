# Shared by scripts/run.sh, scripts/test.sh and scripts/jdk-up.sh: locate the project and a JDK 21+.
# shellcheck shell=bash
DOCKHAND_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOCKHAND_ROOT
# The Java lookup the dockhand command uses: java_major, find_java, java_package, java_advice.
source "$DOCKHAND_ROOT/scripts/dockhand"

# Sets JAVA_HOME to a JDK of version 21 or newer, installing the distribution's where it has one
# (as Docker and Maven are installed), or stops with one line saying what to run instead.
find_jdk() {
  find_java javac && return 0
  local package
  package=$(java_package jdk)
  if [[ -n $package && $(id -u) == 0 ]]; then
    echo "dockhand: installing a JDK 21 (apt-get install $package)" >&2
    if apt_install "$package" && find_java javac; then
      return 0
    fi
    echo "dockhand: apt-get could not install $package; install a JDK 21 or newer and set JAVA_HOME to it" >&2
    exit 1
  fi
  java_advice jdk >&2
  exit 1
}

# apt-get install, quietly, after refreshing the package lists.
apt_install() {
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

need_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "dockhand: installing Maven (apt-get install maven)" >&2
    apt_install maven || { echo "dockhand: Maven is missing and could not be installed; install maven" >&2; exit 1; }
  fi
  # Debian's Maven carries a Guava that calls sun.misc.Unsafe, which a JDK 24 or newer warns about
  # on every build: Maven's own, nothing an operator can act on (and an older JDK refuses the flag).
  if (($(java_major "$JAVA_HOME/bin/java") >= 24)); then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
