package jotmai.imap.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Parses FETCH's item list (RFC 9051 §6.4.5 fetch-att, RFC 3516 BINARY). */
final class FetchParser {
    private FetchParser() {}

    static List<FetchItem> items(Tokens t) {
        List<FetchItem> items = new ArrayList<>();
        if (t.skip('(')) {
            do {
                t.skip(' ');
                items.add(item(t));
                if (items.size() > 200) {
                    throw new ImapException.Bad(ResponseCode.LIMIT, "too many FETCH items");
                }
            } while (!t.skip(')'));
            return items;
        }
        String name = peekName(t);
        switch (name) {
            case "ALL" -> {
                t.chars(Character::isLetter, "ALL");
                return List.of(new FetchItem.Flags(), new FetchItem.InternalDate(), new FetchItem.Rfc822Size(),
                        new FetchItem.Envelope());
            }
            case "FAST" -> {
                t.chars(Character::isLetter, "FAST");
                return List.of(new FetchItem.Flags(), new FetchItem.InternalDate(), new FetchItem.Rfc822Size());
            }
            case "FULL" -> {
                t.chars(Character::isLetter, "FULL");
                return List.of(new FetchItem.Flags(), new FetchItem.InternalDate(), new FetchItem.Rfc822Size(),
                        new FetchItem.Envelope(), new FetchItem.Structure(false));
            }
            default -> {
                return List.of(item(t));
            }
        }
    }

    private static String peekName(Tokens t) {
        // look ahead without consuming: names are letters, digits and dots
        StringBuilder sb = new StringBuilder();
        return sb.toString().isEmpty() ? lookahead(t) : sb.toString();
    }

    private static String lookahead(Tokens t) {
        for (String macro : List.of("ALL", "FAST", "FULL")) {
            if (t.peekWord(macro)) {
                return macro;
            }
        }
        return "";
    }

    private static FetchItem item(Tokens t) {
        String name = t.chars(c -> Character.isLetterOrDigit(c) || c == '.', "a FETCH item").toUpperCase(Locale.ROOT);
        return switch (name) {
            case "FLAGS" -> new FetchItem.Flags();
            case "INTERNALDATE" -> new FetchItem.InternalDate();
            case "RFC822.SIZE" -> new FetchItem.Rfc822Size();
            case "ENVELOPE" -> new FetchItem.Envelope();
            case "BODYSTRUCTURE" -> new FetchItem.Structure(true);
            case "UID" -> new FetchItem.Uid();
            case "MODSEQ" -> new FetchItem.ModSeq();
            case "EMAILID" -> new FetchItem.EmailId();
            case "THREADID" -> new FetchItem.ThreadId();
            case "SAVEDATE" -> new FetchItem.SaveDate();
            case "RFC822" -> new FetchItem.Rfc822(FetchItem.Section.Text.NONE);
            case "RFC822.HEADER" -> new FetchItem.Rfc822(FetchItem.Section.Text.HEADER);
            case "RFC822.TEXT" -> new FetchItem.Rfc822(FetchItem.Section.Text.TEXT);
            case "BODY" -> t.peek() == '[' ? bodySection(t, false) : new FetchItem.Structure(false);
            case "BODY.PEEK" -> bodySection(t, true);
            case "BINARY" -> binary(t, false);
            case "BINARY.PEEK" -> binary(t, true);
            case "BINARY.SIZE" -> new FetchItem.BinarySize(partNumbers(t, true));
            default -> throw Tokens.error("unknown FETCH item");
        };
    }

    private static FetchItem bodySection(Tokens t, boolean peek) {
        t.expect('[');
        FetchItem.Section section = section(t);
        t.expect(']');
        return new FetchItem.BodySection(section, partial(t), peek);
    }

    private static FetchItem binary(Tokens t, boolean peek) {
        List<Integer> part = partNumbers(t, true);
        return new FetchItem.Binary(part, partial(t), peek);
    }

    /** "[" [section-part] "]" for BINARY. */
    private static List<Integer> partNumbers(Tokens t, boolean brackets) {
        t.expect('[');
        List<Integer> part = new ArrayList<>();
        while (t.peek() >= '0' && t.peek() <= '9') {
            part.add((int) Math.min(Integer.MAX_VALUE, t.nzNumber()));
            if (!t.skip('.')) {
                break;
            }
        }
        t.expect(']');
        return part;
    }

    private static FetchItem.Section section(Tokens t) {
        List<Integer> part = new ArrayList<>();
        while (t.peek() >= '0' && t.peek() <= '9') {
            part.add((int) Math.min(Integer.MAX_VALUE, t.nzNumber()));
            if (part.size() > 100) {
                throw new ImapException.Bad(ResponseCode.LIMIT, "section too deep");
            }
            if (!t.skip('.')) {
                return new FetchItem.Section(part, FetchItem.Section.Text.NONE, List.of());
            }
        }
        if (t.peek() == ']') {
            if (!part.isEmpty()) {
                throw Tokens.error("bad section");
            }
            return new FetchItem.Section(part, FetchItem.Section.Text.NONE, List.of());
        }
        String spec = t.chars(c -> Character.isLetter(c) || c == '.', "a section text").toUpperCase(Locale.ROOT);
        FetchItem.Section.Text text = switch (spec) {
            case "HEADER" -> FetchItem.Section.Text.HEADER;
            case "HEADER.FIELDS" -> FetchItem.Section.Text.HEADER_FIELDS;
            case "HEADER.FIELDS.NOT" -> FetchItem.Section.Text.HEADER_FIELDS_NOT;
            case "TEXT" -> FetchItem.Section.Text.TEXT;
            case "MIME" -> {
                if (part.isEmpty()) {
                    throw Tokens.error("MIME needs a part number");
                }
                yield FetchItem.Section.Text.MIME;
            }
            default -> throw Tokens.error("bad section text");
        };
        List<String> fields = new ArrayList<>();
        if (text == FetchItem.Section.Text.HEADER_FIELDS || text == FetchItem.Section.Text.HEADER_FIELDS_NOT) {
            t.sp();
            t.expect('(');
            do {
                t.skip(' ');
                fields.add(t.astring());
            } while (!t.skip(')'));
        }
        return new FetchItem.Section(part, text, fields);
    }

    private static FetchItem.Partial partial(Tokens t) {
        if (!t.skip('<')) {
            return null;
        }
        long offset = t.number();
        t.expect('.');
        long length = t.nzNumber();
        t.expect('>');
        return new FetchItem.Partial(offset, length);
    }
}
