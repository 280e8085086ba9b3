package jotmai.delivery;

import java.io.ByteArrayOutputStream;

/**
 * Quoted-printable (RFC 2045 §6.7): encoding of a text body (line breaks kept, lines at most 76) and a
 * lenient decoding (for re-encoding a part whose lines were too long).
 */
final class QuotedPrintable {

    static final int MAX_LINE = 76;

    private QuotedPrintable() {}

    static byte[] encode(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 8 + 16);
        int lineLength = 0;
        for (int i = 0; i < body.length; i++) {
            int b = body[i] & 0xff;
            if (b == '\r' && i + 1 < body.length && body[i + 1] == '\n') {
                continue;
            }
            if (b == '\n') {
                out.write('\r');
                out.write('\n');
                lineLength = 0;
                continue;
            }
            boolean nextIsEol = i + 1 >= body.length || body[i + 1] == '\n' || body[i + 1] == '\r';
            // rule 3: whitespace at the end of a line must be encoded
            boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !nextIsEol);
            int width = literal ? 1 : 3;
            if (lineLength + width > MAX_LINE - 1) {
                out.write('=');
                out.write('\r');
                out.write('\n');
                lineLength = 0;
            }
            if (literal) {
                out.write(b);
            } else {
                out.write('=');
                out.write(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
                out.write(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            lineLength += width;
        }
        return out.toByteArray();
    }

    /**
     * Decodes: "=XX" is an octet, "=" before a line break (optionally after whitespace) is a soft line
     * break; whitespace at the end of a line is transport padding and dropped (rule 3); anything else,
     * such as a "=" without two hex digits, is kept as it is.
     */
    static byte[] decode(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
        int i = 0;
        while (i < text.length) {
            int b = text[i] & 0xff;
            if (b == '=') {
                int h = i + 2 < text.length ? Character.digit(text[i + 1], 16) : -1;
                int l = h >= 0 ? Character.digit(text[i + 2], 16) : -1;
                if (h >= 0 && l >= 0) {
                    out.write(h << 4 | l);
                    i += 3;
                    continue;
                }
                int j = skipBlanks(text, i + 1);
                if (j >= text.length) {
                    return out.toByteArray(); // "=" at the very end: a soft break before nothing
                }
                if (text[j] == '\n' || (text[j] == '\r' && j + 1 < text.length && text[j + 1] == '\n')) {
                    i = text[j] == '\r' ? j + 2 : j + 1;
                    continue;
                }
            } else if (b == ' ' || b == '\t') {
                int j = skipBlanks(text, i);
                if (j >= text.length || text[j] == '\n' || text[j] == '\r') {
                    i = j; // trailing whitespace
                    continue;
                }
            }
            out.write(b);
            i++;
        }
        return out.toByteArray();
    }

    private static int skipBlanks(byte[] text, int from) {
        int j = from;
        while (j < text.length && (text[j] == ' ' || text[j] == '\t')) {
            j++;
        }
        return j;
    }
}
