package jotmai.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a message fit for the DATA command to a given peer. Jotmai's client sends with DATA only (it
 * never uses BDAT, RFC 3030), so whatever DATA can not carry is converted, part by part:
 * <ul>
 *   <li>a top-level header line over 998 octets is folded at whitespace ({@link HeaderFolding});</li>
 *   <li>a part with Content-Transfer-Encoding binary (allowed only with BODY=BINARYMIME over BDAT,
 *       RFC 3030 §3; its octets need not form lines at all) → base64 (RFC 2045 §6.8), octets unchanged;</li>
 *   <li>a text part with a line longer than 998 octets (RFC 5321 §4.5.3.1.6, RFC 2045 §2.8), a NUL, or
 *       8-bit octets for a peer without 8BITMIME (RFC 6152 §3) → quoted-printable (RFC 2045 §6.7);</li>
 *   <li>a part already in quoted-printable or base64 whose lines are too long is decoded and encoded
 *       again with proper line lengths.</li>
 * </ul>
 * Multipart bodies (RFC 2046 §5.1) are split at their boundaries and converted part by part; delimiters,
 * preamble and parts that need nothing stay byte for byte. A message/rfc822 part is converted inside
 * (RFC 2046 §5.2.1 allows it only 7bit, 8bit or binary). A composite entity's own encoding label then
 * says what it contains now (7bit or 8bit). DKIM signing happens after this, on the converted bytes.
 */
final class MimeDowngrade {

    /** RFC 5321 §4.5.3.1.6: 1000 octets per line including CRLF. */
    static final int MAX_LINE_OCTETS = 998;

    /** Nesting deeper than this is left unconverted (and bounced): a guard against hostile input. */
    static final int MAX_DEPTH = 20;

    private static final Pattern BOUNDARY = Pattern.compile("(?i)(?:^|;)\\s*boundary\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");

    private final boolean eightBitOk;

    private MimeDowngrade(boolean eightBitOk) {
        this.eightBitOk = eightBitOk;
    }

    /**
     * The message as it can be sent with DATA to a peer with ({@code eightBitOk}) or without 8BITMIME:
     * the same object when nothing needs converting, empty when a part can not be converted (an
     * unknown transfer encoding with long lines, a broken multipart, too deep nesting); the caller
     * bounces the message with 5.6.3 then.
     */
    static Optional<RawMessage> forData(RawMessage message, boolean eightBitOk) {
        RawMessage folded = HeaderFolding.fold(message);
        Scan body = Scan.of(folded.body());
        if (!body.needsLook(eightBitOk)) {
            return Optional.of(folded); // the common case: one pass over the bytes, no MIME parsing
        }
        Optional<RawMessage> out = new MimeDowngrade(eightBitOk).entity(folded, 0);
        // A message without MIME-Version whose body got a transfer encoding becomes a MIME message.
        return out.map(m -> m != folded && m.last("MIME-Version").isEmpty()
                ? m.withField("MIME-Version", "1.0") : m);
    }

    /** What one pass over some octets found. */
    record Scan(boolean eightBit, boolean longLine, boolean nul) {
        static Scan of(byte[] b) {
            boolean eightBit = false;
            boolean nul = false;
            int lineStart = 0;
            int longest = 0;
            for (int i = 0; i < b.length; i++) {
                byte c = b[i];
                if (c == '\n') {
                    int len = i - lineStart - (i > lineStart && b[i - 1] == '\r' ? 1 : 0);
                    longest = Math.max(longest, len);
                    lineStart = i + 1;
                } else if (c < 0) {
                    eightBit = true;
                } else if (c == 0) {
                    nul = true;
                }
            }
            longest = Math.max(longest, b.length - lineStart);
            return new Scan(eightBit, longest > MAX_LINE_OCTETS, nul);
        }

        /** Whether DATA can not carry these octets as they are. */
        boolean needsLook(boolean eightBitOk) {
            return longLine || nul || (eightBit && !eightBitOk);
        }
    }

    private Optional<RawMessage> entity(RawMessage e, int depth) {
        String cte = e.last("Content-Transfer-Encoding").map(f -> f.value().toLowerCase(Locale.ROOT).trim())
                .orElse("7bit");
        Scan scan = Scan.of(e.body());
        boolean binary = cte.equals("binary");
        if (!binary && !scan.needsLook(eightBitOk)) {
            return Optional.of(e);
        }
        if (depth > MAX_DEPTH) {
            return Optional.empty();
        }
        String type = e.last("Content-Type").map(f -> f.value().toLowerCase(Locale.ROOT)).orElse("text/plain");
        if (type.startsWith("multipart/")) {
            Optional<String> boundary = boundary(e.last("Content-Type").orElseThrow().value());
            if (boundary.isEmpty()) {
                return Optional.empty();
            }
            return multipart(e.body(), boundary.get(), depth).map(body -> relabel(RawMessage.of(e.fields(), body)));
        }
        if (type.startsWith("message/rfc822")) {
            return entity(RawMessage.parse(e.body()), depth + 1)
                    .map(inner -> relabel(RawMessage.of(e.fields(), inner.toBytes())));
        }
        return switch (cte) {
            case "binary" -> Optional.of(encoded(e, base64(e.body()), "base64"));
            case "7bit", "8bit" -> Optional.of(encoded(e, QuotedPrintable.encode(e.body()), "quoted-printable"));
            case "quoted-printable" -> Optional.of(encoded(e,
                    QuotedPrintable.encode(QuotedPrintable.decode(e.body())), "quoted-printable"));
            case "base64" -> {
                try {
                    yield Optional.of(encoded(e, base64(Base64.getMimeDecoder().decode(e.body())), "base64"));
                } catch (IllegalArgumentException broken) {
                    yield Optional.empty();
                }
            }
            default -> Optional.empty(); // an encoding we do not know: converting could change the data
        };
    }

    private static RawMessage encoded(RawMessage e, byte[] body, String cte) {
        return RawMessage.of(e.fields(), body).withField("Content-Transfer-Encoding", cte);
    }

    /** Base64 in lines of 76 characters (RFC 2045 §6.8), without a line break after the last one. */
    static byte[] base64(byte[] octets) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encode(octets);
    }

    /**
     * A composite entity says what its parts now contain (RFC 2045 §6.4: a composite's label is only
     * 7bit, 8bit or binary, and binary is no longer true after the conversion).
     */
    private RawMessage relabel(RawMessage composite) {
        if (composite.last("Content-Transfer-Encoding").isEmpty()) {
            return composite;
        }
        return composite.withField("Content-Transfer-Encoding", composite.bodyHas8Bit() ? "8bit" : "7bit");
    }

    static Optional<String> boundary(String contentType) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.group(2) != null ? m.group(2) : m.group(1));
    }

    /**
     * The multipart body with each body part converted. A part runs from the line after its delimiter
     * line to the CRLF before the next one (that CRLF belongs to the delimiter, RFC 2046 §5.1.1).
     */
    private Optional<byte[]> multipart(byte[] body, String boundary, int depth) {
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<int[]> parts = new ArrayList<>();
        int partStart = -1;
        int pos = 0;
        while (pos < body.length) {
            int eol = pos;
            while (eol < body.length && body[eol] != '\n') {
                eol++;
            }
            int next = Math.min(body.length, eol + 1);
            int kind = delimiter(body, pos, eol, dash);
            if (kind != 0) {
                if (partStart >= 0) {
                    int end = pos;
                    if (end > partStart && body[end - 1] == '\n') {
                        end--;
                    }
                    if (end > partStart && body[end - 1] == '\r') {
                        end--;
                    }
                    parts.add(new int[] {partStart, end});
                }
                partStart = kind == 1 ? next : -1;
                if (kind == 2) {
                    break;
                }
            }
            pos = next;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 3);
        int copied = 0;
        for (int[] p : parts) {
            out.write(body, copied, p[0] - copied);
            byte[] part = java.util.Arrays.copyOfRange(body, p[0], p[1]);
            RawMessage parsed = RawMessage.parse(part);
            Optional<RawMessage> converted = entity(parsed, depth + 1);
            if (converted.isEmpty()) {
                return Optional.empty();
            }
            // an unchanged part is copied byte for byte
            out.writeBytes(converted.get() == parsed ? part : converted.get().toBytes());
            copied = p[1];
        }
        out.write(body, copied, body.length - copied);
        return Optional.of(out.toByteArray());
    }

    /** 1 = delimiter line, 2 = close delimiter, 0 = neither (trailing whitespace allowed, §5.1.1). */
    private static int delimiter(byte[] body, int start, int eol, byte[] dash) {
        int end = eol > start && body[eol - 1] == '\r' ? eol - 1 : eol;
        if (end - start < dash.length) {
            return 0;
        }
        for (int i = 0; i < dash.length; i++) {
            if (body[start + i] != dash[i]) {
                return 0;
            }
        }
        int i = start + dash.length;
        int kind = 1;
        if (i + 2 <= end && body[i] == '-' && body[i + 1] == '-') {
            kind = 2;
            i += 2;
        }
        for (; i < end; i++) {
            if (body[i] != ' ' && body[i] != '\t') {
                return 0;
            }
        }
        return kind;
    }
}
