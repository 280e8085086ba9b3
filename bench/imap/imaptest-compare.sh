#!/bin/bash
# imaptest stress against Jotmai and Dovecot in the same run (issue 4 benchmark).
#
#   bench/imap/imaptest-compare.sh [SECS]          (default 30 s per run)
#
# Needs: IMAPTEST (binary from /work/shared/peers/build-imaptest.sh), the reference stack running
# (/work/shared/peers/reference-stack.sh start: Dovecot IMAP on 10143, users user101..user140, pass "pass"),
# a JDK 21+ in JAVA_HOME and Maven. Starts jotmai.imap.DevServer (test scope) on JOTMAI_PORT with a fresh
# SQLite store and users user1..user200@example.test (password "pass", Argon2id hashes; Dovecot's
# reference users are {PLAIN}, so runs that reconnect are dominated by Jotmai's password hashing).
# Prints one SUMMARY line per server and configuration: 10 and 50 clients, with and without logout=0,
# with the server's CPU time per command (server_cpu_us_per_cmd; the Dovecot figure covers the whole
# reference stack's Dovecot: one master at a time is assumed).
# Before measuring, both servers get WARMUP seconds of the same load (default 120, not counted): two thirds
# with 10 persistent clients, one third with 10 reconnecting clients (LOGIN/LOGOUT, SELECT of a fresh
# session), so every command the runs use has been through the JIT. A mail server that runs for weeks does
# not pay JIT compilation per measurement, but Jotmai's C2 still spent 5-6% of a core recompiling after
# 2 minutes of this load (docs/BENCHMARKS.md, IMAP, fourth round); a 30 s warm-up left 20-80 us of C2 per
# command in the first measured run.
set -euo pipefail
SECS=${1:-30}
WARMUP=${WARMUP:-120}
: "${IMAPTEST:?set IMAPTEST to the imaptest binary}"
JOTMAI_PORT=${JOTMAI_PORT:-11143}
# JVM options of the DevServer; the default is the jotmai launcher's (docs/CONFIG.md)
JOTMAI_JAVA_OPTS=${JOTMAI_JAVA_OPTS:--Djdk.pollerMode=1}
DOVECOT_PORT=${DOVECOT_PORT:-10143}
MBOX=${MBOX:-/tmp/bench.mbox}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
PEERS=${PEERS:-/work/shared/peers}

[ -s "$MBOX" ] || python3 "$PEERS/gen-mbox.py" -n 300 -o "$MBOX" >/dev/null

cd "$ROOT"
# Maven's output (on stderr too: JVM warnings and a colour reset without a newline, which glued itself to the
# first SUMMARY line) goes to a log, shown only when the build fails.
MVN_LOG=/tmp/jotmai-imap-bench.mvn.log
{ mvn -B -q -o -pl jotmai-imap -am test-compile &&
    mvn -B -q -o -pl jotmai-imap dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/jotmai-imap-bench.cp; } \
    >"$MVN_LOG" 2>&1 || { cat "$MVN_LOG" >&2; exit 1; }
CP="jotmai-imap/target/classes:jotmai-imap/target/test-classes:jotmai-store-api/target/classes:jotmai-shared/target/classes:jotmai-message/target/classes:jotmai-store-sqlite/target/classes:jotmai-store-jdbc/target/classes:$(tr ':' '\n' </tmp/jotmai-imap-bench.cp | grep -v '/dev/jotmai/' | paste -sd:)"
DATA=$(mktemp -d /tmp/jotmai-imap-bench.XXXXXX)
"$JAVA" --enable-native-access=ALL-UNNAMED $JOTMAI_JAVA_OPTS -Dlogback.configurationFile="$ROOT/jotmai-imap/src/test/resources/logback-test.xml" -cp "$CP" jotmai.imap.DevServer "$JOTMAI_PORT" "$DATA" 200 >"$DATA.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do grep -q 'DevServer: IMAP' "$DATA.log" && break; sleep 1; done

# Server CPU time (utime+stime, clock ticks) for the CPU-per-command figure, which depends far less on
# the machine's load than commands/s: the JVM's own, and for Dovecot its master, its live children
# (imap, auth, ...) and the master's cutime+cstime, which collects the children that exited.
TICK_US=$((1000000 / $(getconf CLK_TCK)))
cpu_ticks() { # name
    if [ "$1" = jotmai ]; then
        awk '{print $14 + $15}' "/proc/$SERVER/stat"
    else
        local master t=0 p v
        master=$(pgrep -o -f '^/usr/sbin/dovecot' || true)
        [ -n "$master" ] || { echo 0; return; }
        for p in $master $(pgrep -P "$master"); do
            v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
            t=$((t + v))
        done
        echo $((t + $(awk '{print $16 + $17}' "/proc/$master/stat")))
    fi
}
run() { # name port clients extra
    local out before after cmds
    before=$(cpu_ticks "$1")
    out=$(IMAPTEST="$IMAPTEST" MBOX="$MBOX" USERS=101-140 EXTRA="$4" \
        "$PEERS/run-imaptest.sh" stress 127.0.0.1 "$2" 'user%d@example.test' pass "$3" "$SECS" 2>&1 | grep '^SUMMARY')
    sleep 1 # exited Dovecot children reach the master's cutime once reaped
    after=$(cpu_ticks "$1")
    cmds=$(echo "$out" | sed -n 's/.*total_cmds=\([0-9]*\).*/\1/p')
    echo "$1 clients=$3 ${4:-reconnecting} load=$(cut -d' ' -f1 /proc/loadavg)" \
        "server_cpu_us_per_cmd=$(( (after - before) * TICK_US / (${cmds:-0} > 0 ? ${cmds:-1} : 1) )) $out"
}
if [ "$WARMUP" -gt 0 ]; then
    for port in "$JOTMAI_PORT" "$DOVECOT_PORT"; do
        IMAPTEST="$IMAPTEST" MBOX="$MBOX" USERS=101-140 EXTRA="logout=0" \
            "$PEERS/run-imaptest.sh" stress 127.0.0.1 "$port" 'user%d@example.test' pass 10 $((WARMUP * 2 / 3)) >/dev/null 2>&1 || true
        IMAPTEST="$IMAPTEST" MBOX="$MBOX" USERS=101-140 EXTRA="" \
            "$PEERS/run-imaptest.sh" stress 127.0.0.1 "$port" 'user%d@example.test' pass 10 $((WARMUP / 3)) >/dev/null 2>&1 || true
    done
fi
for clients in 10 50; do
    for extra in "logout=0" ""; do
        run jotmai "$JOTMAI_PORT" "$clients" "$extra"
        run dovecot "$DOVECOT_PORT" "$clients" "$extra"
    done
done
