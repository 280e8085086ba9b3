package jotmai.imap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw IMAP client for transcript tests: sends lines, reads response lines (literals are inlined
 * into the line as "{n}\r\n" + bytes), and collects everything up to a tagged completion.
 */
final class ImapTestClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tagCounter;

    ImapTestClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    ImapTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Reads one response line; literals are appended to it (so a FETCH with BODY[] is one "line"). */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                if (s.endsWith("\r")) {
                    s = s.substring(0, s.length() - 1);
                }
                int open = s.lastIndexOf('{');
                if (s.endsWith("}") && open >= 0 && s.substring(open + 1, s.length() - 1).matches("\\d+")) {
                    int n = Integer.parseInt(s.substring(open + 1, s.length() - 1));
                    byte[] lit = in.readNBytes(n);
                    line.reset();
                    line.writeBytes((s + "\r\n").getBytes(StandardCharsets.UTF_8));
                    line.writeBytes(lit);
                    continue;
                }
                return s;
            }
            line.write(b);
        }
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends "tag command" and returns all lines up to and including the tagged one. */
    List<String> command(String command) throws IOException {
        String tag = "t" + (++tagCounter);
        send(tag + " " + command);
        return until(tag);
    }

    List<String> until(String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            String line = readLine();
            if (line == null) {
                lines.add("<EOF>");
                return lines;
            }
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
        throw new IllegalStateException("too many lines");
    }

    static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /** Most UIDs {@link #uids} expands from one range: a test's mailboxes are far smaller. */
    static final int MAX_RANGE = 1_000;

    /** The UIDs of a sequence set as a VANISHED response writes it ("2:3,5"; RFC 9051 §9 sequence-set). */
    static java.util.TreeSet<Long> uids(String set) {
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        for (String range : set.split(",")) {
            String[] ends = range.split(":");
            long lo = Long.parseLong(ends[0]);
            long hi = ends.length > 1 ? Long.parseLong(ends[1]) : lo;
            for (long u = Math.min(lo, hi); u <= Math.max(lo, hi) && u - Math.min(lo, hi) < MAX_RANGE; u++) {
                out.add(u);
            }
        }
        return out;
    }

    /** The number in group 1 of {@code p}'s first match in {@code lines} (a response code's value). */
    static long number(Pattern p, List<String> lines) {
        for (String line : lines) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no " + p + " in " + lines);
    }

    ImapTestClient login(String user) throws IOException {
        readLine(); // greeting
        List<String> r = command("LOGIN " + user + " " + ImapFixture.PASSWORD);
        if (!last(r).contains("OK")) {
            throw new IllegalStateException("login failed: " + r);
        }
        return this;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
