#!/bin/bash
# Outbound queue throughput (issue 6): messages/s from the SQLite queue to Postfix's smtp-sink on
# loopback, with 1, 10 and 100 destination domains (static routes, no TLS, no DNS).
#
#   bench/delivery/run.sh          # needs: postfix (smtp-sink), JDK 21+
# Env: MSGS=2000 LEN=5000 PORT=10627 WORK=/tmp/jotmai-delivery-bench JAVA_HOME (default Temurin 25)
# Output: one SUMMARY line per domain count. Each message's outcome is committed (fsync through the
# group-commit writer) right after the sink's 250, before the next step, so this measures durable delivery.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MSGS=${MSGS:-2000}; LEN=${LEN:-5000}; PORT=${PORT:-10627}; WORK=${WORK:-/tmp/jotmai-delivery-bench}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
[ -x "$SINK" ] || { echo "smtp-sink missing: apt-get install postfix" >&2; exit 1; }
mkdir -p "$WORK"

echo "== build (module and its dependencies, no install)" >&2
(cd "$ROOT" && mvn -B -q -pl jotmai-delivery -am package dependency:build-classpath -Dmaven.test.skip=true \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test)
# Snapshot the project's own jars/classes: other engineers rebuild target/ in the shared tree meanwhile.
rm -rf "$WORK/snap"; mkdir -p "$WORK/snap"; CP=""; i=0
for e in $(tr ':' ' ' < "$WORK/cp.txt") "$ROOT/jotmai-delivery/target/classes"; do
    case "$e" in
        "$ROOT"/*) i=$((i+1)); cp -r "$e" "$WORK/snap/$i-$(basename "$e")"; e="$WORK/snap/$i-$(basename "$e")" ;;
    esac
    CP="${CP:+$CP:}$e"
done

SINK_USER=(); [ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)   # smtp-sink refuses to run as root
"$SINK" "${SINK_USER[@]}" 127.0.0.1:$PORT 200 < /dev/null > "$WORK/sink.log" 2>&1 &
SINK_PID=$!
trap 'kill $SINK_PID 2>/dev/null || true' EXIT
sleep 0.5
kill -0 $SINK_PID 2>/dev/null || { echo "smtp-sink did not start:" >&2; cat "$WORK/sink.log" >&2; exit 1; }

for D in 1 10 100; do
    rm -rf "$WORK/run"; mkdir -p "$WORK/run"
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile="$HERE/logback-bench.xml" \
        -cp "$CP" "$HERE/DeliveryBench.java" "$WORK/run" "$PORT" "$MSGS" "$D" "$LEN"
done
