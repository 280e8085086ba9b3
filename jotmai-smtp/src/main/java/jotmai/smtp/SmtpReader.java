package jotmai.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Reads what an SMTP client sends: command lines, dot-stuffed DATA (RFC 5321 §4.5.2) and BDAT chunks
 * (RFC 3030). Every read is bounded; nothing the client sends is buffered beyond one line of at most
 * {@link #MAX_LINE} octets.
 *
 * <p>SMTP smuggling defence (RFC 5321 §2.3.8, the 2023 disclosures): only CRLF ends a line, and the
 * end of data is recognised only as CRLF "." CRLF, i.e. a "." line that follows a line ended by CRLF.
 * {@code <LF>.<LF>}, {@code <CR>.<CR>} and {@code <LF>.<CR><LF>} are therefore content, and a message
 * containing a bare CR or LF is rejected as a whole after the real end of data, so no second message
 * can be injected.
 *
 * <p>Before each read that would block, {@code beforeBlockingRead} runs: the session flushes its
 * pending replies there, which is how pipelined replies are batched (RFC 2920 §3.1).
 */
final class SmtpReader {

    /** Longest line kept: an AUTH initial response may be 12288 octets (RFC 4954 §4). */
    static final int MAX_LINE = 12_288;

    /** Longest text line in DATA, CRLF included (RFC 5321 §4.5.3.1.6). */
    static final int MAX_TEXT_LINE = 1000;

    private final InputStream in;
    private final Runnable beforeBlockingRead;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;
    /** System.nanoTime() after which no further blocking read starts (slow-drip clients); MAX = none. */
    private long deadline = Long.MAX_VALUE;

    SmtpReader(InputStream in, Runnable beforeBlockingRead) {
        this.in = in;
        this.beforeBlockingRead = beforeBlockingRead;
    }

    /** A command line without its CRLF, or the reason it is not usable. */
    record Line(byte[] bytes, Problem problem) {
        boolean ok() {
            return problem == Problem.NONE;
        }
    }

    enum Problem { NONE, TOO_LONG, BARE_CR_OR_LF }

    /**
     * Sets a deadline for what is read next: once it has passed, the next read that would block throws
     * {@link SocketTimeoutException}. With the socket's own read timeout this bounds a command line
     * that arrives one byte at a time to at most deadline + read timeout.
     */
    void deadline(long nanoTime) {
        this.deadline = nanoTime;
    }

    /** Whether bytes the client already sent are waiting (pipelined commands). */
    boolean hasBufferedInput() {
        return pos < limit;
    }

    private int next() throws IOException {
        if (pos == limit) {
            beforeBlockingRead.run();
            if (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("command not completed in time");
            }
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                throw new EOFException("client closed the connection");
            }
            pos = 0;
            limit = n;
        }
        return buf[pos++] & 0xff;
    }

    /**
     * Reads one line up to and including LF. Lines longer than {@code max} octets are discarded up to
     * their end and reported as TOO_LONG; a line not ended by CRLF, or with a CR inside, as
     * BARE_CR_OR_LF.
     */
    Line readLine(int max) throws IOException {
        byte[] line = new byte[128];
        int n = 0;
        boolean tooLong = false;
        while (true) {
            int b = next();
            if (b == '\n') {
                break;
            }
            if (n < max + 1) {
                if (n == line.length) {
                    line = Arrays.copyOf(line, Math.min(line.length * 2, max + 1));
                }
                line[n++] = (byte) b;
            } else {
                tooLong = true;
            }
        }
        if (tooLong) {
            return new Line(new byte[0], Problem.TOO_LONG);
        }
        if (n == 0 || line[n - 1] != '\r') {
            return new Line(Arrays.copyOf(line, n), Problem.BARE_CR_OR_LF);
        }
        n--;
        for (int i = 0; i < n; i++) {
            if (line[i] == '\r') {
                return new Line(Arrays.copyOf(line, n), Problem.BARE_CR_OR_LF);
            }
        }
        return new Line(Arrays.copyOf(line, n), n > max ? Problem.TOO_LONG : Problem.NONE);
    }

    /** What happened while reading a message body. */
    record DataResult(long size, boolean oversize, boolean lineTooLong, boolean bareCrOrLf) {
        boolean acceptable() {
            return !oversize && !lineTooLong && !bareCrOrLf;
        }
    }

    /**
     * Reads DATA content up to the end-of-data line, removing dot-stuffing, into {@code sink}. Once the
     * content exceeds {@code maxSize} octets, or a defect is found, nothing more is written but reading
     * goes on to the end of data so that the session stays in step with the client.
     */
    DataResult readData(OutputStream sink, long maxSize) throws IOException {
        byte[] line = new byte[MAX_TEXT_LINE + 1];
        long size = 0;
        boolean oversize = false;
        boolean tooLong = false;
        boolean bare = false;
        boolean previousEndedWithCrlf = true; // the DATA command line itself ended with CRLF
        while (true) {
            int n = 0;
            boolean overflow = false;
            int b;
            int before = -1;
            int last = -1;
            do {
                b = next();
                if (n < line.length) {
                    line[n++] = (byte) b;
                } else {
                    overflow = true;
                }
                before = last;
                last = b;
            } while (b != '\n');
            if (overflow) {
                // a line that long cannot be the end-of-data line; drop it and remember the defect
                tooLong = true;
                previousEndedWithCrlf = before == '\r';
                continue;
            }
            boolean crlf = n >= 2 && line[n - 2] == '\r';
            if (crlf && n == 3 && line[0] == '.' && previousEndedWithCrlf) {
                return new DataResult(size, oversize, tooLong, bare);
            }
            if (!crlf) {
                bare = true;
            }
            for (int i = 0; i < n - 2; i++) {
                if (line[i] == '\r') {
                    bare = true;
                    break;
                }
            }
            previousEndedWithCrlf = crlf;
            int start = line[0] == '.' ? 1 : 0; // RFC 5321 §4.5.2: remove the stuffed dot
            int length = n - start;
            size += length;
            if (size > maxSize) {
                oversize = true;
            }
            if (!oversize && !tooLong && !bare) {
                sink.write(line, start, length);
            }
        }
    }

    /**
     * Reads exactly {@code count} octets of a BDAT chunk (RFC 3030 §2). Writes them to {@code sink}
     * while {@code room} allows; the rest is read and dropped. Returns the octets written.
     */
    long readChunk(long count, OutputStream sink, long room) throws IOException {
        long written = 0;
        long remaining = count;
        while (remaining > 0) {
            if (pos == limit) {
                next();
                pos--;
            }
            int n = (int) Math.min(remaining, limit - pos);
            long fits = Math.max(0, Math.min(n, room - written));
            if (fits > 0 && sink != null) {
                sink.write(buf, pos, (int) fits);
                written += fits;
            }
            pos += n;
            remaining -= n;
        }
        return written;
    }
}
