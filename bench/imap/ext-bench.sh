#!/bin/bash
# Issue 7 benchmarks (docs/BENCHMARKS.md, "IMAP extensions: COMPRESS and QRESYNC resync"):
#   1. octets of FETCH 1:1000 (BODY.PEEK[HEADER]) with and without COMPRESS=DEFLATE;
#   2. resync of an N-message mailbox (default 50,000) after 100 changes by others (50 flag changes,
#      25 expunges, 25 appends): SELECT (QRESYNC (uidvalidity modseq)) vs SELECT + UID FETCH 1:* (UID FLAGS),
#      octets received and wall time, each twice.
# Runs jotmai.imap.ExtBench (jotmai-imap test scope): a real ImapServer on loopback, SQLite store in a temp
# dir filled through the store API. Usage: bench/imap/ext-bench.sh [N]   (JAVA_HOME: a JDK 21+)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
mvn -B -q -o -pl jotmai-imap -am test-compile >/dev/null
mvn -B -q -o -pl jotmai-imap dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/jotmai-ext-bench.cp >/dev/null
# the reactor's own modules first (the local repository may hold older snapshots)
CP="jotmai-imap/target/test-classes:jotmai-imap/target/classes:jotmai-store-api/target/classes:jotmai-shared/target/classes"
CP="$CP:jotmai-message/target/classes:jotmai-store-sqlite/target/classes:jotmai-store-jdbc/target/classes"
CP="$CP:$(tr ':' '\n' < /tmp/jotmai-ext-bench.cp | grep -v /dev/jotmai/ | paste -sd:)"
exec "$JAVA" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$ROOT/jotmai-imap/src/test/resources/logback-test.xml" \
    -cp "$CP" jotmai.imap.ExtBench "${1:-50000}"
