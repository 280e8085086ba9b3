package jotmai.shared.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on one address and runs each on its own virtual thread. Enforces the total and
 * per-IP connection limits by closing excess connections at once (a protocol that wants to say why
 * first can check {@link #openFrom} itself). {@link #close} stops accepting, then waits for running
 * sessions up to a grace period before closing their sockets.
 */
public final class Listener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    private final ListenerConfig config;
    private final Supplier<SSLContext> tls;
    private final ConnectionHandler handler;
    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /**
     * Binds and starts accepting.
     *
     * @param tls supplies the current TLS context (it may change when certificates are reloaded);
     *            null when TLS is not configured
     */
    public Listener(ListenerConfig config, Supplier<SSLContext> tls, ConnectionHandler handler) throws IOException {
        this.config = config;
        this.tls = tls;
        this.handler = handler;
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

    /** Open connections from one address, this one included. */
    public int openFrom(InetAddress address) {
        AtomicInteger n = perIp.get(address);
        return n == null ? 0 : n.get();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    log.warn("{}: accept failed: {}", config.name(), e.toString());
                }
                continue;
            }
            InetAddress ip = socket.getInetAddress();
            int total = open.incrementAndGet();
            int fromIp = perIp.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
            if (total > config.maxConnections() || fromIp > config.maxPerIp()) {
                log.warn("{}: refusing {} (open {}, from this address {})", config.name(), ip, total, fromIp);
                closeQuietly(socket);
                release(ip);
                continue;
            }
            Thread.ofVirtual().name(config.name() + "-" + ip.getHostAddress()).start(() -> serve(socket, ip));
        }
    }

    private void serve(Socket socket, InetAddress ip) {
        Connection connection = null;
        try {
            socket.setTcpNoDelay(true);
            Socket s = socket;
            if (config.implicitTls()) {
                SSLContext context = tls == null ? null : tls.get();
                if (context == null) {
                    throw new IOException("implicit TLS listener without a TLS context");
                }
                SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                ssl.setUseClientMode(false);
                s = ssl;
            }
            connection = new Connection(config.name(), s, tls == null ? null : tls.get());
            connection.handshake(config.tlsHandshakeTimeout());
            connections.add(connection);
            handler.handle(connection);
        } catch (SocketException e) {
            log.debug("{}: connection from {} ended: {}", config.name(), ip, e.toString());
        } catch (IOException e) {
            log.debug("{}: connection from {} failed: {}", config.name(), ip, e.toString());
        } catch (Exception e) {
            log.error("{}: session from {} crashed", config.name(), ip, e);
        } finally {
            if (connection != null) {
                connections.remove(connection);
                connection.close();
            } else {
                closeQuietly(socket);
            }
            release(ip);
        }
    }

    private void release(InetAddress ip) {
        open.decrementAndGet();
        perIp.computeIfPresent(ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
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

    /** Stops accepting; waits up to {@code graceMillis} for sessions to end, then closes their sockets. */
    public void close(long graceMillis) {
        closing = true;
        closeQuietly(server);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.forEach(Connection::close);
        acceptor.interrupt();
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
