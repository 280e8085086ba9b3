package jotmai.delivery;

import java.io.ByteArrayOutputStream;

/** Quoted-printable encoding of a text body (RFC 2045 §6.7): line breaks kept, lines at most 76. */
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
}
