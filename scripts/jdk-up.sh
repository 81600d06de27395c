#!/usr/bin/env bash
# Installs a JDK 21 or newer, unless one is found already. Without arguments, the distribution's
# own (Debian 13, Ubuntu 22.04 and 24.04: openjdk-21-jdk-headless). With --adoptium, Eclipse
# Temurin 21 from Adoptium's apt repository, for systems whose archive has none (Debian 12 stops at
# 17): its signing key goes to /etc/apt/keyrings/adoptium.asc, the repository (for this system's
# codename) to /etc/apt/sources.list.d/adoptium.list, then apt-get installs temurin-21-jdk.
# Needs root. usage: scripts/jdk-up.sh [--adoptium]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

adoptium=https://packages.adoptium.net/artifactory
fail() { echo "jdk-up: $*" >&2; exit 1; }

if find_java javac; then
  echo "jdk-up: $JAVA_HOME is a JDK $(java_major "$JAVA_HOME/bin/java"); nothing to install"
  exit 0
fi
case "${1:-}" in
  "")
    package=$(java_package jdk)
    [[ -n $package ]] || { java_advice jdk >&2; exit 1; }
    [[ $(id -u) == 0 ]] || fail "installing $package needs root"
    echo "jdk-up: apt-get install $package"
    apt_install "$package" || fail "apt-get could not install $package"
    ;;
  --adoptium)
    [[ $(id -u) == 0 ]] || fail "adding Adoptium's repository needs root"
    codename=$(os_release VERSION_CODENAME)
    [[ -n $codename ]] || fail "$(os_release PRETTY_NAME) names no VERSION_CODENAME in /etc/os-release"
    echo "jdk-up: adding Adoptium's apt repository ($adoptium/deb $codename) and installing temurin-21-jdk"
    apt_install ca-certificates curl || fail "apt-get could not install curl"
    install -d -m 0755 /etc/apt/keyrings
    curl -fsSL "$adoptium/api/gpg/key/public" -o /etc/apt/keyrings/adoptium.asc.part ||
      fail "could not download Adoptium's signing key from $adoptium"
    mv /etc/apt/keyrings/adoptium.asc.part /etc/apt/keyrings/adoptium.asc
    echo "deb [signed-by=/etc/apt/keyrings/adoptium.asc] $adoptium/deb $codename main" \
      >/etc/apt/sources.list.d/adoptium.list
    apt_install temurin-21-jdk || fail "apt-get could not install temurin-21-jdk from $adoptium"
    ;;
  *) fail "usage: scripts/jdk-up.sh [--adoptium]" ;;
esac
find_java javac || fail "installed, yet no JDK 21 or newer is found under ${DOCKHAND_JVM_DIR:-/usr/lib/jvm}"
echo "jdk-up: $JAVA_HOME (Java $(java_major "$JAVA_HOME/bin/java"))"
