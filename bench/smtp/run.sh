#!/bin/bash
# SMTP benchmark: Jotmai (MX listener -> SQLite store, 250 only after the durable commit) against the
# reference stack Postfix -> Dovecot LMTP (Maildir), on the same machine in the same run.
#
#   bench/smtp/run.sh            # needs: postfix (smtp-source), the reference stack running
#                                #   (/work/shared/peers/reference-stack.sh start), python3, JDK 21+
# Env: MSGS=5000 SESSIONS=10 LEN=5000 PORT=10525 WORK=/tmp/jotmai-smtp-bench PEERS=/work/shared/peers
#      RANGE=101-150 (recipients user101..user150@example.test on both servers, away from the ranges other
#      benchmarks of the reference stack use), REF_MAIL=/tmp/refmail
#      SKIP_PEER=1 to measure Jotmai only; JAVA_HOME (default Temurin 25).
# Output: SUMMARY lines of smtp-source (throughput, time until stored) and of smtp-load.py (latency of
# the final 250 after <CRLF>.<CRLF>, p50/p99), for both servers.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MSGS=${MSGS:-5000}; SESSIONS=${SESSIONS:-10}; LEN=${LEN:-5000}; PORT=${PORT:-10525}
WORK=${WORK:-/tmp/jotmai-smtp-bench}; PEERS=${PEERS:-/work/shared/peers}
RANGE=${RANGE:-101-150}; REF_MAIL=${REF_MAIL:-/tmp/refmail}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$WORK"

echo "== build (module and its dependencies, no install)" >&2
(cd "$ROOT" && mvn -B -q -pl jotmai-smtp -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test)
CP="$(cat "$WORK/cp.txt"):$ROOT/jotmai-smtp/target/classes"

stored_jotmai() {
    python3 -c "import sqlite3,sys; c=sqlite3.connect('file:$WORK/data/jotmai.db?mode=ro', uri=True); print(c.execute('select count(*) from message').fetchone()[0])"
}

start_jotmai() {
    rm -rf "$WORK/data"
    BENCH_LOG="$WORK/jotmai.log" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
        -Dlogback.configurationFile="$HERE/logback-bench.xml" -cp "$CP" \
        "$HERE/SmtpBenchServer.java" "$WORK/data" "$PORT" 200 > "$WORK/server.out" 2>&1 &
    SPID=$!
    for _ in $(seq 1 600); do grep -q READY "$WORK/server.out" 2>/dev/null && return 0; sleep 0.2; done
    echo "Jotmai did not start:" >&2; cat "$WORK/server.out" >&2; exit 1
}
stop_jotmai() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
trap stop_jotmai EXIT

echo "== Jotmai: smtp-source, $SESSIONS sessions, $MSGS x $LEN octets, 50 mailboxes ($RANGE)" >&2
start_jotmai
RCPT='user%d@example.test' RCPT_RANGE=$RANGE MSGS=$MSGS SESSIONS=$SESSIONS LEN=$LEN TARGET=127.0.0.1:$PORT \
    "$PEERS/smtp-bench.sh" direct | sed 's/^SUMMARY/SUMMARY jotmai/'
echo "SUMMARY jotmai stored=$(stored_jotmai) (durable before each 250)"
echo "== Jotmai: latency client" >&2
python3 "$HERE/smtp-load.py" "127.0.0.1:$PORT" --sessions "$SESSIONS" --msgs "$MSGS" --len "$LEN" --range "$RANGE" \
    | sed 's/^SUMMARY/SUMMARY jotmai-latency/'
stop_jotmai

if [ -z "${SKIP_PEER:-}" ]; then
    # smtp-bench.sh counts files in every recipient's Maildir and stops (set -e) if one is missing
    a=${RANGE%-*}; b=${RANGE#*-}
    for i in $(seq "$a" "$b"); do
        d="$REF_MAIL/example.test/user$i"
        [ -d "$d/Maildir/new" ] || { mkdir -p "$d/Maildir/new" "$d/Maildir/cur" "$d/Maildir/tmp"; chown -R mail:mail "$d"; }
    done
    echo "== Postfix -> Dovecot LMTP: smtp-source (time until every message is in Maildir)" >&2
    RCPT='user%d@example.test' RCPT_RANGE=$RANGE MSGS=$MSGS SESSIONS=$SESSIONS LEN=$LEN \
        "$PEERS/smtp-bench.sh" postfix | sed 's/^SUMMARY/SUMMARY peer/' || echo "peer run failed" >&2
    echo "== Postfix: latency client (250 = queued by Postfix, not yet in the mailbox)" >&2
    python3 "$HERE/smtp-load.py" 127.0.0.1:10025 --sessions "$SESSIONS" --msgs "$MSGS" --len "$LEN" --range "$RANGE" \
        | sed 's/^SUMMARY/SUMMARY peer-latency/'
fi
