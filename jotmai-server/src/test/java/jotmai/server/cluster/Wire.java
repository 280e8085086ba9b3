package jotmai.server.cluster;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A line-oriented protocol client for the cluster tests (SMTP, IMAP, POP3 spoken by hand where a test
 * needs the exact reply: APPENDUID, [IN-USE], timings). Every read has a timeout and every wait for a
 * line is bounded in count, so a misbehaving server fails the test instead of hanging it.
 */
final class Wire implements Closeable {

    /** Read timeout of a socket: generous, the test machine is small and shared. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    /** Lines read while waiting for one that matches, before giving up. */
    static final int MAX_LINES = 100_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    static Wire connect(int port) throws IOException {
        return connect(port, InetAddress.getLoopbackAddress());
    }

    /** Connects to 127.0.0.1:port from a chosen local address (e.g. 127.0.0.2: another client host). */
    static Wire connect(int port, InetAddress from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) READ_TIMEOUT.toMillis());
        return new Wire(s);
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    String line() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("connection closed by the server");
        }
        return line;
    }

    /** Reads lines up to and including the first that matches; returns them all. */
    List<String> until(Predicate<String> last) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < MAX_LINES; i++) {
            String line = line();
            lines.add(line);
            if (last.test(line)) {
                return lines;
            }
        }
        throw new IOException("no matching line in " + MAX_LINES + " lines");
    }

    /** An IMAP command: sends "tag command", returns the lines through the tagged reply. */
    List<String> imap(String tag, String command) throws IOException {
        send(tag + " " + command);
        return until(l -> l.startsWith(tag + " "));
    }

    /** An SMTP reply, multi-line or not; returns its last line. */
    String smtpReply() throws IOException {
        return until(l -> l.length() < 4 || l.charAt(3) != '-').getLast();
    }

    void timeout(Duration d) throws IOException {
        socket.setSoTimeout((int) d.toMillis());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
