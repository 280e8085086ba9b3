#!/usr/bin/env bash
# Runs the whole test suite (every module) with a JDK >= 21 found like ./jotmai finds it.
# Extra arguments go to Maven, e.g. ./test.sh -pl jotmai-server -am
# Tests that need a Debian tool (swaks, fetchmail, mbsync, ...) skip when it is missing, unless CI=true.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# shellcheck source=bin/find-jdk.sh
. "$root/bin/find-jdk.sh"
jotmai_find_jdk || exit 1
if ! command -v mvn >/dev/null 2>&1; then
    echo "test.sh: Maven (mvn) is needed; install it, e.g. 'apt-get install maven'" >&2
    exit 1
fi
cd "$root"
# Not -q: CI reads the "Tests run:" lines.
JAVA_HOME=$JOTMAI_JAVA_HOME exec mvn -B verify "$@"
