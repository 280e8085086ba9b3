package jotmai.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The wire of one outbound SMTP connection: reading (multi-line) replies with a deadline per read,
 * writing command lines, and the switch to TLS. No SMTP logic lives here.
 */
final class SmtpConnection implements Closeable {

    /** RFC 5321 §4.5.3.1.5 says 512 octets per reply line; we accept more but not without bound. */
    static final int MAX_REPLY_LINE = 4_096;
    /** Lines in one multi-line reply (an EHLO reply has one per extension). */
    static final int MAX_REPLY_LINES = 200;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpConnection(Socket socket) throws IOException {
        attach(socket);
    }

    static SmtpConnection open(InetSocketAddress address, Duration connectTimeout) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, (int) connectTimeout.toMillis());
            s.setTcpNoDelay(true);
            return new SmtpConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void attach(Socket s) throws IOException {
        this.socket = s;
        this.in = new BufferedInputStream(s.getInputStream(), 8192);
        this.out = new BufferedOutputStream(s.getOutputStream(), 16384);
    }

    /** RFC 3207 §4: after 220 to STARTTLS, handshake and start over on the encrypted stream. */
    void startTls(SSLContext context, String peerName) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                peerName, socket.getPort(), true);
        tls.setUseClientMode(true);
        SSLParameters p = tls.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        tls.setSSLParameters(p);
        tls.startHandshake();
        attach(tls);
    }

    boolean encrypted() {
        return socket instanceof SSLSocket;
    }

    void writeLine(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    OutputStream raw() {
        return out;
    }

    void flush() throws IOException {
        out.flush();
    }

    /** One command, flushed, and its reply. */
    Reply command(String line, Duration timeout) throws IOException {
        writeLine(line);
        flush();
        return readReply(timeout);
    }

    /** Reads one reply (RFC 5321 §4.2.1: "code-text" lines then "code text"). */
    Reply readReply(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        List<String> lines = new ArrayList<>();
        int code = -1;
        for (int i = 0; i < MAX_REPLY_LINES; i++) {
            String line = readLine();
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2))) {
                throw new ProtocolException("malformed reply line: " + printable(line));
            }
            int c = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && c != code) {
                throw new ProtocolException("reply code changed within a multi-line reply");
            }
            code = c;
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            lines.add(line.length() > 4 ? line.substring(4) : "");
            if (!more) {
                return new Reply(code, List.copyOf(lines));
            }
        }
        throw new ProtocolException("reply longer than " + MAX_REPLY_LINES + " lines");
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("timeout waiting for the server's reply");
            }
            if (b < 0) {
                throw new ProtocolException("connection closed by the server");
            }
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.UTF_8);
            }
            if (buf.size() >= MAX_REPLY_LINE) {
                throw new ProtocolException("reply line longer than " + MAX_REPLY_LINE + " octets");
            }
            buf.write(b);
        }
    }

    /** Sets the deadline for writes that may block (a data block, RFC 5321 §4.5.3.2.5). */
    void writeTimeout(Duration timeout) throws IOException {
        // Blocking socket writes have no timeout in Java; SO_TIMEOUT covers reads only. A stalled
        // peer with a full window is cut by the watchdog in OutboundSession.
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }

    /** The peer broke the protocol or the connection: a temporary failure for every open recipient. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }
}
