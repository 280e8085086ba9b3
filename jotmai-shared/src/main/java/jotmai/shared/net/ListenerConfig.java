package jotmai.shared.net;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One listening endpoint.
 *
 * @param name                a label for logs, e.g. "imaps"
 * @param address             where to bind (port 0 picks a free port; tests use that)
 * @param implicitTls         TLS from the first byte (ports 465, 993, 995)
 * @param maxConnections      open connections allowed on this listener in total
 * @param maxPerIp            open connections allowed from one remote address
 * @param backlog             accept backlog
 * @param tlsHandshakeTimeout a TLS handshake (implicit or STARTTLS) must complete within this, in total
 * @param lineDeadline        a line, once begun, must arrive within this (see
 *                            {@link Connection#setLineDeadline}); zero: off
 * @param minDataRate         octets per second of a long line that extend the line deadline
 * @param writeStallTimeout   a write making no progress this long (client not reading) ends the connection
 */
public record ListenerConfig(String name, InetSocketAddress address, boolean implicitTls, int maxConnections,
                             int maxPerIp, int backlog, Duration tlsHandshakeTimeout, Duration lineDeadline,
                             int minDataRate, Duration writeStallTimeout) {

    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    public static final int DEFAULT_MAX_PER_IP = 100;

    public ListenerConfig {
        if (minDataRate < 1) {
            throw new IllegalArgumentException("minDataRate must be positive");
        }
    }

    /** With the default line deadline, data rate and write-stall timeout of {@link Limits}. */
    public ListenerConfig(String name, InetSocketAddress address, boolean implicitTls, int maxConnections,
                          int maxPerIp, int backlog, Duration tlsHandshakeTimeout) {
        this(name, address, implicitTls, maxConnections, maxPerIp, backlog, tlsHandshakeTimeout,
                Limits.DEFAULT_LINE_DEADLINE, Limits.DEFAULT_MIN_DATA_RATE, Limits.DEFAULT_WRITE_STALL_TIMEOUT);
    }

    public static ListenerConfig loopback(String name, boolean implicitTls) {
        return new ListenerConfig(name, new InetSocketAddress("127.0.0.1", 0), implicitTls,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PER_IP, 512, Duration.ofSeconds(30));
    }
}
