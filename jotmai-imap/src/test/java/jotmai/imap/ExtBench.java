package jotmai.imap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import jotmai.store.Account;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.UidSet;

/**
 * Issue 7 benchmarks, run by bench/imap/ext-bench.sh (not a unit test): (1) bytes a FETCH of 1,000
 * headers takes with and without COMPRESS=DEFLATE; (2) resync of a 50,000-message mailbox after 100
 * changes, QRESYNC vs a full UID FETCH 1:* (UID FLAGS): bytes and time. A real server on loopback
 * with a SQLite store in a temp dir; the client counts the octets it receives off the socket.
 */
public final class ExtBench {
    private ExtBench() {}

    /** A raw client that counts received socket octets, optionally after COMPRESS. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        long received;
        Inflater inflater;
        Deflater deflater;
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        int tag;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(600_000);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            byte[] b = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
            if (deflater == null) {
                out.write(b);
            } else {
                deflater.setInput(b);
                byte[] buf = new byte[4096];
                int n;
                while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
                    out.write(buf, 0, n);
                }
            }
            out.flush();
        }

        /** Plain octets until a line starting with {@code prefix} has been completed; returns the text. */
        String until(String prefix) throws IOException, DataFormatException {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            byte[] raw = new byte[64 * 1024];
            byte[] plain = new byte[256 * 1024];
            while (true) {
                String s = text.toString(StandardCharsets.ISO_8859_1);
                int at = s.startsWith(prefix) ? 0 : s.indexOf("\r\n" + prefix);
                if (at >= 0 && s.indexOf("\r\n", at + 2) >= 0) {
                    return s;
                }
                if (inflater != null) {
                    int n = inflater.inflate(plain);
                    if (n > 0) {
                        text.write(plain, 0, n);
                        continue;
                    }
                }
                int got = in.read(raw);
                if (got < 0) {
                    throw new IOException("closed");
                }
                received += got;
                if (inflater != null) {
                    inflater.setInput(raw, 0, got);
                } else {
                    text.write(raw, 0, got);
                }
            }
        }

        String command(String command) throws IOException, DataFormatException {
            String t = "b" + (++tag);
            send(t + " " + command);
            return until(t + " ");
        }

        void login(String user) throws Exception {
            until("* OK");
            command("LOGIN " + user + " " + ImapFixture.PASSWORD);
        }

        void compress() throws Exception {
            String t = "b" + (++tag);
            send(t + " COMPRESS DEFLATE");
            // read the OK byte by byte: what follows is compressed
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
                received++;
            }
            received++;
            inflater = new Inflater(true);
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String message(int i) {
        return "From: \"Sender " + (i % 97) + "\" <sender" + (i % 97) + "@example.org>\r\nTo: alice@example.test\r\n"
                + "Subject: Report " + i + " for the quarterly meeting\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <m" + i + "@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "\r\nHello " + i + "\r\n";
    }

    static void fill(ImapFixture fx, Mailbox box, int from, int to) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int start = from + t;
                all.add(pool.submit(() -> {
                    for (int i = start; i < to; i += 16) {
                        fx.store.mail().append(box.id(), MessageSource.ofBytes(message(i).getBytes(StandardCharsets.UTF_8)),
                                Set.of(), Instant.parse("2026-11-20T10:00:00Z"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int big = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        Path dir = Files.createTempDirectory("jotmai-ext-bench");
        try (ImapFixture fx = new ImapFixture(dir.resolve("data"))) {
            Account alice = fx.account("alice");
            Account bob = fx.account("bob");
            fx.start();
            // ---- 1: COMPRESS on a FETCH of 1,000 headers ----
            fill(fx, fx.inbox(bob), 0, 1000);
            for (boolean compress : new boolean[] {false, true}) {
                try (Client c = new Client(fx.port())) {
                    c.login("bob@example.test");
                    if (compress) {
                        c.compress();
                    }
                    c.command("SELECT INBOX");
                    long before = c.received;
                    long t0 = System.nanoTime();
                    c.command("FETCH 1:1000 (BODY.PEEK[HEADER])");
                    System.out.printf("compress=%s fetch_1000_headers_bytes=%d ms=%.0f%n", compress,
                            c.received - before, (System.nanoTime() - t0) / 1e6);
                }
            }
            // ---- 2: resync of a big mailbox after 100 changes ----
            Mailbox inbox = fx.inbox(alice);
            long f0 = System.nanoTime();
            fill(fx, inbox, 0, big);
            System.out.printf("filled %d messages in %.0f s%n", big, (System.nanoTime() - f0) / 1e9);
            long uidValidity;
            long modSeq;
            try (Client c = new Client(fx.port())) {
                c.login("alice@example.test");
                c.command("ENABLE QRESYNC");
                String select = c.command("SELECT INBOX");
                uidValidity = number(select, "UIDVALIDITY (\\d+)");
                modSeq = number(select, "HIGHESTMODSEQ (\\d+)");
            }
            // 100 changes by others: 50 flag changes, 25 expunges, 25 appends
            for (int i = 0; i < 50; i++) {
                fx.store.mail().updateFlags(inbox.id(), UidSet.of(List.of((long) (1 + i * 997 % big))), FlagOperation.ADD,
                        Set.of("\\Seen"), java.util.OptionalLong.empty());
            }
            List<Long> gone = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                gone.add((long) (500 + i * 1_931 % (big - 1000)));
            }
            fx.store.mail().updateFlags(inbox.id(), UidSet.of(gone.stream().sorted().distinct().toList()),
                    FlagOperation.ADD, Set.of("\\Deleted"), java.util.OptionalLong.empty());
            fx.store.mail().expunge(inbox.id(), java.util.Optional.empty());
            fill(fx, inbox, big, big + 25);
            for (String mode : new String[] {"qresync", "full", "qresync", "full"}) {
                try (Client c = new Client(fx.port())) {
                    c.login("alice@example.test");
                    long before = c.received;
                    long t0 = System.nanoTime();
                    String r;
                    if (mode.equals("qresync")) {
                        c.command("ENABLE QRESYNC");
                        r = c.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + "))");
                    } else {
                        c.command("SELECT INBOX");
                        r = c.command("UID FETCH 1:* (UID FLAGS)");
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.printf("resync mode=%s messages=%d bytes=%d ms=%d fetch_lines=%d%n", mode, big,
                            c.received - before, ms, r.split("\r\n").length);
                }
            }
        }
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex);
        }
        return Long.parseLong(m.group(1));
    }
}
