package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of what an SMTP client controls: command lines, DATA with dot-stuffing and
 * BDAT chunks (issue 9). Same package as the package-private parser and reader. Seeds live in
 * SmtpCommandFuzzTestInputs/; bench/fuzz.sh fuzzes.
 */
class SmtpCommandFuzzTest {

    /** Bigger than any seed or fuzz input, so the size limit never hides a dot-unstuffing error. */
    private static final long NO_SIZE_LIMIT = Long.MAX_VALUE;

    /**
     * RFC 5321 §4.1: a line either parses to a command that, written out again, parses to the same
     * command, or is refused with an SmtpReply (500/501 family) — never another exception.
     */
    @FuzzTest(maxDuration = "10m")
    void aParsedCommandLineReEncodesToTheSameCommand(FuzzedDataProvider data) {
        String line = data.consumeRemainingAsString();
        Command command;
        try {
            command = CommandParser.parse(line);
        } catch (SmtpReply refused) {
            assertThat(refused.code()).isBetween(500, 599);
            return;
        }
        String again = encode(command);
        assertThat(CommandParser.parse(again)).as("re-encoded as %s", again).isEqualTo(command);
    }

    /**
     * RFC 5321 §4.5.2: dot-stuffing text made of CRLF lines and reading it back with the DATA reader gives
     * the original octets, with no defect reported.
     */
    @FuzzTest(maxDuration = "10m")
    void dotUnstuffingOfDotStuffedTextGivesTheOriginal(FuzzedDataProvider data) throws IOException {
        String[] lines = data.consumeRemainingAsString().split("[\r\n]", -1);
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < lines.length && i < 10_000; i++) {
            byte[] text = lines[i].getBytes(StandardCharsets.UTF_8);
            if (text.length > SmtpReader.MAX_TEXT_LINE - 3) {
                continue; // RFC 5321 §4.5.3.1.6: 1000 octets per line incl. CRLF (and a stuffed dot)
            }
            original.write(text);
            original.write('\r');
            original.write('\n');
            if (text.length > 0 && text[0] == '.') {
                wire.write('.');
            }
            wire.write(text);
            wire.write('\r');
            wire.write('\n');
        }
        wire.write(".\r\nNEXT\r\n".getBytes(StandardCharsets.US_ASCII));

        SmtpReader reader = new SmtpReader(new ByteArrayInputStream(wire.toByteArray()), () -> { });
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SmtpReader.DataResult result = reader.readData(sink, NO_SIZE_LIMIT);

        assertThat(result.acceptable()).isTrue();
        assertThat(sink.toByteArray()).isEqualTo(original.toByteArray());
        assertThat(result.size()).isEqualTo(original.size());
        // the reader stays in step: what follows the end-of-data line is the next command
        assertThat(new String(reader.readLine(100).bytes(), StandardCharsets.US_ASCII)).isEqualTo("NEXT");
    }

    /**
     * Arbitrary octets after DATA, then BDAT chunks: the reader never writes more than it read, never
     * past the size limit, reads BDAT chunks exactly, and fails only with EOF when the client stops.
     */
    @FuzzTest(maxDuration = "10m")
    void hostileDataAndChunksStayInStepAndBounded(FuzzedDataProvider data) throws IOException {
        long maxSize = data.consumeLong(0, 4096);
        int chunk = data.consumeInt(0, 2048);
        byte[] body = data.consumeRemainingAsBytes();
        SmtpReader reader = new SmtpReader(new ByteArrayInputStream(body), () -> { });
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try {
            SmtpReader.DataResult result = reader.readData(sink, maxSize);
            assertThat((long) sink.size()).isLessThanOrEqualTo(Math.min(result.size(), maxSize));
            assertThat(result.size()).isLessThanOrEqualTo(body.length);
            ByteArrayOutputStream chunkSink = new ByteArrayOutputStream();
            long written = reader.readChunk(chunk, chunkSink, maxSize);
            assertThat(written).isEqualTo(Math.min(chunk, maxSize)).isEqualTo(chunkSink.size());
            SmtpReader.Line line = reader.readLine(CommandParser.MAX_COMMAND_LINE - 2);
            assertThat(line.bytes().length).isLessThanOrEqualTo(CommandParser.MAX_COMMAND_LINE - 1);
        } catch (EOFException clientWentAway) {
            // the only way a finite stream without an end-of-data line ends
        }
    }

    /** The command as a client would write it (RFC 5321 §4.1.1, RFC 3030 §2, RFC 4954 §4). */
    static String encode(Command command) {
        return switch (command) {
            case Command.Hello h -> h.kind().name() + " " + h.domain();
            case Command.Mail m -> "MAIL FROM:<" + m.from().map(MailAddress::wire).orElse("") + ">" + params(m.params());
            case Command.Rcpt r -> "RCPT TO:<" + (r.postmaster() ? "Postmaster" : r.to().orElseThrow().wire()) + ">"
                    + params(r.params());
            case Command.Data d -> "DATA";
            case Command.Bdat b -> "BDAT " + b.size() + (b.last() ? " LAST" : "");
            case Command.Rset r -> "RSET";
            case Command.Noop n -> "NOOP";
            case Command.Quit q -> "QUIT";
            case Command.Help h -> "HELP";
            case Command.Vrfy v -> "VRFY";
            case Command.Expn e -> "EXPN";
            case Command.StartTls s -> "STARTTLS";
            case Command.Auth a -> "AUTH " + a.mechanism() + a.initialResponse().map(ir -> " " + ir).orElse("");
        };
    }

    private static String params(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> sb.append(' ').append(k).append(v.isEmpty() ? "" : "=" + v));
        return sb.toString();
    }
}
