#!/bin/bash
# DKIM cost per message (issue 6): signing as the outbound path does it (keys read per message vs the
# SigningKeys cache) and verification as the MX path does it (DNS answered from memory), one thread,
# rsa-sha256 2048-bit and ed25519-sha256. See DkimBench.java.
#
#   bench/delivery/dkim.sh          # needs: JDK 21+
# Env: MSGS=2000 LEN=5000 WORK=/tmp/jotmai-dkim-bench JAVA_HOME (default Temurin 25)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MSGS=${MSGS:-2000}; LEN=${LEN:-5000}; WORK=${WORK:-/tmp/jotmai-dkim-bench}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$WORK"
echo "== build jotmai-dkim (no tests)" >&2
(cd "$ROOT" && nice -n 10 mvn -B -q -pl jotmai-dkim -am package dependency:build-classpath -Dmaven.test.skip=true \
    -Dmdep.outputFile="$WORK/cp.txt")
rm -rf "$WORK/classes" "$WORK/keys"; cp -r "$ROOT/jotmai-dkim/target/classes" "$WORK/classes"
echo "== $(uptime)" >&2
"$JAVA_HOME/bin/java" -cp "$WORK/classes:$(cat "$WORK/cp.txt")" "$HERE/DkimBench.java" "$WORK/keys" "$MSGS" "$LEN"
