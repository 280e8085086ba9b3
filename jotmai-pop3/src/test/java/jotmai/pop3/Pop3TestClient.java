package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocket;

/** A raw POP3 client for transcript tests: exact lines, no interpretation. */
final class Pop3TestClient implements AutoCloseable {
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    /** The server's greeting line. */
    String greeting;

    private Pop3TestClient(Socket socket) throws IOException {
        bind(socket);
    }

    private void bind(Socket s) throws IOException {
        this.socket = s;
        s.setSoTimeout(30_000);
        this.in = new BufferedInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    static Pop3TestClient connect(int port) throws Exception {
        return connect(new Socket("127.0.0.1", port));
    }

    static Pop3TestClient connect(Socket socket) throws Exception {
        Pop3TestClient c = new Pop3TestClient(socket);
        c.greeting = c.readLine();
        assertThat(c.greeting).startsWith("+OK");
        return c;
    }

    static Pop3TestClient connectTls(int port) throws Exception {
        SSLSocket s = (SSLSocket) TestTls.trustAllClientContext().getSocketFactory().createSocket("127.0.0.1", port);
        s.startHandshake();
        Pop3TestClient c = new Pop3TestClient(s);
        assertThat(c.readLine()).startsWith("+OK");
        return c;
    }

    void startTls() throws Exception {
        SSLSocket s = (SSLSocket) TestTls.trustAllClientContext().getSocketFactory()
                .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        bind(s);
    }

    Socket socket() {
        return socket;
    }

    boolean isTls() {
        return socket instanceof SSLSocket;
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a command and returns the status line. */
    String command(String line) throws IOException {
        send(line);
        return readLine();
    }

    /** One line without CRLF; asserts that it ended in CRLF. Null at EOF. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        assertThat(bytes.length).as("line ends in CRLF").isGreaterThan(0);
        assertThat(bytes[bytes.length - 1]).as("line ends in CRLF").isEqualTo((byte) '\r');
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
    }

    /** The lines of a multi-line body up to the terminating ".", still byte-stuffed. */
    List<String> readMultiLine() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            String line = readLine();
            if (line == null) {
                throw new IOException("EOF inside multi-line response");
            }
            if (line.equals(".")) {
                return lines;
            }
            lines.add(line);
        }
        throw new IOException("multi-line response too long");
    }

    /**
     * The octets of a multi-line body exactly as they came, still stuffed, up to and including the
     * ".CRLF" terminator (a line is anything up to LF, so bare LFs in a message are kept as sent).
     */
    byte[] readRawMultiLine() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int lines = 0; lines < 10_000_000; lines++) {
            int start = all.size();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("EOF inside multi-line response after " + all.size() + " octets");
                }
                all.write(b);
            }
            all.write('\n');
            if (all.size() - start == 3) {
                byte[] tail = java.util.Arrays.copyOfRange(all.toByteArray(), start, start + 3);
                if (tail[0] == '.' && tail[1] == '\r') {
                    return all.toByteArray();
                }
            }
        }
        throw new IOException("multi-line response too long");
    }

    /** Raw octets of a multi-line body after un-stuffing, CRLFs included, as RETR promised to count. */
    byte[] readMessageOctets() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String line : readMultiLine()) {
            String unstuffed = line.startsWith(".") ? line.substring(1) : line;
            body.writeBytes(unstuffed.getBytes(StandardCharsets.UTF_8));
            body.writeBytes(new byte[] {'\r', '\n'});
        }
        return body.toByteArray();
    }

    void login(String user, String password) throws IOException {
        assertThat(command("USER " + user)).startsWith("+OK");
        assertThat(command("PASS " + password)).startsWith("+OK");
    }

    /** True when the server closed the connection. */
    boolean isClosedByServer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
