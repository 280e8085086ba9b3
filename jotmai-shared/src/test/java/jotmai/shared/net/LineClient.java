package jotmai.shared.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A minimal line-based test client over a real socket; every read has a generous timeout. */
final class LineClient implements AutoCloseable {
    static final int TIMEOUT_MILLIS = 30_000;

    Socket socket;
    private InputStream in;
    private OutputStream out;

    LineClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        bind();
    }

    static LineClient connect(int port) throws IOException {
        return new LineClient(new Socket("127.0.0.1", port));
    }

    static LineClient connectTls(int port, SSLContext context, String... protocols) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.startHandshake();
        return new LineClient(s);
    }

    private void bind() throws IOException {
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Upgrades this client to TLS over the same TCP connection (after STARTTLS). */
    void upgrade(SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        s.setUseClientMode(true);
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.startHandshake();
        socket = s;
        bind();
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The next line without CRLF, or null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        throw new IOException("line too long");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
