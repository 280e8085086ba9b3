package jotmai.shared.net;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * One accepted client connection. Only the connection's own thread writes to {@link #out()}
 * (single-writer rule); a helper thread may read while the session thread writes (IMAP IDLE).
 */
public final class Connection implements AutoCloseable {
    private final String id;
    private final String listenerName;
    private final SSLContext tls;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    Connection(String listenerName, Socket socket, SSLContext tls) throws IOException {
        this.id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.listenerName = listenerName;
        this.socket = socket;
        this.tls = tls;
        bindStreams();
    }

    /** Wraps an existing socket, e.g. for tests; implicit TLS already done or not wanted. */
    public static Connection of(String listenerName, Socket socket, SSLContext tls) throws IOException {
        return new Connection(listenerName, socket, tls);
    }

    private void bindStreams() throws IOException {
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
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
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    public InetAddress remoteAddress() {
        return remote().getAddress();
    }

    public InetSocketAddress local() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
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

    /** Sets the read timeout; a read that waits longer throws {@link java.net.SocketTimeoutException}. */
    public void setReadTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * Upgrades to TLS in place (SMTP/IMAP STARTTLS, POP3 STLS). The caller has already flushed its "go
     * ahead" reply. Bytes the client pipelined after the command are discarded by replacing the
     * buffered input, which RFC 3207 §4.2 and RFC 9051 §6.2.1 require (defends against injection).
     */
    public void startTls() throws IOException {
        if (tls == null) {
            throw new IllegalStateException("no TLS configured");
        }
        out.flush();
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
        ssl.setUseClientMode(false);
        ssl.startHandshake();
        socket = ssl;
        bindStreams();
    }

    /** Completes the handshake of an implicit-TLS socket. */
    void handshake(Duration timeout) throws IOException {
        if (socket instanceof SSLSocket ssl) {
            setReadTimeout(timeout);
            ssl.startHandshake();
            setReadTimeout(Duration.ZERO);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing left to do
        }
    }
}
