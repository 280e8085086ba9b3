#!/bin/bash
# Scale-out benchmark (issue 8): the real `jotmai serve` (shaded jar) with the embedded SQLite store,
# with PostgreSQL and one node, and with PostgreSQL and two nodes on one database — in the same run,
# so that only the ratios between the rows count (the machine is shared; absolute figures drift).
#
#   bench/scale/run.sh                  # needs: root (initdb/pg_ctl as user postgres), postgresql-15,
#                                       #   python3, smtp-load.py (bench/smtp), imaptest (IMAPTEST), a JDK 21+
# Env: MSGS=2000 SESSIONS=10 LEN=5000 (SMTP: messages, parallel sessions, size), IMAP_CLIENTS=10 IMAP_SECS=20
#      ROWS="sqlite pg1 pg2" (which configurations, in this order)
#      WARMUP=300 (unmeasured messages to each node first, so the JIT is warm; the IMAP load follows the SMTP load)
#      IMAPTEST=/tmp/imap-imaptest-build/imaptest  MBOX=/tmp/bench.mbox  REBUILD=1 (rebuild the jar)
#      WORK=/tmp/jotmai-scale-bench  PGPORT=15433 (the bench's own PostgreSQL cluster)
#
# PostgreSQL: a throwaway cluster of its own on PGPORT with the default durability (fsync on,
# synchronous_commit on), not the test cluster of bin/pg-test.sh (fsync off), so that a 250 means
# "on stable storage" for both backends, as SQLite's synchronous=FULL does.
# Two nodes: the SMTP load and the IMAP load are split evenly over both nodes (half the sessions
# each, run in parallel); the IMAP halves use disjoint users (imaptest's state tracking expects to be
# the only writer of its mailboxes). SMTP msg/s of a row = all messages / wall time of the row.
# Output: SUMMARY lines, also appended to bench/scale/results-<UTC time>.txt.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MSGS=${MSGS:-2000}; SESSIONS=${SESSIONS:-10}; LEN=${LEN:-5000}; WARMUP=${WARMUP:-300}
ROWS=${ROWS:-sqlite pg1 pg2}
IMAP_CLIENTS=${IMAP_CLIENTS:-10}; IMAP_SECS=${IMAP_SECS:-20}
IMAPTEST=${IMAPTEST:-/tmp/imap-imaptest-build/imaptest}; MBOX=${MBOX:-/tmp/bench.mbox}
PEERS=${PEERS:-/work/shared/peers}
WORK=${WORK:-/tmp/jotmai-scale-bench}; PGPORT=${PGPORT:-15433}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JAR=$ROOT/jotmai-server/target/jotmai.jar
PGBIN=/usr/lib/postgresql/15/bin
PGDIR=$WORK/pg
USERS_FIRST=101; USERS_LAST=150
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$HERE/results-$STAMP.txt
mkdir -p "$WORK"

if [ ! -f "$JAR" ] || [ -n "${REBUILD:-}" ]; then
    echo "== build the shaded jar (no tests)" >&2
    (cd "$ROOT" && mvn -B -q -o -pl jotmai-server -am package -DskipTests)
fi
[ -s "$MBOX" ] || python3 "$PEERS/gen-mbox.py" -n 300 -o "$MBOX" >/dev/null

say() { echo "$*" | tee -a "$RESULTS"; }

# --- the bench's own PostgreSQL -------------------------------------------------------------------
pg_start() {
    rm -rf "$PGDIR"; mkdir -p "$PGDIR"; chown postgres:postgres "$PGDIR"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        >"$PGDIR/initdb.log" 2>&1
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    "$PGBIN/psql" -X -q -h "$PGDIR" -p "$PGPORT" -U postgres -c "CREATE ROLE bench LOGIN PASSWORD 'benchpw'" \
        -c "CREATE DATABASE bench OWNER bench"
    echo benchpw >"$WORK/pg-password"
}
pg_stop() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true; }

PIDS=()
stop_nodes() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    PIDS=()
}
trap 'stop_nodes; pg_stop' EXIT

# node NAME DATA SMTP_PORT IMAP_PORT [--set ...]: starts `jotmai serve` with SMTP (port 25 role) and IMAP only
node() {
    local name=$1 data=$2 smtp=$3 imap=$4; shift 4
    mkdir -p "$data"
    "$JAVA" -Xmx768m --enable-native-access=ALL-UNNAMED -jar "$JAR" serve --data "$data" --set server.hostname="$name.bench" \
        --set smtp.port="$smtp" --set smtp.bind=127.0.0.1 --set smtp.greeting-delay=0s \
        --set imap.port="$imap" --set imap.bind=127.0.0.1 --set delivery.enabled=false \
        --set submission.enabled=false --set submissions.enabled=false --set imaps.enabled=false \
        --set pop3.enabled=false --set pop3s.enabled=false --set lmtp.enabled=false "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 1 600); do
        (exec 3<>/dev/tcp/127.0.0.1/"$imap") 2>/dev/null && return 0
        sleep 0.2
    done
    echo "$name did not start:" >&2; tail -20 "$WORK/$name.log" >&2; exit 1
}

setup() { # DATA [--set ...]
    local data=$1; shift
    "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$HERE/ScaleSetup.java" "$data" "$USERS_FIRST" "$USERS_LAST" "$@" >"$WORK/setup.log" 2>&1
}

warm_up() { # PORT...: WARMUP messages to each SMTP port, unmeasured (the JIT of a fresh node warms up)
    local outs=()
    for port in "$@"; do
        python3 "$ROOT/bench/smtp/smtp-load.py" "127.0.0.1:$port" --sessions 4 --msgs "$WARMUP" --len "$LEN" \
            --range "$USERS_FIRST-$USERS_LAST" >/dev/null 2>&1 &
        outs+=($!)
    done
    for p in "${outs[@]}"; do wait "$p" || true; done
}

smtp_load() { # ROW PORT... : the load split over the given SMTP ports, in parallel
    local row=$1; shift
    local n=$# per_msgs=$((MSGS / $#)) per_sessions=$(( (SESSIONS + $# - 1) / $# )) t0 t1 outs=()
    [ "$WARMUP" -gt 0 ] && warm_up "$@"
    t0=$(date +%s.%N)
    for port in "$@"; do
        python3 "$ROOT/bench/smtp/smtp-load.py" "127.0.0.1:$port" --sessions "$per_sessions" --msgs "$per_msgs" \
            --len "$LEN" --range "$USERS_FIRST-$USERS_LAST" >"$WORK/smtp-$port.out" 2>&1 &
        outs+=($!)
    done
    for p in "${outs[@]}"; do wait "$p"; done
    t1=$(date +%s.%N)
    local total=$((per_msgs * n))
    local rate; rate=$(python3 -c "print(round($total / ($t1 - $t0), 1))")
    say "SUMMARY smtp $row nodes=$n msgs=$total sessions=$((per_sessions * n)) len=$LEN wall_msg_per_s=$rate load=$(cut -d' ' -f1 /proc/loadavg)"
    for port in "$@"; do sed "s/^SUMMARY/  node:$port/" "$WORK/smtp-$port.out" | grep node: | tee -a "$RESULTS"; done
}

imap_load() { # ROW PORT... : imaptest stress, clients split over the ports, disjoint user ranges
    local row=$1; shift
    local n=$# per=$(( (IMAP_CLIENTS + $# - 1) / $# )) span=$(( (USERS_LAST - USERS_FIRST + 1) / $# )) i=0 outs=()
    for port in "$@"; do
        local lo=$((USERS_FIRST + i * span)) hi=$((USERS_FIRST + (i + 1) * span - 1))
        IMAPTEST="$IMAPTEST" MBOX="$MBOX" USERS="$lo-$hi" EXTRA="logout=0" \
            "$PEERS/run-imaptest.sh" stress 127.0.0.1 "$port" 'user%d@example.test' pass "$per" "$IMAP_SECS" \
            >"$WORK/imap-$port.out" 2>&1 &
        outs+=($!)
        i=$((i + 1))
    done
    for p in "${outs[@]}"; do wait "$p" || true; done
    local sum=0 errors=0
    for port in "$@"; do
        local line; line=$(grep '^SUMMARY' "$WORK/imap-$port.out" || echo "SUMMARY cmds_per_sec=0 errors=?")
        sum=$(python3 -c "print($sum + float('$(echo "$line" | sed -n 's/.*cmds_per_sec=\([0-9.]*\).*/\1/p')' or 0))")
        errors="$errors+$(echo "$line" | sed -n 's/.*errors=\([0-9?]*\).*/\1/p')"
        echo "  node:$port $line" >>"$RESULTS"
    done
    say "SUMMARY imap $row nodes=$n clients=$((per * n)) secs=$IMAP_SECS cmds_per_sec=$sum errors=$errors load=$(cut -d' ' -f1 /proc/loadavg)"
}

say "# bench/scale/run.sh $STAMP ROWS=\"$ROWS\" WARMUP=$WARMUP MSGS=$MSGS SESSIONS=$SESSIONS LEN=$LEN IMAP_CLIENTS=$IMAP_CLIENTS IMAP_SECS=$IMAP_SECS nproc=$(nproc)"

pg() { # SCHEMA
    echo --set store.type=postgresql --set store.postgresql.url=jdbc:postgresql://127.0.0.1:$PGPORT/bench \
        --set store.postgresql.user=bench --set store.postgresql.password-file=$WORK/pg-password \
        --set store.postgresql.pool-size=16 --set store.postgresql.schema="$1"
}

row_sqlite() {
    echo "== embedded SQLite, one node" >&2
    rm -rf "$WORK/sqlite"
    setup "$WORK/sqlite"
    node sqlite "$WORK/sqlite" 12525 12143
    smtp_load sqlite-1 12525
    imap_load sqlite-1 12143
    stop_nodes
}

# shellcheck disable=SC2046
row_pg1() {
    echo "== PostgreSQL, one node" >&2
    setup "$WORK/pg1" $(pg one)
    node pg1 "$WORK/pg1" 12526 12144 $(pg one)
    smtp_load postgresql-1 12526
    imap_load postgresql-1 12144
    stop_nodes
}

# shellcheck disable=SC2046
row_pg2() {
    echo "== PostgreSQL, two nodes" >&2
    setup "$WORK/pg2a" $(pg two)
    node pg2a "$WORK/pg2a" 12527 12145 $(pg two)
    node pg2b "$WORK/pg2b" 12528 12146 $(pg two)
    smtp_load postgresql-2 12527 12528
    imap_load postgresql-2 12145 12146
    stop_nodes
}

case " $ROWS " in *" pg"*) pg_start ;; esac
for row in $ROWS; do "row_$row"; done
echo "results in $RESULTS" >&2
