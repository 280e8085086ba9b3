package jotmai.delivery;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a message 7-bit for a peer without 8BITMIME (RFC 6152 §3): every leaf MIME part whose body
 * has 8-bit octets is re-encoded as quoted-printable (RFC 2045 §6.7) with its Content-Transfer-Encoding
 * changed; multipart bodies (RFC 2046 §5.1) are split at their boundaries and converted part by part,
 * everything else (delimiters, preamble, 7-bit parts) stays byte for byte; a message/rfc822 part is
 * converted inside, since it may itself only be 7bit or 8bit (RFC 2046 §5.2.1). DKIM signing happens
 * after this, on the converted bytes.
 */
final class SevenBit {

    /** Nesting deeper than this is left unconverted (and bounced): a guard against hostile input. */
    static final int MAX_DEPTH = 20;

    private static final Pattern BOUNDARY = Pattern.compile("(?i)(?:^|;)\\s*boundary\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");

    private SevenBit() {}

    static Optional<RawMessage> convert(RawMessage message) {
        return entity(message, 0);
    }

    private static Optional<RawMessage> entity(RawMessage e, int depth) {
        if (!e.bodyHas8Bit()) {
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
            return multipart(e.body(), boundary.get(), depth).map(body -> sevenBit(RawMessage.of(e.fields(), body)));
        }
        if (type.startsWith("message/rfc822")) {
            return entity(RawMessage.parse(e.body()), depth + 1)
                    .map(inner -> sevenBit(RawMessage.of(e.fields(), inner.toBytes())));
        }
        String cte = e.last("Content-Transfer-Encoding").map(f -> f.value().toLowerCase(Locale.ROOT)).orElse("7bit");
        if (cte.startsWith("binary")) {
            return Optional.empty(); // lines need not be lines: quoted-printable would change the data
        }
        return Optional.of(RawMessage.of(e.fields(), QuotedPrintable.encode(e.body()))
                .withField("Content-Transfer-Encoding", "quoted-printable"));
    }

    /** A composite entity whose parts are now 7-bit says so (RFC 2045 §6.4: only 7bit/8bit/binary). */
    private static RawMessage sevenBit(RawMessage composite) {
        return composite.last("Content-Transfer-Encoding").isPresent()
                ? composite.withField("Content-Transfer-Encoding", "7bit") : composite;
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
    private static Optional<byte[]> multipart(byte[] body, String boundary, int depth) {
        byte[] dash = ("--" + boundary).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 4);
        int copied = 0;
        for (int[] p : parts) {
            out.write(body, copied, p[0] - copied);
            byte[] part = java.util.Arrays.copyOfRange(body, p[0], p[1]);
            RawMessage parsed = RawMessage.parse(part);
            Optional<RawMessage> converted = entity(parsed, depth + 1);
            if (converted.isEmpty()) {
                return Optional.empty();
            }
            // an unchanged (7-bit) part is copied byte for byte
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
