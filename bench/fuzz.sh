#!/usr/bin/env bash
# Runs every Jazzer fuzz target of Jotmai in fuzzing mode, one after another (issue 9).
#
#   bench/fuzz.sh 10m            # each target for 10 minutes (s, m, h suffixes; plain number = seconds)
#   bench/fuzz.sh 2m Sasl        # only targets whose class or method name contains "Sasl"
#
# Without JAZZER_FUZZ the same @FuzzTest methods only replay their committed seeds and crashers as part
# of `mvn verify`. Here JAZZER_FUZZ=1 makes Jazzer mutate inputs with coverage feedback. A finding is
# written by Jazzer into the target's <Class>Inputs/<method>/ resource directory (crash-<sha1>), so it
# is replayed by every later ordinary test run; commit it. The generated corpus goes to
# <module>/.cifuzz-corpus/ (not committed). Per target we print executions and the result; the full
# libFuzzer log is kept in $FUZZ_LOG_DIR (default target/fuzz-logs).
set -u -o pipefail

cd "$(dirname "$0")/.."
. bin/find-jdk.sh
jotmai_find_jdk || exit 1
export JAVA_HOME=$JOTMAI_JAVA_HOME

duration=${1:-10m}
filter=${2:-}
case $duration in
    *h) seconds=$(( ${duration%h} * 3600 )) ;;
    *m) seconds=$(( ${duration%m} * 60 )) ;;
    *s) seconds=${duration%s} ;;
    *[!0-9]*|'') echo "usage: $0 DURATION [NAME-FILTER]  (e.g. 10m)" >&2; exit 2 ;;
    *) seconds=$duration ;;
esac

# module  test class  method
TARGETS="
jotmai-imap    jotmai.imap.protocol.fuzz.ImapCommandFuzzTest  anyClientOctetsGiveCommandsOrTheProtocolsOwnErrors
jotmai-imap    jotmai.imap.protocol.fuzz.ImapCommandFuzzTest  sequenceSetsReEncodeToTheSameSet
jotmai-smtp    jotmai.smtp.SmtpCommandFuzzTest  aParsedCommandLineReEncodesToTheSameCommand
jotmai-smtp    jotmai.smtp.SmtpCommandFuzzTest  dotUnstuffingOfDotStuffedTextGivesTheOriginal
jotmai-smtp    jotmai.smtp.SmtpCommandFuzzTest  hostileDataAndChunksStayInStepAndBounded
jotmai-pop3    jotmai.pop3.Pop3CommandFuzzTest  aParsedCommandLineReEncodesToTheSameCommand
jotmai-pop3    jotmai.pop3.Pop3CommandFuzzTest  anyOctetStreamBecomesBoundedLinesThenEof
jotmai-shared  jotmai.shared.auth.fuzz.SaslFuzzTest  plainResponsesDecodeToTriplesThatReEncodeOrAreRefusedWithSaslException
jotmai-shared  jotmai.shared.auth.fuzz.SaslFuzzTest  loginResponsesDecodeToTextThatReEncodesOrAreRefusedWithSaslException
jotmai-shared  jotmai.shared.auth.fuzz.SaslFuzzTest  wellFormedPlainResponsesDecodeToTheFieldsTheClientSent
jotmai-message jotmai.message.fuzz.MessageStructureFuzzTest  anyMessageParsesIntoNestedOffsetsThatRoundTripThroughTheStoredForm
jotmai-message jotmai.message.fuzz.MessageStructureFuzzTest  aCorruptStoredStructureIsRefusedOnlyWithIllegalArgument
jotmai-message jotmai.message.fuzz.MessageStructureFuzzTest  anyHeaderValueDecodesWithoutThrowing
jotmai-server  jotmai.server.config.fuzz.ConfigFuzzTest  anyConfigFileLoadsOrIsRefusedWithConfigException
jotmai-server  jotmai.server.config.fuzz.ConfigFuzzTest  anySetOverrideLoadsOrIsRefusedWithConfigException
"

log_dir=${FUZZ_LOG_DIR:-target/fuzz-logs}
mkdir -p "$log_dir"
failed=0
while read -r module class method; do
    [ -n "$module" ] || continue
    case "$class#$method" in *"$filter"*) ;; *) continue ;; esac
    simple=${class##*.}
    log="$log_dir/$simple.$method.log"
    echo "== $simple#$method ($module, ${seconds}s)"
    # The @FuzzTest maxDuration is a compile-time constant; a libFuzzer argument given through Jazzer's
    # jazzer.internal.arg.N parameters comes after it and wins (libFuzzer keeps the last -max_total_time).
    JAZZER_FUZZ=1 mvn -B -o -pl "$module" -am test \
        -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
        -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
        > "$log.mvn" 2>&1
    status=$?
    # Jazzer's own lines go to the -output.txt file, libFuzzer's native stderr ends up in the XML report
    reports="$module/target/surefire-reports"
    cat "$reports/$class-output.txt" "$reports/TEST-$class.xml" > "$log" 2>/dev/null
    runs=$(cat "$log" "$log.mvn" 2>/dev/null | grep -ao 'Done [0-9]* runs in [0-9]* second(s)' | tail -n 1)
    cov=$(cat "$log" "$log.mvn" 2>/dev/null | grep -aoE 'DONE +cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' | tail -n 1)
    [ -n "$runs" ] && runs="$runs; ${cov#DONE }"
    if [ $status -eq 0 ]; then
        echo "   ok: ${runs:-no libFuzzer stats found} (log: $log)"
    else
        failed=1
        echo "   FINDING or failure (exit $status): ${runs:-} (logs: $log, $log.mvn)"
        grep -a -m 3 -E 'crash-|== Java Exception|FuzzTestFindingException|AssertionError|ERROR\]' "$log" "$log.mvn" 2>/dev/null | head -n 6
    fi
done <<< "$TARGETS"
exit $failed
