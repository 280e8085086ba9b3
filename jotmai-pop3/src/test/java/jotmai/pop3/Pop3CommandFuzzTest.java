package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.OptionalInt;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the POP3 command reader and parser (issue 9). Same package as the
 * package-private classes. Seeds live in Pop3CommandFuzzTestInputs/; bench/fuzz.sh fuzzes.
 */
class Pop3CommandFuzzTest {

    /** Enough reads to consume any fuzz input; each read consumes at least one octet or ends. */
    private static final int MAX_READS = 100_000;

    /**
     * RFC 1939 §3: a line parses to a command that, written out again, parses to the same command, or
     * is refused with Pop3Exception.Err (-ERR) — never another exception.
     */
    @FuzzTest(maxDuration = "10m")
    void aParsedCommandLineReEncodesToTheSameCommand(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        Pop3Command command;
        try {
            command = CommandParser.parse(line);
        } catch (Pop3Exception.Err refused) {
            return;
        }
        String again = encode(command);
        assertThat(CommandParser.parse(again)).as("re-encoded as %s", again).isEqualTo(command);
    }

    /**
     * The line reader turns any octet stream into lines of at most MAX_LINE_OCTETS, reports longer ones
     * as TooLong/Flood, and reaches Eof — in a bounded number of reads, never throwing.
     */
    @FuzzTest(maxDuration = "10m")
    void anyOctetStreamBecomesBoundedLinesThenEof(byte[] wire) throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(wire));
        for (int i = 0; i < MAX_READS; i++) {
            LineReader.Result result = reader.read();
            switch (result) {
                case LineReader.Result.Line line -> {
                    assertThat(line.text().length()).isLessThanOrEqualTo(LineReader.MAX_LINE_OCTETS);
                    try {
                        CommandParser.parse(line.text());
                    } catch (Pop3Exception.Err refused) {
                        // the protocol's own answer
                    }
                }
                case LineReader.Result.TooLong tooLong -> { }
                case LineReader.Result.Flood flood -> {
                    return; // the session disconnects here
                }
                case LineReader.Result.Eof eof -> {
                    return;
                }
            }
        }
        throw new AssertionError("no Eof after " + MAX_READS + " reads of " + wire.length + " octets");
    }

    /** The command as a client writes it (RFC 1939 §5-7, RFC 2449, RFC 5034). */
    static String encode(Pop3Command command) {
        return switch (command) {
            case Pop3Command.User u -> "USER " + u.name();
            case Pop3Command.Pass p -> "PASS " + p.password();
            case Pop3Command.Apop a -> "APOP " + a.name() + " " + a.digest();
            case Pop3Command.Auth a -> "AUTH" + a.mechanism().map(m -> " " + m).orElse("")
                    + a.initialResponse().map(ir -> " " + ir).orElse("");
            case Pop3Command.Stls s -> "STLS";
            case Pop3Command.Capa c -> "CAPA";
            case Pop3Command.Quit q -> "QUIT";
            case Pop3Command.Stat s -> "STAT";
            case Pop3Command.Noop n -> "NOOP";
            case Pop3Command.Rset r -> "RSET";
            case Pop3Command.List l -> "LIST" + optional(l.message());
            case Pop3Command.Uidl u -> "UIDL" + optional(u.message());
            case Pop3Command.Retr r -> "RETR " + r.message();
            case Pop3Command.Dele d -> "DELE " + d.message();
            case Pop3Command.Top t -> "TOP " + t.message() + " " + t.lines();
        };
    }

    private static String optional(OptionalInt message) {
        return message.isPresent() ? " " + message.getAsInt() : "";
    }
}
