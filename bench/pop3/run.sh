#!/bin/bash
# POP3 benchmark: Jotmai vs Dovecot (Debian's dovecot-pop3d) in the same run.
#
# Usage (as root, from anywhere): bench/pop3/run.sh [RUNS]   (RUNS: the least number of J/D pairs per row, default 5)
#   1. starts the reference stack (/work/shared/peers/reference-stack.sh; Dovecot POP3 on 10110,
#      LMTP on 10024) unless it already runs,
#   2. fills Dovecot over LMTP, once: user171..user180@example.test 1,000 x 5 KB each,
#      user181..user190@example.test 100 x 1 MB each (skipped when the Maildirs already hold them),
#   3. runs jotmai.pop3.Pop3Benchmark, which fills a fresh SQLite store with the same mailboxes,
#      starts Jotmai's POP3 on loopback and times pop3-timing.py retr (STAT, LIST, RETR all, QUIT;
#      1 and 10 parallel clients on different mailboxes) against Jotmai and Dovecot.
# Takes ~5 minutes at load 4, ~8 at load 10-13 (build, ~40-60 s warm-up, timed pairs); run it under flock /tmp/bench.lock.
# Method (sessions 7 and 8; docs/BENCHMARKS.md, POP3, "Session 7" and "Session 8: pair ratios"), and why:
#   - warm-up until Jotmai's JIT is quiet: rounds of raw-retr.py passes on both servers alike until a
#     round compiles < 100 ms in Jotmai's JVM (2 to 5 rounds; the first has every scenario, later ones the
#     5 KB ones). One untimed pass of each scenario left the session's hot methods queued for C2 on 2
#     cores; whether C2 reached them before or during the timed passes made Jotmai's one-client 5 KB time swing 2x between runs (server CPU per RETR 2-3x);
#   - each row is timed in PAIRS: one Jotmai pass and one Dovecot pass back to back, alternating which
#     goes first (J D, D J, ...), each pass one client process. The row's ratio is printed twice: the ratio
#     of the two servers' medians, and the MEDIAN OF THE PER-PAIR RATIOS with the pairs' min and max.
#     Why: on this VM consecutive passes of one server move together by up to 30% (the VM's speed
#     changes), so with 3 passes per server the ratio of medians of a ~1 s row was luck (five alternated
#     pairs of the one-client 1 MB poplib row gave 0.74-1.01); a pair's two passes share the VM's speed of
#     the moment, and the median pair ratio cancels it;
#   - pairs per row: enough for ~15 s of timed work, at least 9 for the one-client rows (the 1 MB poplib
#     row is 0.75-1.3 s a pass on a quiet machine, up to 1.9 s under load) and when a pass is under 1.5 s, at most 15 (the one-client 5 KB rows, ~0.1-0.2 s a pass),
#     at least RUNS (5: with 3, the ten-client 1 MB poplib row, 7 s a pass and bound by ten Python
#     clients on 2 cores, spread 0.92-1.10 at 0.98x), always odd (the median pair ratio is one pair's). The scenarios are the issue's
#     (1,000 x 5 KB and 100 x 1 MB, 1 and 10 clients);
#   - without the login: Jotmai checks an Argon2id hash, Dovecot's peer {PLAIN}. One client: wall minus
#     that client's connect+USER+PASS. Ten clients: an extra row "raw-li" (raw-retr.py --logged-in-first:
#     all ten log in, then all download) gives the download phase alone and each server's CPU per MB over
#     it. Until session 8 the ten-client figure was the wall minus the SLOWEST client's login, which for
#     Dovecot (it takes ten logins in one after another, the last after 1.0-1.7 s while the others are
#     already downloading) subtracted up to half its download time: the 0.63x/0.74x rows were that;
#   - Jotmai's lines say how many ms its JIT compiled and its GC paused during its timed passes (jit_ms,
#     gc_ms): both should be near zero; the last lines give the Jotmai/Dovecot ratio per row.
# Results: bench/pop3/results-<UTC timestamp>.txt (one SUMMARY line per server and scenario).
# Clients: pop3-timing.py (poplib) and raw-retr.py (thin client, server-bound), per scenario; raw-retr.py
# --logged-in-first for the ten-client ones.
# Env: PEERS (default /work/shared/peers), REF_MAIL (default /tmp/refmail), JOTMAI_BENCH_DIR (Jotmai's
# filled store, reused between runs; default /tmp/jotmai-pop3-bench-data; delete it after a schema change),
# PRIORITY (default -5): nice value for both sides alike on a shared machine: the Maven/JVM running
# Jotmai and the clients are started with it, Dovecot's processes are reniced to it for the run and
# set back afterwards. The load average before and after goes into the results file.
# JOTMAI_BENCH_WARMUP (default 1): the warm-up above; 0 skips it.
# JOTMAI_BENCH_JVM_OPTS: options for the JVM that runs Jotmai's server; default -Djdk.pollerMode=1, as
# the jotmai launcher starts the server (set it to "-Djdk.pollerMode=2" for the JDK's own default); they
# go into the results file's first line.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEERS=${PEERS:-/work/shared/peers}
REF_MAIL=${REF_MAIL:-/tmp/refmail}
RUNS=${1:-5}
PRIORITY=${PRIORITY:--5}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

if ! "$PEERS/reference-stack.sh" status >/dev/null 2>&1; then
    "$PEERS/reference-stack.sh" start
fi

count() { # user -> messages in the Maildir INBOX
    local d="$REF_MAIL/example.test/$1/Maildir"
    { ls "$d/new" "$d/cur" 2>/dev/null || true; } | grep -vc -e '^$' -e ':$' || true
}
for u in $(seq 171 180); do
    [ "$(count user$u)" -ge 1000 ] || python3 "$PEERS/pop3-timing.py" populate --proto lmtp --port 10024 \
        --users "user$u@example.test" --count 1000 --size 5000
done
for u in $(seq 181 190); do
    [ "$(count user$u)" -ge 100 ] || python3 "$PEERS/pop3-timing.py" populate --proto lmtp --port 10024 \
        --users "user$u@example.test" --count 100 --size 1000000
done

OUT="$HERE/results-$(date -u +%Y%m%dT%H%M%SZ).txt"
# the master and its children (auth, login, pop3 processes; new ones are forked from the master and
# inherit its nice value)
DOVECOT_PIDS=$(for m in $(pgrep -x dovecot || true); do echo "$m"; pgrep -P "$m" || true; done)
declare -A OLD_NICE
for p in $DOVECOT_PIDS; do OLD_NICE[$p]=$(ps -o ni= -p "$p" | tr -d ' '); renice -n "$PRIORITY" -p "$p" >/dev/null; done
# CPU scheduling groups (see own-group.sh): Dovecot runs in a session of its own, so Jotmai's JVM gets
# one too (setsid below), and so does every client pass (Pop3Benchmark runs it through own-group.sh);
# PRIORITY is set as the autogroup nice value of all three alike, Dovecot's restored at exit. Before
# session 7 the server shared its session with the clients: under other load it got half the CPU
# share Dovecot got, one reason Jotmai's figures moved more with the load than Dovecot's.
DOVECOT_MASTER=$(pgrep -x dovecot | head -1 || true)
OLD_GROUP_NICE=""
if [ -n "$DOVECOT_MASTER" ] && [ -r "/proc/$DOVECOT_MASTER/autogroup" ]; then
    OLD_GROUP_NICE=$(awk '{print $3}' "/proc/$DOVECOT_MASTER/autogroup")
    echo "$PRIORITY" >"/proc/$DOVECOT_MASTER/autogroup" || true
fi
restore() {
    for p in "${!OLD_NICE[@]}"; do renice -n "${OLD_NICE[$p]}" -p "$p" >/dev/null 2>&1 || true; done
    [ -z "$OLD_GROUP_NICE" ] || echo "$OLD_GROUP_NICE" >"/proc/$DOVECOT_MASTER/autogroup" 2>/dev/null || true
}
trap restore EXIT
JVM_OPTS=${JOTMAI_BENCH_JVM_OPTS--Djdk.pollerMode=1}
START="commit $(git -C "$ROOT" rev-parse --short HEAD), priority $PRIORITY (nice and autogroup nice; server, clients and Dovecot each in a session of their own), jvm options '${JVM_OPTS}', start $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"
# Build from the last commit in a scratch copy: other modules in the working tree may be mid-edit.
SRC=$(mktemp -d /tmp/jotmai-pop3-bench.XXXXXX)
git -C "$ROOT" archive HEAD | tar -x -C "$SRC"
cd "$SRC"
JOTMAI_BENCH=1 JOTMAI_BENCH_RUNS="$RUNS" JOTMAI_BENCH_OUT="$OUT" POP3_TIMING="$PEERS/pop3-timing.py" \
    RAW_RETR="$HERE/raw-retr.py" JOTMAI_BENCH_DIR="${JOTMAI_BENCH_DIR:-/tmp/jotmai-pop3-bench-data}" \
    JOTMAI_BENCH_CLIENT_GROUP="$HERE/own-group.sh" AUTOGROUP_NICE="$PRIORITY" \
    setsid -w "$HERE/own-group.sh" nice -n "$PRIORITY" mvn -B -pl jotmai-pop3 -am test -Dtest=Pop3Benchmark -Dsurefire.failIfNoSpecifiedTests=false \
    "-Dsurefire.argLine=--enable-native-access=ALL-UNNAMED -XX:+EnableDynamicAgentLoading $JVM_OPTS" \
    > "$OUT.log" 2>&1 || { tail -50 "$OUT.log"; exit 1; }
rm -rf "$SRC"
{ echo "$START"; echo "end $(date -u +%H:%M:%S) $(uptime | sed 's/.*load/load/')"; cat "$OUT"; } > "$OUT.tmp" && mv "$OUT.tmp" "$OUT"
cat "$OUT"
