package jotmai.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal line client for {@link TrainCommand}'s workload: sends text lines, reads CRLF lines. Every
 * read is bounded by a socket timeout and every response by a line count, so a misbehaving server ends
 * the training run with an exception instead of a hang.
 */
final class TrainingClient implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 30_000;
    private static final int MAX_LINE_BYTES = 1 << 20;
    private static final int MAX_RESPONSE_LINES = 1_000_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tags;

    TrainingClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(80);
        int prev = -1;
        while (line.size() < MAX_LINE_BYTES) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server");
            }
            if (prev == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            prev = b;
        }
        throw new IOException("line too long");
    }

    /** Reads lines until one starts with {@code prefix}; returns all of them. */
    List<String> readUntil(String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < MAX_RESPONSE_LINES; i++) {
            String line = readLine();
            lines.add(line);
            if (line.startsWith(prefix)) {
                return lines;
            }
        }
        throw new IOException("no line starting with " + prefix);
    }

    /** Reads lines until one ends with {@code suffix}. */
    void readUntilEnding(String suffix) throws IOException {
        for (int i = 0; i < MAX_RESPONSE_LINES; i++) {
            if (readLine().endsWith(suffix)) {
                return;
            }
        }
        throw new IOException("no line ending with " + suffix);
    }

    /** One IMAP command with a fresh tag; fails unless the tagged answer is OK. */
    List<String> imap(String command) throws IOException {
        String tag = "t" + (++tags);
        send(tag + " " + command);
        List<String> lines = readUntil(tag + " ");
        String last = lines.getLast();
        if (!last.startsWith(tag + " OK")) {
            throw new IOException("IMAP " + command.split(" ")[0] + ": " + last);
        }
        return lines;
    }

    /** One SMTP command; fails unless the reply (last line of a multi-line reply) has the expected code. */
    String smtp(String command, String expected) throws IOException {
        if (command != null) {
            send(command);
        }
        String line;
        int lines = 0;
        do {
            line = readLine();
        } while (line.length() > 3 && line.charAt(3) == '-' && ++lines < 1_000);
        if (!line.startsWith(expected)) {
            throw new IOException("SMTP " + command + ": " + line);
        }
        return line;
    }

    /** One POP3 command; multi-line answers are read to the lone dot. */
    void pop3(String command, boolean multiLine) throws IOException {
        send(command);
        String status = readLine();
        if (!status.startsWith("+OK")) {
            throw new IOException("POP3 " + command.split(" ")[0] + ": " + status);
        }
        for (int i = 0; multiLine && i < MAX_RESPONSE_LINES; i++) {
            if (readLine().equals(".")) { // RFC 1939 §3: a lone dot ends a multi-line answer
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
