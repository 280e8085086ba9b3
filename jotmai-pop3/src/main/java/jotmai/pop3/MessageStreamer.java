package jotmai.pop3;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a message as the body of a multi-line response while it streams past (RFC 1939 §3): every line
 * that begins with "." gets one more "." in front (byte-stuffing), the last line is terminated with CRLF
 * if the message lacks one, and the response ends with ".CRLF". Nothing is buffered beyond the chunk
 * the caller hands in, so a 25 MB message costs no more memory than a 5 KB one.
 *
 * <p>With a body-line limit it implements TOP (RFC 1939 §7): the header, the blank line after it, then
 * at most that many body lines. A line begins after an LF; a bare LF counts as a line end too, so a
 * client that splits lines at LF never sees an unstuffed ".".
 */
final class MessageStreamer {

    /** Stream the whole message (RETR). */
    static final int ALL_LINES = -1;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] TERMINATOR = {'.', '\r', '\n'};

    private final OutputStream out;
    private final boolean limited;
    private int bodyLinesLeft;
    private boolean lineStart = true;
    private int lineLength; // octets of the current line other than CR
    private boolean inBody;
    private boolean done;

    MessageStreamer(OutputStream out, int bodyLines) {
        this.out = out;
        this.limited = bodyLines != ALL_LINES;
        this.bodyLinesLeft = bodyLines;
    }

    /**
     * Writes a chunk of raw message bytes; returns false once the TOP limit is reached, after which the
     * caller should stop reading (further chunks are ignored).
     */
    boolean write(byte[] chunk, int offset, int length) throws IOException {
        if (done) {
            return false;
        }
        if (!limited) {
            writeAll(chunk, offset, length);
            return true;
        }
        int runStart = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = chunk[i];
            if (lineStart && b == '.') {
                out.write(chunk, runStart, i - runStart);
                out.write('.');
                runStart = i; // the original dot goes out with the next run
            }
            if (b != '\n') {
                lineStart = false;
                if (b != '\r') {
                    lineLength++;
                }
                continue;
            }
            lineStart = true;
            if (limited && lineEndReachesLimit()) {
                out.write(chunk, runStart, i + 1 - runStart);
                done = true;
                return false;
            }
            lineLength = 0;
        }
        out.write(chunk, runStart, end - runStart);
        return true;
    }

    /**
     * RETR: the same stuffing without TOP's line counting. Only an octet right after an LF can need a
     * stuffed dot, so the loop looks for LFs alone; a 1 MB message without dot lines goes out in as
     * many writes as it came in chunks.
     */
    private void writeAll(byte[] chunk, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        int end = offset + length;
        if (lineStart && chunk[offset] == '.') {
            out.write('.'); // the original dot goes out with the run below
        }
        int runStart = offset;
        int last = end - 1; // an LF in the last octet is handled by the next chunk (lineStart)
        for (int i = offset; i < last; i++) {
            if (chunk[i] == '\n' && chunk[i + 1] == '.') {
                out.write(chunk, runStart, i + 1 - runStart);
                out.write('.');
                runStart = i + 1;
            }
        }
        out.write(chunk, runStart, end - runStart);
        lineStart = chunk[last] == '\n';
    }

    /** Called at each line end in TOP mode: whether this line was the last one to send. */
    private boolean lineEndReachesLimit() {
        if (!inBody) {
            if (lineLength == 0) { // the empty line that ends the header (RFC 5322 §2.1)
                inBody = true;
                return bodyLinesLeft == 0;
            }
            return false;
        }
        bodyLinesLeft--;
        return bodyLinesLeft <= 0;
    }

    /** Ends the last line if needed and writes the ".CRLF" terminator. */
    void finish() throws IOException {
        if (!lineStart) {
            out.write(CRLF);
        }
        out.write(TERMINATOR);
    }
}
