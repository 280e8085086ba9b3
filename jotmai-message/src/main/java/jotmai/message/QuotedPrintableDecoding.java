package jotmai.message;

import java.io.IOException;
import java.io.InputStream;

/**
 * Streams decoded octets from quoted-printable text (RFC 2045 §6.7): "=XX" is an octet, "=" at the end
 * of a line is a soft line break, whitespace at the end of a line was added in transport and is
 * dropped (rule 3). Lenient: a "=" not followed by two hex digits is kept as is, lower-case hex is
 * accepted, LF-only line ends work. Memory is bounded: lines are processed in chunks of at most
 * {@link #MAX_LINE} octets (trailing-whitespace removal then applies per chunk).
 */
final class QuotedPrintableDecoding extends InputStream {
    static final int MAX_LINE = 16 * 1024;

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE + 2];
    private final byte[] decoded = new byte[MAX_LINE + 2];
    private int decodedPos;
    private int decodedCount;
    private boolean ended;
    private int pushback = -1;

    QuotedPrintableDecoding(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        while (decodedPos == decodedCount) {
            if (!decodeNextLine()) {
                return -1;
            }
        }
        return decoded[decodedPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (decodedPos == decodedCount) {
            if (!decodeNextLine()) {
                return -1;
            }
        }
        int n = Math.min(len, decodedCount - decodedPos);
        System.arraycopy(decoded, decodedPos, b, off, n);
        decodedPos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private int next() throws IOException {
        if (pushback >= 0) {
            int c = pushback;
            pushback = -1;
            return c;
        }
        return in.read();
    }

    /** Reads one raw line (or chunk) and decodes it into {@code decoded}. */
    private boolean decodeNextLine() throws IOException {
        if (ended) {
            return false;
        }
        int length = 0;
        boolean hardBreak = false;
        int c;
        while (length < MAX_LINE && (c = next()) >= 0) {
            if (c == '\n') {
                hardBreak = true;
                break;
            }
            if (c == '\r') {
                int d = next();
                if (d == '\n') {
                    hardBreak = true;
                    break;
                }
                if (d >= 0) {
                    pushback = d;
                }
            }
            line[length++] = (byte) c;
        }
        if (length < MAX_LINE && !hardBreak) {
            ended = true;
        }
        boolean chunked = length == MAX_LINE;
        // Rule 3: trailing whitespace on a line is transport padding.
        int end = length;
        if (!chunked) {
            while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
                end--;
            }
        }
        boolean soft = false;
        int n = 0;
        for (int i = 0; i < end; i++) {
            byte b = line[i];
            if (b == '=') {
                if (i == end - 1 && !chunked) {
                    soft = true; // rule 5: soft line break
                    break;
                }
                int hi = i + 1 < end ? Character.digit(line[i + 1], 16) : -1;
                int lo = i + 2 < end ? Character.digit(line[i + 2], 16) : -1;
                if (hi >= 0 && lo >= 0) {
                    decoded[n++] = (byte) (hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            decoded[n++] = b;
        }
        if (hardBreak && !soft) {
            decoded[n++] = '\r';
            decoded[n++] = '\n';
        }
        decodedPos = 0;
        decodedCount = n;
        return n > 0 || !ended;
    }
}
