package jotmai.shared.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import jotmai.shared.tls.TlsPolicy;

/**
 * One accepted client connection. Only the connection's own thread writes to {@link #out()}
 * (single-writer rule); a helper thread may read while the session thread writes (IMAP IDLE).
 *
 * <p>Timeouts, all enforced here so protocols only choose values (see {@link Limits}):
 * <ul>
 * <li>read timeout: a read that waits longer than {@link #setReadTimeout} throws {@link SocketTimeoutException};</li>
 * <li>idle: the same for {@link #setIdleTimeout}, but final (the input is shut) and without a timer per
 *     read (see {@link IdleWatch});</li>
 * <li>deadline: between {@link #startDeadline} and {@link #clearDeadline}, reads fail once the whole
 *     span is over, however slowly bytes trickle in (slowloris);</li>
 * <li>write stall: a write that makes no progress for {@link #setWriteStallTimeout} gets the socket
 *     closed by {@link WriteWatchdog}, so the writer sees an exception instead of hanging forever.</li>
 * <li>line deadline ({@link #setLineDeadline}): once a client has begun a line (any octets not yet
 *     followed by LF), the rest of it must arrive within the deadline plus one second per
 *     {@code minDataRate} octets of it already received; otherwise the read fails with
 *     {@link SocketTimeoutException}. Only time spent waiting in {@code read} counts, so a slow server
 *     never makes a client late. This is Postfix's {@code smtpd_per_record_deadline} with
 *     {@code smtpd_min_data_rate}, applied to every protocol without their help: it cuts slowloris
 *     clients (one octet a second, never a CRLF) whatever the protocol state, while a large literal,
 *     DATA or BDAT body sent at any reasonable speed is never cut.</li>
 * <li>TLS handshake: must complete within its timeout in total, however slowly records trickle in.</li>
 * </ul>
 */
public final class Connection implements AutoCloseable {
    /** Big writes go to the socket in pieces of this size, so the write-stall watchdog sees progress. */
    static final int WRITE_CHUNK = 64 * 1024;
    /**
     * Input buffer. Small on purpose: with ten thousand mostly idle IMAP sessions every byte counts,
     * and a reader with a buffer of its own at least this large (IMAP's ImapReader) bypasses it, so
     * BufferedInputStream (which allocates lazily) never allocates it at all.
     */
    static final int IN_BUFFER = 4 * 1024;
    /*
     * Output buffer: BufferedOutputStream's no-size constructor, whose buffer starts at 512 bytes and
     * grows to 8 KB only when a response needs it (with an explicit size it allocates all of it at
     * once: 16 KB per idle session, 160 MB for ten thousand). Larger writes (literals) bypass it.
     */
    /** A session yields its carrier at least once per this many socket reads that returned input. */
    static final int YIELD_EVERY_READS = 16;
    /** Caps the line-deadline arithmetic (octets × 10^9 must not overflow a long). */
    private static final long MAX_COUNTED_LINE = 1L << 40;
    /** A TLS close_notify that cannot be sent within this time is abandoned (client not reading). */
    static final Duration TLS_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final String id;
    private final String listenerName;
    private final SSLContext tls;
    private final Socket raw;
    private volatile Socket socket;
    private InputStream in;
    private OutputStream out;
    private volatile int idleMillis;
    private final IdleWatch idleWatch = new IdleWatch();
    /** The SO_TIMEOUT last set on the socket by this class (read thread only). */
    private volatile int armedMillis;
    private volatile long deadlineNanos;
    private volatile boolean hasDeadline;
    private volatile Duration writeStallTimeout = Limits.DEFAULT_WRITE_STALL_TIMEOUT;
    private volatile long writeStartedNanos;
    private volatile boolean closed;
    private volatile boolean shutdownRequested;
    private volatile boolean compressed;
    private InflatingInput inflating;
    private DeflatingOutput deflating;
    /** Zero: no line deadline. */
    private volatile long lineDeadlineNanos;
    private volatile int minDataRate = Limits.DEFAULT_MIN_DATA_RATE;
    private volatile Duration handshakeTimeout = Duration.ofSeconds(30);
    /** Octets of the current unfinished line received so far (read thread only); 0 = at a line start. */
    private long partialLine;
    /** Time spent blocked in read while {@link #partialLine} was pending (read thread only). */
    private long partialWaitedNanos;

    /**
     * @param raw    the accepted TCP socket
     * @param socket {@code raw}, or an SSL socket layered over it (implicit TLS)
     */
    Connection(String listenerName, Socket raw, Socket socket, SSLContext tls) throws IOException {
        this.id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.listenerName = listenerName;
        this.raw = raw;
        this.socket = socket;
        this.tls = tls;
        this.idleMillis = socket.getSoTimeout();
        this.armedMillis = idleMillis;
        bindStreams();
        WriteWatchdog.watch(this);
    }

    /** Wraps an existing socket, e.g. for tests; implicit TLS already done or not wanted. */
    public static Connection of(String listenerName, Socket socket, SSLContext tls) throws IOException {
        return new Connection(listenerName, socket, socket, tls);
    }

    private void bindStreams() throws IOException {
        Socket s = socket;
        partialLine = 0; // octets pipelined before STARTTLS are discarded with the old stream
        partialWaitedNanos = 0;
        in = new BufferedInputStream(new TimedInput(s.getInputStream()), IN_BUFFER);
        out = new BufferedOutputStream(new WatchedOutput(s.getOutputStream()));
    }

    /** Short random id that ties log lines of one session together. */
    public String id() {
        return id;
    }

    public String listenerName() {
        return listenerName;
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    public InetSocketAddress remote() {
        return (InetSocketAddress) raw.getRemoteSocketAddress();
    }

    public InetAddress remoteAddress() {
        return raw.getInetAddress();
    }

    public InetSocketAddress local() {
        return (InetSocketAddress) raw.getLocalSocketAddress();
    }

    /** Loopback peers may authenticate without TLS (protocols decide whether to allow that). */
    public boolean isLoopback() {
        return remoteAddress().isLoopbackAddress();
    }

    public boolean isTls() {
        return socket instanceof SSLSocket;
    }

    public boolean tlsAvailable() {
        return tls != null;
    }

    /** The TLS session (protocol version and cipher go into Received headers), if TLS is on. */
    public Optional<SSLSession> tlsSession() {
        return socket instanceof SSLSocket s ? Optional.of(s.getSession()) : Optional.empty();
    }

    /**
     * Sets the read timeout (SO_TIMEOUT); a read that waits longer throws {@link SocketTimeoutException}
     * and the connection stays usable. Zero: none. Replaces an idle timeout.
     */
    public void setReadTimeout(Duration timeout) throws SocketException {
        idleWatch.setIdle(0);
        idleMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        socket.setSoTimeout(idleMillis);
        armedMillis = idleMillis;
    }

    /**
     * Sets the "client silent too long" timeout that ends the session: a read that waits longer throws
     * {@link SocketTimeoutException}, and so does every later read (the input is shut; a goodbye can still
     * be written, except perhaps over TLS). No timer per read: {@link WriteWatchdog} enforces it up to
     * {@link WriteWatchdog#PERIOD} late (see {@link IdleWatch}); while a deadline runs, SO_TIMEOUT times
     * reads as with {@link #setReadTimeout}. Zero: none. Replaces a read timeout.
     */
    public void setIdleTimeout(Duration timeout) {
        idleMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        idleWatch.setIdle(timeout.toNanos());
    }

    /** Applies the idle timeout and write-stall timeout of {@code limits} for the session's state. */
    public void applyLimits(Limits limits, boolean authenticated) throws SocketException {
        setIdleTimeout(limits.idle(authenticated));
        setWriteStallTimeout(limits.writeStallTimeout());
    }

    /**
     * From now on, reads fail with {@link SocketTimeoutException} once {@code span} has passed, however
     * steadily bytes arrive; for reading one command line or one message body. Ends with
     * {@link #clearDeadline}.
     */
    public void startDeadline(Duration span) {
        deadlineNanos = System.nanoTime() + span.toNanos();
        hasDeadline = true;
    }

    public void clearDeadline() {
        hasDeadline = false;
    }

    /**
     * Sets the line deadline (see the class comment); zero turns it off. {@code minDataRate} octets per
     * second of a long line extend it by a second each, so bulk data (literals, DATA, BDAT) is only cut
     * when it arrives slower than that.
     */
    public void setLineDeadline(Duration deadline, int minDataRate) {
        if (minDataRate < 1) {
            throw new IllegalArgumentException("minDataRate must be positive");
        }
        this.lineDeadlineNanos = deadline.toNanos();
        this.minDataRate = minDataRate;
    }

    /** Applies a listener's line deadline and write-stall timeout (called when the connection starts). */
    void applyListenerLimits(ListenerConfig config) {
        setLineDeadline(config.lineDeadline(), config.minDataRate());
        setWriteStallTimeout(config.writeStallTimeout());
        handshakeTimeout = config.tlsHandshakeTimeout();
    }

    /** Zero means writes may block forever (not recommended). */
    public void setWriteStallTimeout(Duration timeout) {
        writeStallTimeout = timeout;
    }

    Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    /** Whether a read has waited for input longer than the idle timeout (watchdog thread). */
    boolean idleOverdueAt(long nowNanos) {
        return !idleWatch.expired() && idleWatch.overdueAt(nowNanos);
    }

    /** Ends the idle wait: shuts the input, so the blocked read returns and reports the timeout. */
    void expireIdle() {
        idleWatch.expire();
        try {
            raw.shutdownInput();
        } catch (IOException e) {
            abort();
        }
    }

    boolean writeStalledAt(long nowNanos) {
        long started = writeStartedNanos;
        Duration limit = writeStallTimeout;
        return started != 0 && !limit.isZero() && nowNanos - started > limit.toNanos();
    }

    /**
     * Upgrades to TLS in place (SMTP/IMAP STARTTLS, POP3 STLS). The caller has already written its "go
     * ahead" reply; it is flushed here. Bytes the client pipelined after the command are discarded by
     * replacing the buffered input, as RFC 3207 §4.2, RFC 9051 §6.2.1 and RFC 2595 §3.1 require (defends
     * against command injection). The handshake must finish within {@code handshakeTimeout}.
     *
     * @return how many pipelined plaintext bytes were discarded (for the log)
     */
    public int startTls(Duration handshakeTimeout) throws IOException {
        if (tls == null) {
            throw new IllegalStateException("no TLS configured");
        }
        if (isTls()) {
            throw new IllegalStateException("TLS already active");
        }
        // Counted before the go-ahead leaves: once the client has it, its ClientHello may arrive and
        // would be counted as "pipelined" too (the count is for the log; the bytes are dropped anyway).
        int discarded = in.available();
        out.flush();
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
        TlsPolicy.applyServer(ssl, tls);
        socket = ssl;
        bindStreams();
        handshake(handshakeTimeout);
        return discarded;
    }

    /**
     * Starts DEFLATE compression in both directions (IMAP COMPRESS=DEFLATE, RFC 4978 §3: raw deflate
     * without zlib header, RFC 1951). The caller has already written its OK; it is flushed here
     * uncompressed. Every {@link OutputStream#flush()} of {@link #out()} from now on ends with a deflate
     * sync flush, so the client can decode everything written so far (§4). Bytes the client sent after
     * the OK and already buffered are treated as compressed. Memory stays bounded: one inflater, one
     * deflater and fixed buffers; a corrupt stream fails the next read with an {@link IOException}.
     */
    public void startCompression() throws IOException {
        startCompression(new byte[0]);
    }

    /**
     * {@link #startCompression()} when the protocol's reader already holds {@code alreadyRead}, bytes
     * that arrived after the command and are therefore compressed; they are decompressed first.
     */
    public void startCompression(byte[] alreadyRead) throws IOException {
        if (compressed) {
            throw new IllegalStateException("compression already active");
        }
        out.flush();
        compressed = true;
        partialLine = 0; // what TimedInput counted so far may have been compressed octets already
        partialWaitedNanos = 0;
        InputStream source = alreadyRead.length == 0 ? in
                : new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(alreadyRead), in);
        inflating = new InflatingInput(source);
        deflating = new DeflatingOutput(out);
        // the line deadline must see the client's lines, not the compressed octets
        in = new BufferedInputStream(new PlainLines(inflating), IN_BUFFER);
        out = new BufferedOutputStream(deflating);
    }

    /** Whether {@link #startCompression()} was called (RFC 4978 §3: only once per connection). */
    public boolean isCompressed() {
        return compressed;
    }

    /** {@link #startTls(Duration)} with the listener's handshake timeout (30 seconds by default). */
    public void startTls() throws IOException {
        startTls(handshakeTimeout);
    }

    /** Completes the handshake of a TLS socket within {@code timeout}, then restores the idle timeout. */
    void handshake(Duration timeout) throws IOException {
        if (socket instanceof SSLSocket ssl) {
            int idle = idleMillis;
            ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            // SO_TIMEOUT bounds each read only; a client trickling one octet of its ClientHello at a time
            // would stretch the handshake without end, so a guard closes the socket when the whole
            // handshake has not finished in time.
            Thread guard = Thread.ofVirtual().name("tls-handshake-guard-" + id).start(() -> {
                try {
                    Thread.sleep(timeout);
                    abort();
                } catch (InterruptedException done) {
                    // handshake finished (or failed) in time
                }
            });
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                if (closed) {
                    throw new SocketTimeoutException("TLS handshake not complete within " + timeout.toSeconds() + " s");
                }
                throw e;
            } finally {
                guard.interrupt();
            }
            ssl.setSoTimeout(idle);
            armedMillis = idle;
        }
    }

    /**
     * True once the server is shutting down: a session should finish the command in progress, say
     * goodbye (IMAP BYE, SMTP 421, POP3 -ERR) at the next opportunity and return.
     */
    public boolean shutdownRequested() {
        return shutdownRequested;
    }

    void requestShutdown() {
        shutdownRequested = true;
    }

    /** Closes the TCP connection at once, without a TLS close_notify; safe from any thread. */
    public void abort() {
        closed = true;
        try {
            raw.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    public boolean isClosed() {
        return closed || raw.isClosed();
    }

    /**
     * Closes the connection: for TLS, sends close_notify first, but gives up after
     * {@link #TLS_CLOSE_TIMEOUT} when the client does not read.
     */
    @Override
    public void close() {
        WriteWatchdog.unwatch(this);
        if (closed) {
            return;
        }
        closed = true;
        endCompression();
        if (socket instanceof SSLSocket ssl) {
            Thread guard = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(TLS_CLOSE_TIMEOUT);
                    raw.close();
                } catch (InterruptedException | IOException ignored) {
                    // closed in time, or already broken
                }
            });
            try {
                ssl.close();
            } catch (IOException ignored) {
                // broken connection: the raw close below finishes it
            } finally {
                guard.interrupt();
            }
        }
        try {
            raw.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing left to do
        }
    }

    /** Frees the native zlib state; the session thread has stopped using the streams. */
    private void endCompression() {
        if (deflating != null) {
            deflating.end();
        }
        if (inflating != null) {
            inflating.end();
        }
    }

    /**
     * Reads with the idle timeout, shortened to what is left of the deadline or of the line deadline,
     * whichever is sooner; keeps track of unfinished lines for the line deadline.
     */
    private final class TimedInput extends FilterInputStream {
        /** Reads that returned input since the last yield (see read). */
        private int readsSinceYield;

        TimedInput(InputStream in) {
            super(in);
        }

        /**
         * Sets SO_TIMEOUT to the read timeout, or to what is left of a deadline if that is sooner; with an
         * idle timeout and no deadline running, to none. Returns whether {@link IdleWatch} times the read.
         */
        private boolean arm() throws IOException {
            checkIdle();
            int idle = idleMillis;
            long leftNanos = Long.MAX_VALUE;
            if (hasDeadline) {
                leftNanos = deadlineNanos - System.nanoTime();
                if (leftNanos <= 0) {
                    throw new SocketTimeoutException("deadline passed");
                }
            }
            long lineDeadline = lineDeadlineNanos;
            if (partialLine > 0 && lineDeadline > 0) {
                long allowed = lineDeadline + partialLine * 1_000_000_000L / minDataRate;
                long lineLeft = allowed - partialWaitedNanos;
                if (lineLeft <= 0) {
                    throw new SocketTimeoutException("line not completed within the line deadline ("
                            + partialLine + " octets received)");
                }
                leftNanos = Math.min(leftNanos, lineLeft);
            }
            int wanted = idle;
            boolean watched = false;
            if (leftNanos != Long.MAX_VALUE) {
                int leftMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, leftNanos / 1_000_000));
                wanted = idle == 0 ? leftMillis : Math.min(idle, leftMillis);
            } else if (idleWatch.enabled()) {
                wanted = 0;
                watched = true;
            }
            if (wanted != armedMillis) {
                socket.setSoTimeout(wanted);
                armedMillis = wanted;
            }
            return watched;
        }

        /** Before a read, and after one returned or failed: an expired idle timeout is what ended it. */
        private void checkIdle() throws SocketTimeoutException {
            if (idleWatch.expired()) {
                throw new SocketTimeoutException("idle for longer than " + idleWatch.idleNanos() / 1_000_000 + " ms");
            }
        }

        /** Rarely used: BufferedInputStream and the protocols' readers read blocks. */
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            boolean watched = arm();
            long started = System.nanoTime();
            if (watched) {
                idleWatch.begin(started);
            }
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                checkIdle();
                throw e;
            } finally {
                if (watched) {
                    idleWatch.end();
                }
                waited(started);
            }
            checkIdle();
            if (n > 0) {
                // Virtual threads are not time-sliced (JEP 444): a session working through a socket
                // buffer full of pipelined commands would keep its carrier until the input ran dry.
                // Yielding lets the other sessions on the same carriers run in between. A yield is a
                // scheduler round trip that wakes an idle carrier (POP3 RETR loop: ~2 of ~7 futex
                // calls per command), so yield only when this read filled the buffer (more input is
                // probably queued: a pipelined burst) and otherwise every YIELD_EVERY_READS reads.
                if (n == len || ++readsSinceYield >= YIELD_EVERY_READS) {
                    readsSinceYield = 0;
                    Thread.yield();
                }
                if (!compressed) {
                    track(b, off, n);
                }
            }
            return n;
        }

        private void waited(long startedNanos) {
            if (partialLine > 0) {
                partialWaitedNanos += System.nanoTime() - startedNanos;
            }
        }
    }

    /** Line-deadline bookkeeping for one octet the client sent (in plaintext). */
    private void track(int b) {
        consumed(b == '\n' ? 0 : 1, b == '\n');
    }

    /** Line-deadline bookkeeping for octets the client sent (in plaintext). */
    private void track(byte[] b, int off, int n) {
        int lastLf = -1;
        for (int i = off + n - 1; i >= off; i--) {
            if (b[i] == '\n') {
                lastLf = i;
                break;
            }
        }
        consumed(lastLf < 0 ? n : off + n - 1 - lastLf, lastLf >= 0);
    }

    /** @param tail octets after the last LF read (or all of them); {@code lineEnded} when an LF came */
    private void consumed(long tail, boolean lineEnded) {
        if (lineEnded) {
            partialLine = tail;
            partialWaitedNanos = 0;
        } else {
            partialLine = Math.min(partialLine + tail, MAX_COUNTED_LINE);
        }
    }

    /**
     * Sees the decompressed octets after COMPRESS (RFC 4978) and keeps the line-deadline bookkeeping
     * on them; the waiting itself is still timed by {@link TimedInput} underneath.
     */
    private final class PlainLines extends FilterInputStream {
        PlainLines(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                track(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                track(b, off, n);
            }
            return n;
        }
    }

    /** Marks writes in progress for the watchdog and splits big writes into chunks. */
    private final class WatchedOutput extends FilterOutputStream {
        WatchedOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int done = 0; done < len; ) {
                int n = Math.min(WRITE_CHUNK, len - done);
                writeStartedNanos = System.nanoTime();
                try {
                    out.write(b, off + done, n);
                } finally {
                    writeStartedNanos = 0;
                }
                done += n;
            }
        }

        @Override
        public void flush() throws IOException {
            writeStartedNanos = System.nanoTime();
            try {
                out.flush();
            } finally {
                writeStartedNanos = 0;
            }
        }
    }
}
