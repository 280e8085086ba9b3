#!/usr/bin/env bash
# Store benchmark (issue 2): durable 4 KB appends with 1/16 threads into 1/100 mailboxes, header and
# byte-range fetch of a 10 MB message. Prints a Markdown table for docs/BENCHMARKS.md ("Store").
# Usage: bench/store/run.sh [work-dir (default /tmp)] [appends (default 6000)] [cases, e.g. 16x100,fetch]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ -z "${JAVA_HOME:-}" ]]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [[ -x "$j/bin/java" ]] && "$j/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
      export JAVA_HOME="$j"; break
    fi
  done
fi
: "${JAVA_HOME:?no JDK >= 21 found: install one (e.g. temurin-21-jdk) or set JAVA_HOME}"
target=jotmai-store-sqlite/target
mvn -B -q -pl jotmai-store-sqlite -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$target/bench.classpath" >"$target/bench-build.log" 2>&1 \
  || { tail -40 "$target/bench-build.log"; echo "build failed (log: $target/bench-build.log)" >&2; exit 1; }
# Reactor modules are not installed in ~/.m2, so the classpath names their target/classes. Snapshot
# those directories: other builds in the same working tree may rewrite them while the benchmark runs.
snap="$target/bench-snapshot"
rm -rf "$snap"; mkdir -p "$snap"
cp=""
i=0
for entry in "$PWD/$target/test-classes" "$PWD/$target/classes" $(tr ':' ' ' < "$target/bench.classpath"); do
  if [[ -d "$entry" ]]; then
    i=$((i + 1)); cp -r "$entry" "$snap/$i"; entry="$snap/$i"
  fi
  cp="$cp${cp:+:}$entry"
done
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$cp" \
  jotmai.store.sqlite.bench.StoreBenchmark "${1:-/tmp}" "${2:-6000}" ${3:+"$3"}
