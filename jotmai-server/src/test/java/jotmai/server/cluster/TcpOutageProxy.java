package jotmai.server.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay between the Jotmai nodes and PostgreSQL that can fail like the database does: {@link #cut()}
 * closes every relayed connection and hangs up on new ones at once (to a node this is a stopped or
 * unreachable server: the driver sees the connection end, reconnects fail), {@link #restore()} lets
 * connections through again. Lets the outage test run in CI without stopping the PostgreSQL server
 * other test classes share.
 */
final class TcpOutageProxy implements AutoCloseable {

    static final int COPY_BUFFER_BYTES = 16 * 1024;
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean up = true;

    TcpOutageProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("pg-proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    void cut() {
        up = false;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    void restore() {
        up = true;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (!up) {
                closeQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("pg-proxy-connect").start(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        open.add(client);
        open.add(upstream);
        if (!up) { // cut while connecting
            cut();
            return;
        }
        Thread.ofVirtual().name("pg-proxy-up").start(() -> copy(client, upstream));
        Thread.ofVirtual().name("pg-proxy-down").start(() -> copy(upstream, client));
    }

    /** Copies until either side ends, then closes both (a half-open relay would hide the outage). */
    private void copy(Socket from, Socket to) {
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // cut, or one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
