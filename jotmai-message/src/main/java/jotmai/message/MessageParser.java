package jotmai.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a raw message once, streaming, into a {@link ParsedMessage}: envelope, MIME structure with
 * exact absolute byte offsets for every part (nested multiparts and message/rfc822 included), and the
 * top-level header fields.
 *
 * <p>Implementation notes:
 * <ul>
 * <li>Memory is bounded whatever the message: the body is never buffered, only the current line's
 *     first {@link LineReader#MAX_KEPT_LINE_BYTES} octets and header blocks up to
 *     {@link #MAX_HEADER_BYTES}. A 25 MB attachment costs the same memory as a 25-byte one.</li>
 * <li>Broken MIME never throws: missing boundaries, missing close delimiters, headers without a
 *     blank line, garbage lines, LF-only line ends all give a best-effort structure. Only I/O errors
 *     of the input stream propagate.</li>
 * <li>Boundaries of all enclosing multiparts are watched at every level, so a part whose close
 *     delimiter is missing ends at the next delimiter of any ancestor (RFC 2046 §5.1.2 asks for
 *     exactly this robustness).</li>
 * <li>The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1), so a part's
 *     body ends before it.</li>
 * </ul>
 */
public final class MessageParser {
    /** Deepest nesting of multiparts and message/rfc822 that is parsed; deeper ones are leaves. */
    static final int MAX_DEPTH = 64;
    /** Parts recorded per message; further delimiters are skipped like preamble text. */
    static final int MAX_PARTS = 5_000;
    /** Header octets kept per header block; further fields are read past but not kept. */
    static final int MAX_HEADER_BYTES = 512 * 1024;
    /**
     * Header octets kept over the whole message (top level, embedded messages, part headers); once
     * spent, each further block keeps only {@link #MIN_HEADER_BYTES}, enough for its Content-* fields.
     * With {@link #MAX_PARTS} this bounds the parsed structure to a few tens of MB for any input.
     */
    static final int MAX_TOTAL_HEADER_BYTES = 8 * 1024 * 1024;
    static final int MIN_HEADER_BYTES = 2 * 1024;
    /** Header fields kept per header block. */
    static final int MAX_HEADER_FIELDS = 4_000;

    private final LineReader reader;
    /** Delimiter markers ("--" + boundary) of the enclosing multiparts, innermost last. */
    private final List<byte[]> boundaries = new ArrayList<>();
    private int partCount;
    private long keptHeaderBytes;

    private MessageParser(InputStream raw) {
        this.reader = new LineReader(raw);
    }

    /**
     * Reads the whole stream and returns its structure. Does not close the stream.
     *
     * @throws IOException only when reading the stream fails
     */
    public static ParsedMessage parse(InputStream raw) throws IOException {
        MessageParser parser = new MessageParser(raw);
        parser.reader.next();
        HeaderBlock header = parser.readHeader();
        BodyPart body = parser.parseBody(0, header, false, 0);
        while (parser.reader.next()) {
            // nothing should be left with no boundary open, but never report a wrong size
        }
        return new ParsedMessage(parser.reader.position(), Envelopes.of(header), body, header.fields());
    }

    // ---- header -------------------------------------------------------------------------------

    /**
     * Reads a header block starting at the current line. Ends at a blank line (consumed), at a line
     * that cannot be a header field (not consumed: it is the first body line, as when the separator
     * line is missing), at a delimiter of an enclosing multipart, or at the end of input.
     */
    private HeaderBlock readHeader() throws IOException {
        List<HeaderField> fields = new ArrayList<>();
        String name = null;
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        long keptBytes = 0;
        long cap = Math.min(MAX_HEADER_BYTES, Math.max(MIN_HEADER_BYTES, MAX_TOTAL_HEADER_BYTES - keptHeaderBytes));
        int previousTerminator = 0;
        while (!reader.atEnd()) {
            if (reader.isBlank()) {
                finishField(fields, name, value);
                keptHeaderBytes += keptBytes;
                reader.next();
                return new HeaderBlock(List.copyOf(fields), reader.start(), reader.lineFeedsBefore());
            }
            if (matchBoundary() >= 0) {
                break;
            }
            byte[] line = reader.content();
            int kept = reader.keptLength();
            boolean continuation = line[0] == ' ' || line[0] == '\t';
            if (continuation) {
                if (name != null && keptBytes + kept + 2 <= cap) {
                    value.write(previousTerminator == 2 ? CRLF : LF, 0, previousTerminator);
                    value.write(line, 0, kept);
                    keptBytes += kept + 2;
                }
                // RFC 5322 §2.2.3: a folded line continues the field; one with no field before it is
                // junk and is skipped.
            } else {
                int colon = fieldNameEnd(line, kept);
                if (colon == NO_COLON) {
                    break; // not a header line: the body starts here (separator line missing)
                }
                finishField(fields, name, value);
                name = null;
                // A malformed field ("X Mailer: 1", an mbox "From " line, 8-bit name) is skipped,
                // as mime4j does by default; its continuation lines go with it.
                if (colon >= 0 && fields.size() < MAX_HEADER_FIELDS && keptBytes + kept <= cap) {
                    name = LineReader.ascii(line, 0, colon).strip();
                    value.write(line, colon + 1, kept - colon - 1);
                    keptBytes += kept;
                }
            }
            previousTerminator = reader.terminatorLength();
            reader.next();
        }
        finishField(fields, name, value);
        keptHeaderBytes += keptBytes;
        return new HeaderBlock(List.copyOf(fields), reader.start(), reader.lineFeedsBefore());
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LF = {'\n'};

    private static void finishField(List<HeaderField> fields, String name, ByteArrayOutputStream value) {
        if (name != null) {
            byte[] bytes = value.toByteArray();
            fields.add(new HeaderField(name, Text.decodeHeaderBytes(bytes, 0, bytes.length)));
        }
        value.reset();
    }

    private static final int NO_COLON = -1;
    private static final int MALFORMED_NAME = -2;

    /**
     * Index of the colon ending a field name (RFC 5322 §3.6.8: printable US-ASCII except colon;
     * whitespace before the colon tolerated as in obsolete syntax); {@link #NO_COLON} when the line has
     * no colon at all (so cannot be a field), {@link #MALFORMED_NAME} when it has one but the name is
     * not valid.
     */
    private static int fieldNameEnd(byte[] line, int kept) {
        boolean sawName = false;
        boolean sawSpace = false;
        for (int i = 0; i < kept; i++) {
            byte b = line[i];
            if (b == ':') {
                return sawName ? i : MALFORMED_NAME;
            }
            if (b == ' ' || b == '\t') {
                sawSpace = true;
            } else if (b <= 32 || b >= 127 || sawSpace) {
                return hasColon(line, i, kept) ? MALFORMED_NAME : NO_COLON;
            } else {
                sawName = true;
            }
        }
        return NO_COLON;
    }

    private static boolean hasColon(byte[] line, int from, int kept) {
        for (int i = from; i < kept; i++) {
            if (line[i] == ':') {
                return true;
            }
        }
        return false;
    }

    // ---- body ---------------------------------------------------------------------------------

    /**
     * Parses the body that follows {@code header} (the current line is its first line) and returns the
     * part. On return the current line is the delimiter that ended it, or the end of input.
     */
    private BodyPart parseBody(long headerOffset, HeaderBlock header, boolean inDigest, int depth)
            throws IOException {
        partCount++;
        ContentInfo content = ContentInfo.of(header, inDigest);
        List<BodyPart> children = List.of();
        BodyPart.EmbeddedMessage embedded = null;
        String boundary = content.param("boundary");
        if (boundary != null) {
            boundary = boundary.stripTrailing(); // RFC 2046 §5.1.1: a boundary cannot end in space
        }
        if (content.is("multipart")) {
            if (boundary != null && !boundary.isEmpty() && depth < MAX_DEPTH) {
                children = parseMultipart(boundary, content.subtype().equalsIgnoreCase("digest"), depth);
            } else {
                skipLeaf();
            }
            if (children.isEmpty()) {
                // RFC 9051 §7.5.2 needs at least one part in a multipart; show it as text instead.
                content = content.asTextPlain();
            }
        } else if ((content.is("message", "rfc822") || content.is("message", "global"))
                && content.hasIdentityEncoding() && depth < MAX_DEPTH) {
            long embeddedHeaderOffset = reader.start();
            HeaderBlock embeddedHeader = readHeader();
            BodyPart embeddedBody = parseBody(embeddedHeaderOffset, embeddedHeader, false, depth + 1);
            embedded = new BodyPart.EmbeddedMessage(Envelopes.of(embeddedHeader), embeddedBody,
                    embeddedHeader.fields());
        } else {
            skipLeaf();
        }
        long bodyOffset = header.bodyOffset();
        long end = Math.max(bodyOffset, reader.partEnd());
        long lines = 0;
        if (content.is("text") || embedded != null || content.is("message", "rfc822")) {
            // Lines are the line feeds in the body; an unterminated last line does not count, as
            // in Dovecot (imaptest's expectations): "hello" before a delimiter is 5 octets, 0 lines.
            lines = Math.max(0, reader.lineFeedsBeforePartEnd() - header.lineFeedsBeforeBody());
        }
        if (!children.isEmpty() && children.getLast().bodyOffset() + children.getLast().bodyLength() > end) {
            children = children.stream().map(child -> clampTo(child, end)).toList();
        }
        if (embedded != null && embedded.body().bodyOffset() + embedded.body().bodyLength() > end) {
            embedded = new BodyPart.EmbeddedMessage(embedded.envelope(), clampTo(embedded.body(), end),
                    embedded.headers());
        }
        return new BodyPart(content.type(), content.subtype(), content.params(), content.contentId(),
                content.description(), content.encoding(), headerOffset, bodyOffset, end - bodyOffset, lines,
                content.md5(), content.disposition(), content.language(), content.location(), children,
                embedded);
    }

    /**
     * A part cut back to end at {@code end}. Needed in one corner: an empty last part directly before
     * an ancestor's delimiter ("--inner CRLF --outer") starts after the line break that the outer
     * delimiter owns, i.e. just past the end of its parent.
     */
    private static BodyPart clampTo(BodyPart part, long end) {
        long partEnd = part.bodyOffset() + part.bodyLength();
        if (partEnd <= end) {
            return part;
        }
        long headerOffset = Math.min(part.headerOffset(), end);
        long bodyOffset = Math.min(part.bodyOffset(), end);
        long bodyLength = Math.min(partEnd, end) - bodyOffset;
        List<BodyPart> children = part.parts().stream().map(child -> clampTo(child, end)).toList();
        BodyPart.EmbeddedMessage message = part.message() == null ? null : new BodyPart.EmbeddedMessage(
                part.message().envelope(), clampTo(part.message().body(), end), part.message().headers());
        return new BodyPart(part.type(), part.subtype(), part.params(), part.contentId(), part.description(),
                part.encoding(), headerOffset, bodyOffset, bodyLength, bodyLength == 0 ? 0 : part.bodyLines(),
                part.md5(), part.disposition(), part.language(), part.location(), children, message);
    }

    /** Skips body lines up to a delimiter of an enclosing multipart or the end of input. */
    private void skipLeaf() throws IOException {
        while (!reader.atEnd() && matchBoundary() < 0) {
            reader.next();
        }
    }

    /**
     * RFC 2046 §5.1.1: preamble, then parts each introduced by a delimiter line, then the close
     * delimiter and the epilogue. Returns the parts; the current line is then an ancestor's delimiter
     * or the end of input.
     */
    private List<BodyPart> parseMultipart(String boundary, boolean digest, int depth) throws IOException {
        byte[] marker = ("--" + boundary).getBytes(StandardCharsets.UTF_8);
        boundaries.add(marker);
        int own = boundaries.size() - 1;
        List<BodyPart> parts = new ArrayList<>();
        try {
            while (!reader.atEnd()) {
                int match = matchBoundary();
                if (match < 0) {
                    reader.next(); // preamble, or text after the parts limit
                    continue;
                }
                if (match >> 1 != own) {
                    return List.copyOf(parts); // an ancestor's delimiter: our close delimiter is missing
                }
                if ((match & 1) == 1) {
                    boundaries.remove(own);
                    reader.next();
                    skipLeaf(); // epilogue
                    return List.copyOf(parts);
                }
                reader.next();
                if (partCount >= MAX_PARTS) {
                    continue;
                }
                long childHeaderOffset = reader.start();
                HeaderBlock childHeader = readHeader();
                parts.add(parseBody(childHeaderOffset, childHeader, digest, depth + 1));
            }
            return List.copyOf(parts);
        } finally {
            if (boundaries.size() > own) {
                boundaries.remove(own);
            }
        }
    }

    /**
     * Whether the current line is a delimiter of an enclosing multipart, innermost first. Returns -1,
     * or {@code index * 2 + (close ? 1 : 0)}. Transport padding (trailing whitespace) is allowed after
     * the boundary (RFC 2046 §5.1.1).
     */
    private int matchBoundary() {
        if (boundaries.isEmpty() || reader.atEnd() || reader.length() != reader.keptLength()) {
            return -1;
        }
        byte[] line = reader.content();
        int length = reader.keptLength();
        if (length < 2 || line[0] != '-' || line[1] != '-') {
            return -1;
        }
        for (int index = boundaries.size() - 1; index >= 0; index--) {
            byte[] marker = boundaries.get(index);
            if (length < marker.length || !startsWith(line, marker)) {
                continue;
            }
            int i = marker.length;
            boolean close = false;
            if (i + 1 < length && line[i] == '-' && line[i + 1] == '-') {
                close = true;
                i += 2;
            }
            while (i < length && (line[i] == ' ' || line[i] == '\t')) {
                i++;
            }
            if (i == length) {
                return index * 2 + (close ? 1 : 0);
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] line, byte[] marker) {
        for (int i = 0; i < marker.length; i++) {
            if (line[i] != marker[i]) {
                return false;
            }
        }
        return true;
    }
}
