package jotmai.pop3;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Collects a session's responses and hands them to the connection in writes of up to
 * {@link #MAX_OCTETS}. Unlike BufferedOutputStream, a large write is copied in too rather than passed
 * through, so a RETR goes out as full-size writes and never as "+OK" line, body, ".CRLF" terminator in
 * three writes: a tiny segment after a large one, sent while a slow client's receive buffer is full,
 * was dropped on loopback and came again only after TCP's 200 ms retransmission timeout, once per
 * message (measured with poplib and 1 MB messages: 4x slower than Dovecot).
 *
 * <p>When a full buffer goes out, its last {@link #TAIL_OCTETS} stay behind for the next write, so a
 * response that filled the buffer also ends with a write of at least that size: where a long response
 * ends depends on the message size (and, since RETR flushes "+OK" with the first store window, on that
 * window too), and without the reserve its last write could be a few octets, the case above.
 *
 * <p>The buffer starts small and grows to {@link #MAX_OCTETS} only when a response needs it.
 */
final class ResponseBuffer extends OutputStream {

    /** Largest single write to the connection. */
    static final int MAX_OCTETS = 64 * 1024;
    /** Kept back from a full buffer's write: the least a long response's last write carries. */
    static final int TAIL_OCTETS = 8 * 1024;
    private static final int INITIAL_OCTETS = 1024;

    private final OutputStream out;
    private byte[] buffer = new byte[INITIAL_OCTETS];
    private int count;

    ResponseBuffer(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            makeRoom(1);
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (count == buffer.length) {
                makeRoom(len);
            }
            int n = Math.min(len, buffer.length - count);
            System.arraycopy(b, off, buffer, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Grows the full buffer towards the maximum, or writes it out when it is at the maximum, all but its
     * last {@link #TAIL_OCTETS}, which move to the front.
     */
    private void makeRoom(int wanted) throws IOException {
        if (buffer.length < MAX_OCTETS) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(MAX_OCTETS, Math.max(2L * buffer.length, (long) count + wanted)));
        } else {
            int send = count - TAIL_OCTETS;
            out.write(buffer, 0, send);
            System.arraycopy(buffer, send, buffer, 0, TAIL_OCTETS);
            count = TAIL_OCTETS;
        }
    }

    @Override
    public void flush() throws IOException {
        if (count > 0) {
            out.write(buffer, 0, count);
            count = 0;
        }
        out.flush();
    }
}
