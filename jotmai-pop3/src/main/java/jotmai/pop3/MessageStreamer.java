package jotmai.pop3;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a message as the body of a multi-line response while it streams past (RFC 1939 §3): every line
 * that begins with "." gets one more "." in front (byte-stuffing), the last line is terminated with CRLF
 * if the message lacks one, and the response ends with ".CRLF". Nothing is buffered beyond the bytes
 * the caller hands in, so a 25 MB message costs no more memory than a 5 KB one.
 *
 * <p>It is an {@link OutputStream}, so a RETR can stream with {@code content.transferTo(streamer)}; a
 * store's stream may then hand its own arrays to {@link #write(byte[], int, int)}, which never modifies
 * or keeps them.
 *
 * <p>With a body-line limit it implements TOP (RFC 1939 §7): the header, the blank line after it, then
 * at most that many body lines. A line begins after an LF; a bare LF counts as a line end too, so a
 * client that splits lines at LF never sees an unstuffed ".". Once the limit is reached,
 * {@link #limitReached()} is true and further bytes are ignored.
 */
final class MessageStreamer extends OutputStream {

    /** Stream the whole message (RETR). */
    static final int ALL_LINES = -1;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] TERMINATOR = {'.', '\r', '\n'};
    private static final byte[] DOT = {'.'};

    private final OutputStream out;
    private final boolean limited;
    private int bodyLinesLeft;
    private boolean lineStart = true;
    private int lineLength; // octets of the current line other than CR
    private boolean inBody;
    private boolean done;
    private boolean downstreamFailed;

    MessageStreamer(OutputStream out, int bodyLines) {
        this.out = out;
        this.limited = bodyLines != ALL_LINES;
        this.bodyLinesLeft = bodyLines;
    }

    /** TOP: whether the line limit is reached (the caller should stop reading the message). */
    boolean limitReached() {
        return done;
    }

    /**
     * Whether an IOException came from the connection side (the client went away) rather than from
     * whatever fed this stream: {@code transferTo} mixes both, and only a store failure is worth a log
     * line of its own.
     */
    boolean downstreamFailed() {
        return downstreamFailed;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Writes a piece of raw message bytes, stuffed; ignored once the TOP limit is reached. */
    @Override
    public void write(byte[] chunk, int offset, int length) throws IOException {
        if (done || length <= 0) {
            return;
        }
        if (limited) {
            writeLimited(chunk, offset, length);
        } else {
            writeAll(chunk, offset, length);
        }
    }

    /**
     * RETR: only an octet right after an LF can need a stuffed dot, so this looks for LF-dot pairs only
     * ({@link DotScan}, eight octets at a time); a 1 MB message without dot lines goes out in as many
     * writes as it came in pieces. A pair split between two pieces is caught by {@code lineStart}.
     */
    private void writeAll(byte[] chunk, int offset, int length) throws IOException {
        int end = offset + length;
        if (lineStart && chunk[offset] == '.') {
            emit(DOT, 0, 1); // the original dot goes out with the run below
        }
        int runStart = offset;
        int dot = DotScan.nextLineStartDot(chunk, offset, end);
        while (dot >= 0) {
            emit(chunk, runStart, dot - runStart);
            emit(DOT, 0, 1);
            runStart = dot; // the original dot goes out with the next run
            dot = DotScan.nextLineStartDot(chunk, dot, end);
        }
        emit(chunk, runStart, end - runStart);
        lineStart = chunk[end - 1] == '\n';
    }

    /** TOP: stuffing plus line counting, octet by octet (TOP sends a header and a few lines). */
    private void writeLimited(byte[] chunk, int offset, int length) throws IOException {
        int runStart = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = chunk[i];
            if (lineStart && b == '.') {
                emit(chunk, runStart, i - runStart);
                emit(DOT, 0, 1);
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
            if (lineEndReachesLimit()) {
                emit(chunk, runStart, i + 1 - runStart);
                done = true;
                return;
            }
            lineLength = 0;
        }
        emit(chunk, runStart, end - runStart);
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
            emit(CRLF, 0, CRLF.length);
        }
        emit(TERMINATOR, 0, TERMINATOR.length);
    }

    /** Flushes the connection side (the response so far goes out now). */
    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            downstreamFailed = true;
            throw e;
        }
    }

    private void emit(byte[] b, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        try {
            out.write(b, offset, length);
        } catch (IOException e) {
            downstreamFailed = true;
            throw e;
        }
    }
}
