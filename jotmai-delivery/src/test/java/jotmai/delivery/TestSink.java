package jotmai.delivery;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server for tests on 127.0.0.1: records every transaction; replies are configurable
 * (EHLO extensions, per-recipient replies, the reply to the final dot, a silent greeting).
 */
final class TestSink implements AutoCloseable {

    record Received(String mailFrom, List<String> rcptTo, byte[] data, boolean tls, int connection) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    volatile List<String> extensions = List.of("PIPELINING", "8BITMIME", "SIZE 10000000", "DSN", "SMTPUTF8");
    volatile boolean refuseEhlo;
    volatile boolean silent;
    volatile Function<String, String> rcptReply = a -> "250 2.1.5 ok";
    volatile Function<Integer, String> dataReply = n -> "250 2.0.0 queued as " + n;
    volatile SSLContext tls;
    /** Close the connection right after answering the final dot (a peer that ends idle sessions). */
    volatile boolean hangUpAfterData;
    /** When set, AUTH PLAIN is offered and must carry exactly this "\0user\0password". */
    volatile String authPlain;
    final List<String> authenticated = new CopyOnWriteArrayList<>();
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicInteger transactions = new AtomicInteger();
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    TestSink() throws IOException {
        this(0);
    }

    TestSink(int port) throws IOException {
        this(InetAddress.getLoopbackAddress(), port);
    }

    /** Listening on {@code address} (e.g. ::1 for IPv6 tests). */
    TestSink(InetAddress address, int port) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new java.net.InetSocketAddress(address, port), 50);
        server = ss;
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                int n = connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connection) {
        maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
        boolean counted = true;
        try (socket) {
            socket.setSoTimeout(60_000);
            if (silent) {
                Thread.sleep(60_000);
                return;
            }
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            boolean tlsOn = false;
            reply(out, "220 sink.test ESMTP");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                commands.add(line);
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    if (refuseEhlo) {
                        reply(out, "502 5.5.2 what?");
                        continue;
                    }
                    StringBuilder r = new StringBuilder("250-sink.test");
                    List<String> ext = new ArrayList<>(extensions);
                    if (tls != null && !tlsOn) {
                        ext.add("STARTTLS");
                    }
                    if (authPlain != null) {
                        ext.add("AUTH PLAIN LOGIN");
                    }
                    for (int k = 0; k < ext.size(); k++) {
                        r.append("\r\n250").append(k == ext.size() - 1 ? ' ' : '-').append(ext.get(k));
                    }
                    if (ext.isEmpty()) {
                        r = new StringBuilder("250 sink.test");
                    }
                    reply(out, r.toString());
                } else if (upper.startsWith("HELO")) {
                    reply(out, "250 sink.test");
                } else if (upper.equals("STARTTLS") && tls != null) {
                    reply(out, "220 2.0.0 go ahead");
                    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
                    s.setUseClientMode(false);
                    s.startHandshake();
                    in = new BufferedInputStream(s.getInputStream());
                    out = s.getOutputStream();
                    tlsOn = true;
                } else if (upper.startsWith("AUTH PLAIN ") && authPlain != null) {
                    String decoded = new String(java.util.Base64.getDecoder().decode(line.substring(11).trim()),
                            StandardCharsets.UTF_8);
                    if (decoded.equals(authPlain)) {
                        authenticated.add(decoded.substring(1, decoded.indexOf('\0', 1)));
                        reply(out, "235 2.7.0 authenticated");
                    } else {
                        reply(out, "535 5.7.8 bad credentials");
                    }
                } else if (upper.startsWith("MAIL FROM:")) {
                    from = between(line);
                    rcpts.clear();
                    reply(out, "250 2.1.0 ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String a = between(line);
                    String r = rcptReply.apply(a);
                    if (r.startsWith("2")) {
                        rcpts.add(a);
                    }
                    reply(out, r);
                } else if (upper.equals("DATA")) {
                    if (rcpts.isEmpty()) {
                        reply(out, "554 5.5.1 no valid recipients");
                        continue;
                    }
                    reply(out, "354 go ahead");
                    byte[] data = readData(in);
                    int t = transactions.incrementAndGet();
                    String r = dataReply.apply(t);
                    if (r.startsWith("2")) {
                        received.add(new Received(from, List.copyOf(rcpts), data, tlsOn, connection));
                    }
                    reply(out, r);
                    if (hangUpAfterData) {
                        return;
                    }
                } else if (upper.startsWith("BDAT ")) {
                    // RFC 3030 §2: read the chunk whatever happens; the transaction ends with LAST
                    String[] words = line.trim().split("\\s+");
                    byte[] chunk = in.readNBytes(Integer.parseInt(words[1]));
                    chunks.writeBytes(chunk);
                    if (words.length < 3 || !words[2].equalsIgnoreCase("LAST")) {
                        reply(out, "250 2.0.0 " + chunk.length + " octets");
                        continue;
                    }
                    byte[] data = chunks.toByteArray();
                    chunks.reset();
                    int t = transactions.incrementAndGet();
                    String r = rcpts.isEmpty() ? "554 5.5.1 no valid recipients" : dataReply.apply(t);
                    if (r.startsWith("2")) {
                        received.add(new Received(from, List.copyOf(rcpts), data, tlsOn, connection));
                    }
                    reply(out, r);
                } else if (upper.equals("RSET")) {
                    rcpts.clear();
                    reply(out, "250 2.0.0 ok");
                } else if (upper.equals("QUIT")) {
                    // no longer active once QUIT is answered: the client may open the next connection
                    // as soon as it reads 221, before this thread reaches its finally block
                    active.decrementAndGet();
                    counted = false;
                    reply(out, "221 2.0.0 bye");
                    return;
                } else {
                    reply(out, "500 5.5.1 unknown");
                }
            }
        } catch (IOException | InterruptedException e) {
            // connection ends
        } finally {
            if (counted) {
                active.decrementAndGet();
            }
        }
    }

    private static String between(String line) {
        int lt = line.indexOf('<');
        int gt = line.indexOf('>', lt + 1);
        return lt >= 0 && gt > lt ? line.substring(lt + 1, gt) : "";
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
    }

    /** Reads up to CRLF.CRLF, undoing dot-stuffing. */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            String line = readLineRaw(in);
            if (line == null) {
                // The client vanished before <CRLF>.<CRLF> (e.g. killed mid-DATA): like a real server,
                // accept nothing from this transaction.
                throw new java.io.EOFException("connection closed inside DATA");
            }
            if (line.equals(".")) {
                return data.toByteArray();
            }
            if (line.startsWith(".")) {
                line = line.substring(1);
            }
            data.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
            data.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static String readLineRaw(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
