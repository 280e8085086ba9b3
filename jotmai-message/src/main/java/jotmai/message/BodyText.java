package jotmai.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decoded content of a MIME part, streamed from its raw body (the octets [bodyOffset, bodyOffset +
 * bodyLength) of the stored message):
 * <ul>
 * <li>{@link #decodePart}: the content octets with the transfer encoding undone, for IMAP BINARY[]
 *     and BINARY.SIZE (RFC 3516 §4);</li>
 * <li>{@link #reader} / {@link #text}: the text, charset applied, for display and SEARCH;</li>
 * <li>{@link #containsIgnoreCase}: SEARCH BODY/TEXT matching (RFC 9051 §6.4.4: case-insensitive
 *     substring), streaming with a bounded buffer whatever the part size.</li>
 * </ul>
 * Broken content (bad base64, stray "=", malformed charset octets) never throws; only the I/O errors of
 * the given stream propagate.
 */
public final class BodyText {
    private static final int BUFFER_CHARS = 8192;

    private BodyText() {}

    /** Thrown by {@link #decodePart} for a transfer encoding it cannot undo (RFC 3516 [UNKNOWN-CTE]). */
    public static final class UnknownEncodingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnknownEncodingException(String encoding) {
            super("unknown content-transfer-encoding: " + encoding);
        }
    }

    /** Whether {@link #decodePart} can decode this part's Content-Transfer-Encoding. */
    public static boolean knowsEncoding(BodyPart part) {
        return switch (normalizedEncoding(part)) {
            case "7bit", "8bit", "binary", "base64", "quoted-printable" -> true;
            default -> false;
        };
    }

    /**
     * The decoded content octets of a part (RFC 3516 BINARY[]): base64 and quoted-printable undone,
     * identity encodings passed through. Streams; closing the result closes {@code rawBody}.
     *
     * @throws UnknownEncodingException for other encodings (x-uuencode, garbage), which the IMAP layer
     *     answers with {@code NO [UNKNOWN-CTE]}
     */
    public static InputStream decodePart(BodyPart part, InputStream rawBody) {
        return switch (normalizedEncoding(part)) {
            case "7bit", "8bit", "binary" -> rawBody;
            case "base64" -> new Base64Decoding.DecodingStream(rawBody);
            case "quoted-printable" -> new QuotedPrintableDecoding(rawBody);
            default -> throw new UnknownEncodingException(part.encoding());
        };
    }

    /** Counts the octets {@link #decodePart} yields (RFC 3516 BINARY.SIZE), reading the stream once. */
    public static long decodedSize(BodyPart part, InputStream rawBody) throws IOException {
        try (InputStream in = decodePart(part, rawBody)) {
            long total = 0;
            byte[] buffer = new byte[BUFFER_CHARS];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
            return total;
        }
    }

    /**
     * The charset used to read a part's text: its charset parameter with mail's usual substitutions
     * (ISO-8859-1 read as its superset windows-1252, TIS-620/ISO-8859-11 as windows-874, US-ASCII as
     * UTF-8 because 8-bit octets in "ASCII" mail are nearly always UTF-8); UTF-8 when absent or unknown.
     */
    public static Charset charset(BodyPart part) {
        String label = null;
        for (BodyPart.Param param : part.params()) {
            if (param.name().equalsIgnoreCase("charset")) {
                label = param.value();
                break;
            }
        }
        return charsetForLabel(label);
    }

    static Charset charsetForLabel(String label) {
        if (label == null) {
            return StandardCharsets.UTF_8;
        }
        String name = label.strip().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968" -> StandardCharsets.UTF_8;
            case "iso-8859-1", "iso8859-1", "latin1", "iso_8859-1", "l1" ->
                    Text.charset("windows-1252").orElse(StandardCharsets.ISO_8859_1);
            // Labels that real mail uses for the bigger Microsoft/GB supersets (as browsers do).
            case "gb2312", "gb_2312-80", "x-gbk" -> Text.charset("GB18030").orElse(StandardCharsets.UTF_8);
            case "ks_c_5601-1987", "euc-kr", "ks_c_5601" ->
                    Text.charset("x-windows-949").or(() -> Text.charset("EUC-KR")).orElse(StandardCharsets.UTF_8);
            case "shift_jis", "shift-jis", "sjis", "x-sjis" ->
                    Text.charset("windows-31j").or(() -> Text.charset("Shift_JIS")).orElse(StandardCharsets.UTF_8);
            default -> Text.charset(name).orElse(StandardCharsets.UTF_8);
        };
    }

    /**
     * The text of a part: transfer encoding undone (an unknown one is read as is), then the charset
     * applied with malformed octets replaced by U+FFFD. Streams; closing it closes {@code rawBody}.
     */
    public static Reader reader(BodyPart part, InputStream rawBody) {
        InputStream content = knowsEncoding(part) ? decodePart(part, rawBody) : rawBody;
        CharsetDecoder decoder = charset(part).newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        return new InputStreamReader(content, decoder);
    }

    /** At most {@code maxChars} chars of the part's text (see {@link #reader}). */
    public static String text(BodyPart part, InputStream rawBody, int maxChars) throws IOException {
        StringBuilder out = new StringBuilder(Math.min(maxChars, BUFFER_CHARS));
        try (Reader reader = reader(part, rawBody)) {
            char[] buffer = new char[BUFFER_CHARS];
            for (int n; out.length() < maxChars && (n = reader.read(buffer, 0,
                    Math.min(buffer.length, maxChars - out.length()))) >= 0; ) {
                out.append(buffer, 0, n);
            }
        }
        return out.toString();
    }

    /**
     * Whether the decoded text of a part contains {@code needle}, ignoring case (Unicode simple case
     * folding), reading the body once with a bounded buffer and stopping at the first match.
     */
    public static boolean containsIgnoreCase(BodyPart part, InputStream rawBody, String needle)
            throws IOException {
        try (Reader reader = reader(part, rawBody)) {
            return containsIgnoreCase(reader, needle);
        }
    }

    /**
     * The text with every code point case-folded as {@link #containsIgnoreCase} folds it, so that
     * {@code foldCase(h).contains(foldCase(n))} agrees with {@code containsIgnoreCase(h, n)}: text
     * indexes (SEARCH, RFC 9051 §6.4.4) store and query folded text.
     */
    public static String foldCase(String text) {
        return FoldedMatcher.fold(text);
    }

    /** Case-insensitive substring test (RFC 9051 §6.4.4) for any script; the empty needle matches. */
    public static boolean containsIgnoreCase(String haystack, String needle) {
        if (haystack == null) {
            return false;
        }
        FoldedMatcher matcher = new FoldedMatcher(needle);
        for (int i = 0; i < haystack.length() && !matcher.found(); ) {
            int cp = haystack.codePointAt(i);
            matcher.feed(cp);
            i += Character.charCount(cp);
        }
        return matcher.found();
    }

    /** Case-insensitive substring test over a character stream, in memory bounded by the needle. */
    public static boolean containsIgnoreCase(Reader text, String needle) throws IOException {
        FoldedMatcher matcher = new FoldedMatcher(needle);
        char[] buffer = new char[BUFFER_CHARS];
        char pendingHigh = 0;
        for (int n; !matcher.found() && (n = text.read(buffer)) >= 0; ) {
            for (int i = 0; i < n && !matcher.found(); i++) {
                char c = buffer[i];
                if (pendingHigh != 0) {
                    char high = pendingHigh;
                    pendingHigh = 0;
                    if (Character.isLowSurrogate(c)) {
                        matcher.feed(Character.toCodePoint(high, c));
                        continue;
                    }
                    matcher.feed(high);
                }
                if (Character.isHighSurrogate(c)) {
                    pendingHigh = c;
                } else {
                    matcher.feed(c);
                }
            }
        }
        if (pendingHigh != 0) {
            matcher.feed(pendingHigh);
        }
        return matcher.found();
    }

    private static String normalizedEncoding(BodyPart part) {
        String encoding = part.encoding() == null ? "7bit" : part.encoding().strip().toLowerCase(Locale.ROOT);
        return encoding.isEmpty() ? "7bit" : encoding;
    }
}
