package jotmai.imap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/** GETMETADATA and SETMETADATA arguments (RFC 5464 §5 grammar). */
final class MetadataParser {
    /** Values larger than this are not read into memory (the session's own limit is smaller). */
    static final long MAX_PARSED_VALUE = 1024 * 1024;
    /** Entries named in one command. */
    static final int MAX_ENTRIES = 1000;

    private MetadataParser() {}

    /** "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries. */
    static Command get(Tokens t) {
        t.sp();
        OptionalLong maxSize = OptionalLong.empty();
        Command.MetadataDepth depth = Command.MetadataDepth.ZERO;
        if (t.skip('(')) {
            while (!t.skip(')')) {
                t.skip(' ');
                String option = t.atom().toUpperCase(Locale.ROOT);
                t.sp();
                switch (option) {
                    case "MAXSIZE" -> maxSize = OptionalLong.of(t.number());
                    case "DEPTH" -> {
                        String d = t.atom().toLowerCase(Locale.ROOT);
                        depth = switch (d) {
                            case "0" -> Command.MetadataDepth.ZERO;
                            case "1" -> Command.MetadataDepth.ONE;
                            case "infinity" -> Command.MetadataDepth.INFINITY;
                            default -> throw Tokens.error("DEPTH is 0, 1 or infinity");
                        };
                    }
                    default -> throw Tokens.error("unknown GETMETADATA option");
                }
            }
            t.sp();
        }
        String mailbox = t.astring();
        t.sp();
        List<String> entries = new ArrayList<>();
        if (t.skip('(')) {
            do {
                t.skip(' ');
                entries.add(t.astring());
                if (entries.size() > MAX_ENTRIES) {
                    throw new ImapException.Bad(ResponseCode.LIMIT, "too many entries");
                }
            } while (!t.skip(')'));
        } else {
            entries.add(t.astring());
        }
        return new Command.GetMetadata(mailbox, entries, maxSize, depth);
    }

    /** "SETMETADATA" SP mailbox SP "(" entry SP value *(SP entry SP value) ")"; value = nstring / literal8. */
    static Command set(Tokens t) {
        t.sp();
        String mailbox = t.astring();
        t.sp();
        t.expect('(');
        List<Command.MetadataValue> values = new ArrayList<>();
        do {
            t.skip(' ');
            String entry = t.astring();
            t.sp();
            values.add(value(t, entry));
            if (values.size() > MAX_ENTRIES) {
                throw new ImapException.Bad(ResponseCode.LIMIT, "too many entries");
            }
        } while (!t.skip(')'));
        return new Command.SetMetadata(mailbox, values);
    }

    private static Command.MetadataValue value(Tokens t, String entry) {
        if (t.peekWord("NIL")) {
            t.nstring();
            return new Command.MetadataValue(entry, null, 0);
        }
        if (t.atLiteral()) {
            Literal lit = t.literal();
            if (lit.size() > MAX_PARSED_VALUE) {
                return new Command.MetadataValue(entry, null, lit.size());
            }
            try (InputStream in = lit.open()) {
                byte[] bytes = in.readNBytes((int) lit.size());
                return new Command.MetadataValue(entry, bytes, bytes.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        byte[] bytes = t.quoted().getBytes(StandardCharsets.UTF_8);
        return new Command.MetadataValue(entry, bytes, bytes.length);
    }
}
