#!/bin/bash
# Outbound, same run, same load, same sink (issue 6): Postfix (the reference stack of
# /work/shared/peers: submission 10587 -> Postfix queue -> relayhost = its smtp-sink on 10027) against
# Jotmai (submission -> durable queue -> delivery.relay-host = the SAME smtp-sink). The load is the
# peers' outbound-bench.py (N messages, STARTTLS + AUTH PLAIN, S sessions, recipients spread over D
# domains), which waits until the sink has written one file per message.
#
#   bench/delivery/compare.sh          # needs: the reference stack (started if it is not), JDK 21+
# Env: COUNT=2000 SIZE=5000 SESSIONS=10 DOMAINS="1 10 100" BASE=24000 (Jotmai listens on BASE+0..99:
#      submission BASE+87, smtp BASE+25, the others disabled)
#      WORK=/tmp/jotmai-outbound-compare JAVA_HOME (default Temurin 25)
#      WARMUP=200 (messages sent through each server first, not measured: JIT, TLS session setup)
#      DKIM=rsa|ed25519 (Jotmai signs with a fresh key of that type for example.test; default: none)
#      PRIO=-5 (nice value for both sides' load clients and Jotmai; renice the reference stack's
#      Postfix and smtp-sink to the same value yourself, see docs/BENCHMARKS.md)
#      (Jotmai listens on BASE+..; use your own port range)
# Output: one SUMMARY line per (server, domain count) from outbound-bench.py, with cpu_ms_per_msg
# appended: CPU time (user+system) per message of the server's processes over that run, the
# submission side included for both: Jotmai's JVM; Postfix's master with its live children and
# everything it reaped (cutime/cstime), smtp-sink excluded (shared receiver). drain_msg_per_s is the
# figure to compare (submission accepted AND delivered to the sink). Jotmai signs nothing here (no
# DKIM key) and fsyncs each accepted message and each delivery outcome; Postfix fsyncs its queue files.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=/work/shared/peers
COUNT=${COUNT:-2000}; SIZE=${SIZE:-5000}; SESSIONS=${SESSIONS:-10}; DOMAINS=${DOMAINS:-"1 10 100"}
BASE=${BASE:-24000}; WORK=${WORK:-/tmp/jotmai-outbound-compare}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$WORK"

"$PEERS/reference-stack.sh" status >/dev/null 2>&1 || "$PEERS/reference-stack.sh" start >&2
eval "$("$PEERS/reference-stack.sh" env)"
SINK_DIR=${REF_OUTBOUND_DIR:-/tmp/refstack/outbound}
SINK_PORT=10027

if [ -z "${NOBUILD:-}" ]; then   # NOBUILD=1: use $WORK/jotmai.jar as it is (build outside the bench lock)
    echo "== build the server jar (no tests)" >&2
    (cd "$ROOT" && nice -n 10 mvn -B -q -pl jotmai-server -am package -Dmaven.test.skip=true)
    cp "$ROOT/jotmai-server/target/jotmai.jar" "$WORK/jotmai.jar"   # others rebuild target/ meanwhile
fi
PRIO=${PRIO:-0}
J=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$WORK/jotmai.jar")

rm -rf "$WORK/data"
SETS=(--data "$WORK/data" --set submission.port=$((BASE + 87)) --set smtp.port=$((BASE + 25))
      --set server.hostname=bench.jotmai.test
      --set smtp.greeting-delay=0s --set lmtp.enabled=false --set delivery.relay-host=127.0.0.1:$SINK_PORT
      --set delivery.tls=none --set smtp.messages-per-hour=0 --set delivery.max-per-domain=10)
for b in smtp submission; do SETS+=(--set "$b.bind=127.0.0.1"); done
for b in submissions imap imaps pop3 pop3s; do SETS+=(--set "$b.enabled=false"); done
"${J[@]}" domain add "${SETS[@]}" example.test >/dev/null
echo secret | "${J[@]}" user add "${SETS[@]}" --password-stdin alice@example.test >/dev/null
case "${DKIM:-}" in
    rsa|ed25519) "${J[@]}" dkim generate "${SETS[@]}" --algorithm "$DKIM" example.test >/dev/null ;;
esac
nice -n "$PRIO" "${J[@]}" serve "${SETS[@]}" > "$WORK/serve.log" 2>&1 &
JPID=$!
trap 'kill $JPID 2>/dev/null || true' EXIT
SUBMISSION=$((BASE + 87))
for _ in $(seq 1 120); do
    (exec 3<>/dev/tcp/127.0.0.1/$SUBMISSION) 2>/dev/null && break
    sleep 0.5
done

WARMUP=${WARMUP:-200}
if [ "$WARMUP" -gt 0 ]; then
    echo "== warm-up, $WARMUP messages each (not measured)" >&2
    for P in 10587 $SUBMISSION; do
        nice -n "$PRIO" python3 "$PEERS/outbound-bench.py" --port $P --user alice@example.test --password secret \
            --count "$WARMUP" --size "$SIZE" --domains 10 --sessions "$SESSIONS" --sink-dir "$SINK_DIR" >/dev/null
    done
fi

# Cumulative CPU ticks (utime+stime+cutime+cstime, /proc/PID/stat fields 14-17) of a process and
# its live children: children reaped meanwhile are in the parent's cutime/cstime, so differences
# between two samples count every process that ran in between exactly once.
cpu_ticks() {
    local pid=$1 total=0 t c
    t=$(awk '{print $14+$15+$16+$17}' /proc/$pid/stat 2>/dev/null || echo 0); total=$((total + t))
    for c in $(ps -o pid= --ppid "$pid"); do
        t=$(awk '{print $14+$15+$16+$17}' /proc/$c/stat 2>/dev/null || echo 0); total=$((total + t))
    done
    echo $total
}
POSTFIX_MASTER=$(ps -eo pid=,comm= | awk '$2=="master"{print $1; exit}')
HZ=$(getconf CLK_TCK)
measured() { # server pid -- command...: runs it, appends cpu_ms_per_msg to its SUMMARY line
    local server=$1 pid=$2; shift 3
    local before after
    before=$(cpu_ticks "$pid")
    "$@" | sed -n "s/^SUMMARY/SUMMARY server=$server/p" > "$WORK/summary.txt"
    after=$(cpu_ticks "$pid")
    echo "$(cat "$WORK/summary.txt") cpu_ms_per_msg=$(awk -v a="$after" -v b="$before" -v hz="$HZ" -v n="$COUNT" \
        'BEGIN{printf "%.2f", (a-b)*1000/hz/n}')"
}

for D in $DOMAINS; do
    echo "== postfix, $D domain(s); $(uptime)" >&2
    measured postfix "$POSTFIX_MASTER" -- nice -n "$PRIO" python3 "$PEERS/outbound-bench.py" --port 10587 \
        --user alice@example.test --password secret \
        --count "$COUNT" --size "$SIZE" --domains "$D" --sessions "$SESSIONS" --sink-dir "$SINK_DIR" \
        --postfix-config "$REF_POSTFIX_CONFIG"
    echo "== jotmai, $D domain(s); $(uptime)" >&2
    measured jotmai "$JPID" -- nice -n "$PRIO" python3 "$PEERS/outbound-bench.py" --port $SUBMISSION \
        --user alice@example.test --password secret \
        --count "$COUNT" --size "$SIZE" --domains "$D" --sessions "$SESSIONS" --sink-dir "$SINK_DIR"
done
