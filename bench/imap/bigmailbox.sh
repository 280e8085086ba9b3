#!/bin/bash
# The 100,000-message mailbox (issue 4): the same Maildir served by Dovecot (reference stack) and loaded
# into Jotmai, then SELECT, UID FETCH 1:* (FLAGS), UID SEARCH UNSEEN, SEARCH BODY/TEXT (rare and
# common word), SEARCH CHARSET UTF-8 BODY <Thai>, SEARCH SUBJECT timed over IMAP on both, same run.
#
#   bench/imap/bigmailbox.sh            # needs: the reference stack (/work/shared/peers/reference-stack.sh
#                                       #   start), python3, a JDK 21+ (JAVA_HOME, default Temurin 25), Maven
# Env: COUNT=100000 USER_N=200 (user200@example.test on both, password "pass"), REF_MAIL=/tmp/refmail,
#      WORK=/tmp/jotmai-bigmailbox (Jotmai data dir, kept between runs: delete it to reload),
#      JOTMAI_PORT=11243, DOVECOT_PORT=10143, RUNS=3, PEERS=/work/shared/peers.
# Steps: 1) bigmailbox.py populate writes the Maildir once (deterministic; ~10 min for 100k);
#        2) BigMailboxLoad.java appends it through the store API (16 threads, durable group commit) and
#           waits for the background search indexer; 3) jotmai.imap.DevServer serves the data dir;
#        4) bigmailbox.py measure against Dovecot, then against Jotmai. RESULT lines: min/median/max
#           seconds and result counts (which must agree between the servers).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
COUNT=${COUNT:-100000}; USER_N=${USER_N:-200}; REF_MAIL=${REF_MAIL:-/tmp/refmail}
WORK=${WORK:-/tmp/jotmai-bigmailbox}; JOTMAI_PORT=${JOTMAI_PORT:-11243}; DOVECOT_PORT=${DOVECOT_PORT:-10143}
RUNS=${RUNS:-3}; export PEERS=${PEERS:-/work/shared/peers}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
MAILDIR=$REF_MAIL/example.test/user$USER_N/Maildir
ADDR=user$USER_N@example.test
mkdir -p "$WORK"

if [ ! -d "$MAILDIR/cur" ] || [ "$(ls "$MAILDIR/cur" | wc -l)" -lt "$COUNT" ]; then
    echo "== populate $MAILDIR with $COUNT messages" >&2
    python3 "$HERE/bigmailbox.py" populate --maildir "$MAILDIR" --count "$COUNT"
    chown -R mail:mail "$REF_MAIL/example.test/user$USER_N"
fi

echo "== build" >&2
(cd "$ROOT" && mvn -B -q -pl jotmai-imap -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
CP="$ROOT/jotmai-imap/target/classes:$ROOT/jotmai-imap/target/test-classes:$ROOT/jotmai-store-api/target/classes"
CP="$CP:$ROOT/jotmai-shared/target/classes:$ROOT/jotmai-message/target/classes:$ROOT/jotmai-store-sqlite/target/classes:$ROOT/jotmai-store-jdbc/target/classes"
CP="$CP:$(tr ':' '\n' <"$WORK/cp.txt" | grep -v '/jotmai-' | paste -sd:)"
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=$ROOT/jotmai-imap/src/test/resources/logback-test.xml"

if [ ! -s "$WORK/data/jotmai.db" ]; then
    echo "== load the Maildir into Jotmai (store API)" >&2
    $JAVA -cp "$CP" "$HERE/BigMailboxLoad.java" "$WORK/data" "$MAILDIR" "$ADDR" 16 | tee "$WORK/load.txt"
fi

echo "== Dovecot (port $DOVECOT_PORT)" >&2
python3 "$HERE/bigmailbox.py" measure --port "$DOVECOT_PORT" --user "$ADDR" --label dovecot --runs "$RUNS"

echo "== Jotmai (port $JOTMAI_PORT)" >&2
$JAVA -Xmx2g -cp "$CP" jotmai.imap.DevServer "$JOTMAI_PORT" "$WORK/data" 200 >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q 'DevServer: IMAP' "$WORK/server.log" && break; sleep 1; done
python3 "$HERE/bigmailbox.py" measure --port "$JOTMAI_PORT" --user "$ADDR" --label jotmai --runs "$RUNS"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
