package jotmai.server.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client that speaks octets, not a protocol: hostile tests need to send what no library would (a
 * line that never ends, a literal that never comes) and to see exactly what the server answers.
 */
final class RawClient implements AutoCloseable {
    /** Longest line this client keeps; the rest of a longer line is dropped. */
    private static final int MAX_LINE = 64 * 1024;

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port} from {@code localAddress} (another loopback address keeps the
     *  per-IP counters apart), with a small receive buffer when {@code receiveBuffer > 0}. */
    static RawClient connect(String localAddress, int port, int receiveBuffer, Duration readTimeout)
            throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connect, so the TCP window is small from the start
        }
        s.bind(new InetSocketAddress(localAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout((int) readTimeout.toMillis());
        s.setTcpNoDelay(true);
        return new RawClient(s);
    }

    static RawClient connect(int port) throws IOException {
        return connect("127.0.0.1", port, 0, Duration.ofSeconds(30));
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The next line without CRLF, or null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
    }

    /** Reads lines until one starts with {@code prefix}; returns it. Fails at end of stream. */
    String readUntil(String prefix) throws IOException {
        for (int i = 0; i < 1_000_000; i++) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed while waiting for '" + prefix + "'");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("no line starting with '" + prefix + "'");
    }

    /** Sends {@code command} + CRLF and returns the first line starting with {@code prefix}. */
    String command(String command, String prefix) throws IOException {
        send(command + "\r\n");
        return readUntil(prefix);
    }

    /**
     * Waits, reading and discarding, until the server closes the connection (end of stream or reset).
     *
     * @return what happened: the last complete line received before the close and the octets read
     * @throws SocketTimeoutException if the server keeps the connection open longer than {@code max}
     */
    Closed awaitClose(Duration max) throws IOException {
        socket.setSoTimeout((int) max.toMillis());
        long deadline = System.nanoTime() + max.toNanos();
        long octets = 0;
        String lastLine = null;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (System.nanoTime() < deadline) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketException reset) {
                return new Closed(lastLine, octets);
            }
            if (n < 0) {
                return new Closed(lastLine, octets);
            }
            octets += n;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    lastLine = line.toString(StandardCharsets.ISO_8859_1).strip();
                    line.reset();
                } else if (line.size() < 1024) {
                    line.write(buffer[i]);
                }
            }
        }
        throw new SocketTimeoutException("server kept the connection open longer than " + max);
    }

    record Closed(String lastLine, long octets) {}

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
