# shellcheck shell=bash
# Finds a JDK >= 21 for ./jotmai and ./test.sh (sourced by both, so the rule lives in one place).
#
# Order: $JAVA_HOME if it is >= 21, then the `java` on PATH if it is >= 21, then the newest JDK >= 21
# under /usr/lib/jvm. On success sets JOTMAI_JAVA_HOME; otherwise prints ONE line saying what to
# install and returns 1. A JDK (with javac) is required because the launcher builds from source.

JOTMAI_MIN_JAVA=21

# Prints the major version of the JDK at $1 (e.g. 25), or nothing if it is not a usable JDK.
jotmai_jdk_major() {
    local home=$1 version=""
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
    if [ -r "$home/release" ]; then
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n 1)
    fi
    if [ -z "$version" ]; then
        version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    case $version in 1.*) version=${version#1.} ;; esac   # "1.8.0_392" means 8
    version=${version%%[.+_-]*}
    case $version in ''|*[!0-9]*) return 0 ;; esac
    echo "$version"
}

# Sets JOTMAI_JAVA_HOME (and JOTMAI_JAVA_MAJOR) or prints what to install and returns 1.
jotmai_find_jdk() {
    jotmai_find_jdk_home || return 1
    JOTMAI_JAVA_MAJOR=$(jotmai_jdk_major "$JOTMAI_JAVA_HOME")
    # Maven 3.8's bundled Guava uses sun.misc.Unsafe; JDK 24+ warns about it on every run.
    if [ "$JOTMAI_JAVA_MAJOR" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
    fi
}

jotmai_find_jdk_home() {
    local candidate major best="" best_major=0 java_on_path
    if [ -n "${JAVA_HOME:-}" ]; then
        major=$(jotmai_jdk_major "$JAVA_HOME")
        if [ -n "$major" ] && [ "$major" -ge "$JOTMAI_MIN_JAVA" ]; then
            JOTMAI_JAVA_HOME=$JAVA_HOME
            return 0
        fi
    fi
    java_on_path=$(command -v java 2>/dev/null || true)
    if [ -n "$java_on_path" ]; then
        candidate=$(dirname "$(dirname "$(readlink -f "$java_on_path")")")
        major=$(jotmai_jdk_major "$candidate")
        if [ -n "$major" ] && [ "$major" -ge "$JOTMAI_MIN_JAVA" ]; then
            JOTMAI_JAVA_HOME=$candidate
            return 0
        fi
    fi
    for candidate in "${JOTMAI_JVM_DIR:-/usr/lib/jvm}"/*; do
        [ -d "$candidate" ] || continue
        major=$(jotmai_jdk_major "$candidate")
        if [ -n "$major" ] && [ "$major" -ge "$JOTMAI_MIN_JAVA" ] && [ "$major" -gt "$best_major" ]; then
            best=$candidate
            best_major=$major
        fi
    done
    if [ -n "$best" ]; then
        JOTMAI_JAVA_HOME=$best
        return 0
    fi
    echo "jotmai: no JDK $JOTMAI_MIN_JAVA or newer found (checked JAVA_HOME, java on PATH, /usr/lib/jvm); install one, e.g. 'apt-get install temurin-25-jdk' (Adoptium repository) or 'apt-get install openjdk-21-jdk', or set JAVA_HOME" >&2
    return 1
}
