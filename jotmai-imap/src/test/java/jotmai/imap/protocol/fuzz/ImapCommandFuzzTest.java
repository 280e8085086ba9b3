package jotmai.imap.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.CommandParser;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ImapReader;
import jotmai.imap.protocol.RawCommand;
import jotmai.imap.protocol.ReaderLimits;
import jotmai.imap.protocol.SequenceSet;

/**
 * Coverage-guided fuzzing of the IMAP command reader (literals, limits) and parser (RFC 9051 §9 grammar,
 * sequence sets), issue 9. Seeds: ImapCommandFuzzTestInputs/; bench/fuzz.sh fuzzes.
 */
class ImapCommandFuzzTest {

    /** Commands read from one input; each consumes at least one line, so this only bounds a run. */
    private static final int MAX_COMMANDS = 1_000;
    /** Small APPENDLIMIT so that fuzzed literals exercise spooling and the limit without big buffers. */
    private static final long APPEND_LIMIT = 64 * 1024;

    private static final Path SPOOL = spoolDir();

    /**
     * Any octets from a client: the reader yields commands or the protocol's own errors (BAD/NO/BYE, or
     * EOF when the client goes away); each command parses or is refused with BAD; a command without
     * literals parses the same twice; every sequence set written out again parses to the same set.
     */
    @FuzzTest(maxDuration = "10m")
    void anyClientOctetsGiveCommandsOrTheProtocolsOwnErrors(byte[] wire) throws IOException {
        boolean authenticated = wire.length > 0 && (wire[0] & 1) == 1;
        ReaderLimits limits = authenticated ? ReaderLimits.authenticated(APPEND_LIMIT) : ReaderLimits.UNAUTHENTICATED;
        ImapReader reader = new ImapReader(new ByteArrayInputStream(wire), SPOOL);
        for (int i = 0; i < MAX_COMMANDS; i++) {
            RawCommand raw;
            try {
                raw = reader.readCommand(limits, (tag, size, synchronizing) -> {
                    assertThat(size).isBetween(0L, limits.maxLiteralSize());
                });
            } catch (ImapException.Bye bye) {
                return; // the session says BYE and closes
            } catch (ImapException.No | ImapException.Bad refused) {
                continue; // answered, the session goes on with the next command
            } catch (EOFException clientWentAway) {
                return;
            }
            if (raw == null) {
                return;
            }
            try (raw) {
                checkParse(raw);
            }
        }
    }

    /**
     * RFC 9051 §9 sequence-set: what parses has only non-zero numbers or "*", and its written form parses
     * to the same set.
     */
    @FuzzTest(maxDuration = "10m")
    void sequenceSetsReEncodeToTheSameSet(FuzzedDataProvider data) {
        String set = data.consumeRemainingAsString();
        Command command;
        try {
            command = parseLine("a UID FETCH " + set + " (UID)");
        } catch (ImapException.Bad refused) {
            return;
        }
        SequenceSet parsed = ((Command.Fetch) command).set();
        for (SequenceSet.Range range : parsed.ranges()) {
            assertThat(range.low()).isPositive();
        }
        assertThat(parsed.saved() || !parsed.ranges().isEmpty()).isTrue();
        Command again = parseLine("a UID FETCH " + parsed + " (UID)");
        assertThat(((Command.Fetch) again).set()).isEqualTo(parsed);
    }

    private static void checkParse(RawCommand raw) {
        CommandParser.Request request;
        try {
            request = CommandParser.parse(raw);
        } catch (ImapException e) {
            assertThat(e).as("parser errors are BAD").isInstanceOf(ImapException.Bad.class);
            return;
        }
        assertThat(request.tag()).isNotEmpty();
        boolean hasLiterals = raw.parts().stream().anyMatch(p -> p instanceof RawCommand.Part.Lit);
        if (!hasLiterals) {
            assertThat(CommandParser.parse(raw)).isEqualTo(request);
        }
        sequenceSetOf(request.command()).ifPresent(set -> {
            Command again = parseLine("a UID FETCH " + set + " (UID)");
            assertThat(((Command.Fetch) again).set()).isEqualTo(set);
        });
    }

    private static Optional<SequenceSet> sequenceSetOf(Command command) {
        return switch (command) {
            case Command.Fetch f -> Optional.of(f.set());
            case Command.Store s -> Optional.of(s.set());
            case Command.Copy c -> Optional.of(c.set());
            case Command.Expunge e -> e.uids();
            default -> Optional.empty();
        };
    }

    private static Command parseLine(String line) {
        RawCommand raw = new RawCommand("a", java.util.List.of(new RawCommand.Part.Text(line)));
        return CommandParser.parse(raw).command();
    }

    private static Path spoolDir() {
        try {
            Path dir = Files.createTempDirectory("jotmai-imap-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
