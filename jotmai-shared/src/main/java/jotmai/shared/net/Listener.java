package jotmai.shared.net;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import jotmai.shared.tls.TlsPolicy;

/**
 * Accepts connections on one address and runs each on its own virtual thread (or, given
 * {@link PlatformThreadSlots}, a bounded number of them on platform threads). Enforces the total and
 * per-IP connection limits by closing excess connections at once, after writing the optional refusal
 * line (e.g. SMTP "421 4.7.0 too many connections", RFC 5321 §3.8) on plaintext listeners.
 * {@link #close} stops accepting, asks sessions to finish ({@link Connection#shutdownRequested}),
 * waits for them up to a grace period, then closes their sockets.
 *
 * <p>Logs one line per session start and end, with the session id and peer; the session id is also
 * in the SLF4J MDC under {@value #MDC_SESSION} for the session thread's own log lines.
 */
public final class Listener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    /** MDC key holding the session id on the session's thread. */
    public static final String MDC_SESSION = "session";
    /** Pause after a failed accept (e.g. out of file descriptors) so the loop does not spin. */
    static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);
    /** After the grace period and closing the sockets, how long to wait for session threads to end. */
    static final Duration FORCED_CLOSE_WAIT = Duration.ofSeconds(2);
    /** How long close waits for the accepting thread to leave accept(). */
    static final Duration ACCEPTOR_EXIT_WAIT = Duration.ofSeconds(10);

    private final ListenerConfig config;
    private final Supplier<SSLContext> tls;
    private final ConnectionHandler handler;
    private final String refusal;
    private final PlatformThreadSlots platformThreads;
    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perIp = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /**
     * Binds and starts accepting.
     *
     * @param tls supplies the current TLS context (it may change when certificates are reloaded);
     *            null when TLS is not configured
     */
    public Listener(ListenerConfig config, Supplier<SSLContext> tls, ConnectionHandler handler) throws IOException {
        this(config, tls, handler, null);
    }

    /**
     * @param refusal a line (with CRLF) written to a connection refused by a limit before closing it;
     *                ignored on implicit-TLS listeners; null for none
     */
    public Listener(ListenerConfig config, Supplier<SSLContext> tls, ConnectionHandler handler, String refusal)
            throws IOException {
        this(config, tls, handler, refusal, new PlatformThreadSlots(0));
    }

    /** @param platformThreads lets that many sessions at a time (shared with other listeners) run on platform threads */
    public Listener(ListenerConfig config, Supplier<SSLContext> tls, ConnectionHandler handler, String refusal,
                    PlatformThreadSlots platformThreads) throws IOException {
        this.platformThreads = platformThreads;
        this.config = config;
        this.tls = tls;
        this.handler = handler;
        this.refusal = config.implicitTls() ? null : refusal;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(config.address(), config.backlog());
        this.acceptor = Thread.ofVirtual().name("accept-" + config.name()).start(this::acceptLoop);
        log.info("{} listening on {}{}", config.name(), server.getLocalSocketAddress(),
                config.implicitTls() ? " (TLS)" : "");
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    public ListenerConfig config() {
        return config;
    }

    /** True once {@link #close} has begun. */
    public boolean closing() {
        return closing;
    }

    /** Open connections from one address, this one included. */
    public int openFrom(InetAddress address) {
        return perIp.getOrDefault(address, 0);
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    log.warn("{}: accept failed: {}", config.name(), e.toString());
                    pause(ACCEPT_BACKOFF);
                }
                continue;
            }
            InetAddress ip = socket.getInetAddress();
            int total = open.incrementAndGet();
            int fromIp = perIp.merge(ip, 1, Integer::sum);
            if (total > config.maxConnections() || fromIp > config.maxPerIp()) {
                log.warn("{}: refusing {} (open {}, from this address {})", config.name(), ip.getHostAddress(),
                        total, fromIp);
                Thread.ofVirtual().start(() -> refuse(socket, ip));
                continue;
            }
            platformThreads.start(config.name() + "-" + ip.getHostAddress(), () -> serve(socket, ip));
        }
    }

    private void refuse(Socket socket, InetAddress ip) {
        try {
            if (refusal != null) {
                // Tiny write into an empty socket buffer: does not block.
                OutputStream out = socket.getOutputStream();
                out.write(refusal.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException ignored) {
            // the client is gone already
        } finally {
            // Count the slot free before the client can see the close, so a client that reconnects
            // right after the refusal is judged on the real count.
            release(ip);
            closeQuietly(socket);
        }
    }

    private void serve(Socket socket, InetAddress ip) {
        Connection connection = null;
        long started = System.nanoTime();
        try {
            socket.setTcpNoDelay(true);
            SSLContext context = tls == null ? null : tls.get();
            Socket s = socket;
            if (config.implicitTls()) {
                if (context == null) {
                    throw new IOException("implicit TLS listener without a TLS context");
                }
                SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                TlsPolicy.applyServer(ssl, context);
                s = ssl;
            }
            connection = new Connection(config.name(), socket, s, context);
            connection.applyListenerLimits(config);
            connections.add(connection);
            if (closing) {
                return;
            }
            MDC.put(MDC_SESSION, connection.id());
            log.info("{} session {} start remote={}", config.name(), connection.id(), ip.getHostAddress());
            connection.handshake(config.tlsHandshakeTimeout());
            handler.handle(connection);
        } catch (SocketException e) {
            log.debug("{}: connection from {} ended: {}", config.name(), ip.getHostAddress(), e.toString());
        } catch (IOException e) {
            log.debug("{}: connection from {} failed: {}", config.name(), ip.getHostAddress(), e.toString());
        } catch (Exception e) {
            log.error("{}: session from {} crashed", config.name(), ip.getHostAddress(), e);
        } finally {
            if (connection != null) {
                connection.close();
                connections.remove(connection);
                log.info("{} session {} end remote={} duration={}ms", config.name(), connection.id(),
                        ip.getHostAddress(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            } else {
                closeQuietly(socket);
            }
            MDC.remove(MDC_SESSION);
            release(ip);
        }
    }

    private void release(InetAddress ip) {
        open.decrementAndGet();
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    /** Number of open connections. */
    public int openConnections() {
        return open.get();
    }

    /**
     * Stops accepting and asks sessions to finish; waits up to {@code graceMillis} for them to end, then
     * closes their sockets and waits briefly for their threads.
     */
    public void close(long graceMillis) {
        closing = true;
        closeQuietly(server);
        acceptor.interrupt();
        // The socket's file descriptor is released only when the accepting thread leaves accept();
        // wait for that so the port is really closed when close returns.
        joinQuietly(acceptor, ACCEPTOR_EXIT_WAIT);
        connections.forEach(Connection::requestShutdown);
        waitForSessions(Duration.ofMillis(graceMillis));
        if (!connections.isEmpty()) {
            log.info("{}: closing {} sessions still open after the grace period", config.name(), connections.size());
            connections.forEach(Connection::abort);
            waitForSessions(FORCED_CLOSE_WAIT);
        }
        log.info("{} closed", config.name());
    }

    private static void joinQuietly(Thread thread, Duration wait) {
        try {
            thread.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitForSessions(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            pause(Duration.ofMillis(20));
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(0);
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
