package jotmai.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads CRLF-terminated command lines with a hard length bound. A bare LF also ends a line (lenient
 * with broken clients; RFC 1939 §3 requires CRLF from clients but nothing is gained by refusing LF).
 *
 * <p>An overlong line is consumed and discarded up to {@link #MAX_DISCARD_OCTETS}, so the session can
 * answer -ERR and go on; a "line" longer than that is treated as an attack and ends the session.
 */
final class LineReader {

    /**
     * Longest accepted line, CRLF included. RFC 2449 §4 allows commands of 255 octets; SASL responses
     * (RFC 5034 §4) carry base64 credentials and may be longer, so allow a bit more.
     */
    static final int MAX_LINE_OCTETS = 1024;

    /** How much of an overlong line we are willing to read and throw away before disconnecting. */
    static final int MAX_DISCARD_OCTETS = 64 * 1024;

    /** What one read produced. */
    sealed interface Result {
        record Line(String text) implements Result {}

        /** The line exceeded {@link #MAX_LINE_OCTETS} and was discarded; the stream is at the next line. */
        record TooLong() implements Result {}

        /** No line end within {@link #MAX_DISCARD_OCTETS}: the client is not speaking POP3. */
        record Flood() implements Result {}

        /** The client closed the connection. */
        record Eof() implements Result {}
    }

    /**
     * Octets read from the connection at once. At least the connection's own input buffer, so that
     * BufferedInputStream hands the read straight to the socket; one read usually brings a whole
     * command (or a client's whole pipelined batch).
     */
    static final int READ_OCTETS = 4 * 1024;

    private final InputStream in;
    private final byte[] input = new byte[READ_OCTETS];
    private int position;
    private int limit;
    private final byte[] line = new byte[MAX_LINE_OCTETS];

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Whether input is waiting here already (pipelined commands, RFC 2449 §6.6). When not, the next
     * read blocks, so the session flushes its responses first. No system call, unlike available().
     */
    boolean hasBufferedInput() {
        return position < limit;
    }

    Result read() throws IOException {
        int length = 0;
        while (true) {
            if (position == limit && !fill()) {
                return new Result.Eof();
            }
            byte b = input[position++];
            if (b == '\n') {
                if (length > 0 && line[length - 1] == '\r') {
                    length--;
                }
                return new Result.Line(new String(line, 0, length, StandardCharsets.UTF_8));
            }
            if (length == line.length) {
                return discardRestOfLine(length);
            }
            line[length++] = b;
        }
    }

    private Result discardRestOfLine(int alreadyRead) throws IOException {
        long discarded = alreadyRead;
        while (discarded < MAX_DISCARD_OCTETS) {
            if (position == limit && !fill()) {
                return new Result.Eof();
            }
            if (input[position++] == '\n') {
                return new Result.TooLong();
            }
            discarded++;
        }
        return new Result.Flood();
    }

    private boolean fill() throws IOException {
        int n = in.read(input, 0, input.length);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
