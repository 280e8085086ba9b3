#!/bin/bash
# Flag reads (SELECT's flagRows, UID SEARCH UNSEEN) and flag STOREs on a big mailbox, SQLite against
# PostgreSQL, through the store API (bench/store/FlagBench.java), in one run: only the ratios count.
#
#   bench/store/flags.sh           # needs: root (initdb/pg_ctl as user postgres), postgresql-15, a JDK 21+
# Env: COUNT=100000 RUNS=5 STORES=200 (STOREs timed one after another; 8 threads then do twice as many) WORK=/tmp/jotmai-flag-bench PGPORT=12832
#      BEFORE=<commit>: also runs PostgreSQL with jotmai-store-postgres as of that commit (compiled here
#      with javac against the current store API), labelled pg-old, for a before/after in the same run.
# PostgreSQL: a throwaway cluster of its own with the default durability (fsync on, synchronous_commit
# on), so a durable commit costs what it costs in production, as SQLite's synchronous=FULL does.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
COUNT=${COUNT:-100000}; RUNS=${RUNS:-5}; STORES=${STORES:-200}
WORK=${WORK:-/tmp/jotmai-flag-bench}; PGPORT=${PGPORT:-12832}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -Xmx1g -Dlogback.configurationFile=$HERE/logback-bench.xml -Dstores=$STORES"
PGBIN=/usr/lib/postgresql/15/bin
PGDIR=$WORK/pg
mkdir -p "$WORK"

echo "== build" >&2
(cd "$ROOT" && mvn -B -q -o -pl jotmai-store-sqlite,jotmai-store-postgres -am compile dependency:build-classpath \
    -Dmdep.outputFile=cp.txt >/dev/null)
DEPS=$(cat "$ROOT"/jotmai-store-sqlite/cp.txt "$ROOT"/jotmai-store-postgres/cp.txt | tr ':' '\n' | grep -v '/jotmai-' \
    | sort -u | paste -sd:)
rm -f "$ROOT"/cp.txt "$ROOT"/*/cp.txt
BASECP="$ROOT/jotmai-store-api/target/classes:$ROOT/jotmai-message/target/classes"
BASECP="$BASECP:$ROOT/jotmai-store-sqlite/target/classes:$ROOT/jotmai-store-jdbc/target/classes:$DEPS"
NEWCP="$BASECP:$ROOT/jotmai-store-postgres/target/classes"

if [ -n "${BEFORE:-}" ]; then
    rm -rf "$WORK/old"; mkdir -p "$WORK/old/src" "$WORK/old/classes"
    git -C "$ROOT" archive "$BEFORE" jotmai-store-postgres/src/main | tar -x -C "$WORK/old/src"
    "$JAVA_HOME/bin/javac" --release 21 -nowarn -d "$WORK/old/classes" -cp "$BASECP" \
        $(find "$WORK/old/src" -name '*.java') 2>&1 | grep -v '^Note:' || true
    cp -r "$WORK/old/src/jotmai-store-postgres/src/main/resources/." "$WORK/old/classes/"
    OLDCP="$BASECP:$WORK/old/classes"
fi

pg_stop() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true; }
pg_stop
rm -rf "$PGDIR"; mkdir -p "$PGDIR"; chown postgres:postgres "$PGDIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$PGDIR/initdb.log" 2>&1
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null
trap pg_stop EXIT
"$PGBIN/psql" -X -q -h "$PGDIR" -p "$PGPORT" -U postgres -c "CREATE ROLE bench LOGIN PASSWORD 'benchpw'" \
    -c "CREATE DATABASE bench OWNER bench"
URL="jdbc:postgresql://127.0.0.1:$PGPORT/bench"

echo "# bench/store/flags.sh COUNT=$COUNT RUNS=$RUNS BEFORE=${BEFORE:-} at $(date -u +%FT%TZ); $(uptime)"
rm -rf "$WORK/sqlite"
$JAVA -cp "$NEWCP" "$HERE/FlagBench.java" sqlite "$WORK/sqlite" "$COUNT" "$RUNS"
if [ -n "${BEFORE:-}" ]; then
    $JAVA -cp "$OLDCP" "$HERE/FlagBench.java" pg "$URL" bench benchpw old "$COUNT" "$RUNS" pg-old
fi
$JAVA -cp "$NEWCP" "$HERE/FlagBench.java" pg "$URL" bench benchpw new "$COUNT" "$RUNS" pg-new
echo "# done at $(date -u +%FT%TZ); $(uptime)"
rm -rf "$WORK/sqlite"
