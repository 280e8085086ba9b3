package jotmai.store.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Optional;

import jotmai.message.BodyPart;
import jotmai.message.BodyText;
import jotmai.message.HeaderDecoder;
import jotmai.message.HeaderField;
import jotmai.message.ParsedMessage;

/**
 * The text a backend's SEARCH index stores for a message (see {@link jotmai.store.TextField}), and the
 * rule for which needles such an index may answer. Shared so that both backends index exactly what the
 * IMAP scan compares (RFC 9051 §6.4.4: case-insensitive substring on decoded text).
 *
 * <p>Exactness: the stored text is case-folded code point by code point ({@link BodyText#foldCase}),
 * fields and parts are joined with {@link #SEPARATOR}, and a needle is answered only if it is folded the
 * same way and contains no separator; then "the folded text contains the folded needle" is true exactly
 * when the scan would match one field or one part. U+0000 and unpaired surrogates (which databases
 * cannot store as text) are replaced by the separator, so needles containing them are scanned instead.
 */
public final class SearchableText {

    /** Trigram indexes (SQLite FTS5 trigram, pg_trgm) need needles of at least three code points. */
    public static final int MIN_NEEDLE_CODE_POINTS = 3;
    /** A message with more decoded text than this is not indexed: SEARCH scans it (bounds index rows). */
    public static final int MAX_INDEXED_CHARS = 2 * 1024 * 1024;
    /** Joins fields and parts; a noncharacter, so real needles practically never contain it. */
    public static final char SEPARATOR = '\uFFFF';
    private static final int BUFFER_CHARS = 8192;

    private SearchableText() {}

    /** The folded text of the message's header fields and of its body's text parts. */
    public record Text(String headers, String body) {}

    /** Opens the raw octets [offset, offset + length) of the stored message. */
    @FunctionalInterface
    public interface ContentOpener {
        InputStream open(long offset, long length) throws IOException;
    }

    /** The message's searchable text; empty when it exceeds {@link #MAX_INDEXED_CHARS}. */
    public static Optional<Text> extract(ParsedMessage message, ContentOpener content) throws IOException {
        StringBuilder headers = new StringBuilder();
        for (HeaderField h : message.headers()) {
            if (!headers.isEmpty()) {
                headers.append(SEPARATOR);
            }
            headers.append(h.name()).append(": ").append(HeaderDecoder.decode(h.value()));
            if (headers.length() > MAX_INDEXED_CHARS) {
                return Optional.empty();
            }
        }
        StringBuilder body = new StringBuilder();
        if (!appendBody(message.body(), content, body)) {
            return Optional.empty();
        }
        return Optional.of(new Text(clean(headers), clean(body)));
    }

    /** The folded needle when an index may answer it; empty when the caller must scan. */
    public static Optional<String> indexableNeedle(String needle) {
        String folded = BodyText.foldCase(needle);
        if (folded.codePointCount(0, folded.length()) < MIN_NEEDLE_CODE_POINTS) {
            return Optional.empty();
        }
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c == SEPARATOR || c == 0 || Character.isSurrogate(c) && !pairedAt(folded, i)) {
                return Optional.empty();
            }
        }
        return Optional.of(folded);
    }

    /** Mirrors the IMAP scan: text/* leaves with a known encoding, through multiparts and messages. */
    private static boolean appendBody(BodyPart part, ContentOpener content, StringBuilder out) throws IOException {
        if (part.isMultipart()) {
            for (BodyPart child : part.parts()) {
                if (!appendBody(child, content, out)) {
                    return false;
                }
            }
            return true;
        }
        if (isMessage(part) && part.message() != null) {
            return appendBody(part.message().body(), content, out);
        }
        if (!part.type().equalsIgnoreCase("text") || !BodyText.knowsEncoding(part)) {
            return true;
        }
        if (!out.isEmpty()) {
            out.append(SEPARATOR);
        }
        try (Reader reader = BodyText.reader(part, content.open(part.bodyOffset(), part.bodyLength()))) {
            char[] buffer = new char[BUFFER_CHARS];
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                out.append(buffer, 0, n);
                if (out.length() > MAX_INDEXED_CHARS) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isMessage(BodyPart part) {
        return part.type().equalsIgnoreCase("message")
                && (part.subtype().equalsIgnoreCase("rfc822") || part.subtype().equalsIgnoreCase("global"));
    }

    private static String clean(StringBuilder raw) {
        String folded = BodyText.foldCase(raw.toString());
        StringBuilder out = null;
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            boolean bad = c == 0 || Character.isSurrogate(c) && !pairedAt(folded, i);
            if (bad && out == null) {
                out = new StringBuilder(folded);
            }
            if (bad) {
                out.setCharAt(i, SEPARATOR);
            }
        }
        return out == null ? folded : out.toString();
    }

    /** Whether the surrogate at i is half of a valid pair. */
    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
