package jotmai.shared.net;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One listening endpoint.
 *
 * @param name           a label for logs, e.g. "imaps"
 * @param address        where to bind (port 0 picks a free port; tests use that)
 * @param implicitTls    TLS from the first byte (ports 465, 993, 995)
 * @param maxConnections open connections allowed on this listener in total
 * @param maxPerIp       open connections allowed from one remote address
 * @param backlog        accept backlog
 */
public record ListenerConfig(String name, InetSocketAddress address, boolean implicitTls, int maxConnections,
                             int maxPerIp, int backlog, Duration tlsHandshakeTimeout) {

    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    public static final int DEFAULT_MAX_PER_IP = 100;

    public static ListenerConfig loopback(String name, boolean implicitTls) {
        return new ListenerConfig(name, new InetSocketAddress("127.0.0.1", 0), implicitTls,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PER_IP, 512, Duration.ofSeconds(30));
    }
}
