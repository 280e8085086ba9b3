package jotmai.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A raw test client: sends exact bytes, reads whole (multi-line) replies. Timeouts are generous. */
final class SmtpClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 30_000;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    SmtpClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    SmtpClient(java.net.InetAddress address, int port) throws IOException {
        this(new Socket(address, port));
    }

    private SmtpClient(Socket socket) throws IOException {
        bind(socket);
    }

    static SmtpClient implicitTls(int port) throws Exception {
        SSLSocket s = (SSLSocket) TestTls.trustingClient().getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        return new SmtpClient(s);
    }

    private void bind(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Upgrades after the server said 220 to STARTTLS. */
    void startTls() throws Exception {
        SSLContext ctx = TestTls.trustingClient();
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        bind(s);
    }

    /** Reads one reply; all its lines joined by "\n". */
    String reply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                return lines.isEmpty() ? null : String.join("\n", lines);
            }
            lines.add(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join("\n", lines);
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            b.write(c);
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Sends a line with CRLF and returns the reply. */
    String send(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    void write(String raw) throws IOException {
        write(raw.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Whether reply bytes have arrived and can be read without blocking. */
    boolean replyWaiting() throws IOException {
        return in.available() > 0;
    }

    /** True when the server closed the connection (EOF before any reply). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
