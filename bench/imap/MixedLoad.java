import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mixed IMAP load (issue 4): SESSIONS clients, each on its own user's pre-filled mailbox "bench",
 * repeating a cycle of LOGIN, SELECT, ten times (FETCH FLAGS of a range, FETCH ENVELOPE+BODYSTRUCTURE,
 * FETCH BODY.PEEK[1] and BODY.PEEK[2], UID STORE +FLAGS, UID SEARCH), APPEND, STORE \Deleted of the
 * appended message + EXPUNGE, LOGOUT. Reports operations per second and p50/p99 latency per command.
 *
 *   java bench/imap/MixedLoad.java HOST PORT SESSIONS SECS [FIRST_USER] [USER_FMT] [PASS] [PREFILL]
 *
 * FIRST_USER (default 1): session i uses user FIRST_USER+i. USER_FMT "user%d@example.test", PASS
 * "pass", PREFILL 200 messages (the mailbox is deleted and filled again before the run, not timed).
 * One virtual thread per session, blocking sockets, loopback. Prints one SUMMARY line.
 */
public final class MixedLoad {
    static final int OPS_PER_CYCLE = 10;
    static final int MAX_SAMPLES_PER_OP = 2_000_000;

    static final Map<String, long[]> samples = new ConcurrentHashMap<>();
    static final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    static final AtomicLong errors = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int sessions = Integer.parseInt(args[2]);
        int secs = Integer.parseInt(args[3]);
        int firstUser = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        String userFmt = args.length > 5 ? args[5] : "user%d@example.test";
        String pass = args.length > 6 ? args[6] : "pass";
        int prefill = args.length > 7 ? Integer.parseInt(args[7]) : 200;

        List<Thread> fill = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            String user = String.format(userFmt, firstUser + i);
            fill.add(Thread.ofVirtual().start(() -> {
                try {
                    prefill(host, port, user, pass, prefill);
                } catch (IOException e) {
                    System.err.println("prefill " + user + ": " + e);
                    errors.incrementAndGet();
                }
            }));
        }
        for (Thread t : fill) {
            t.join();
        }
        System.out.printf("prefilled %d mailboxes with %d messages%n", sessions, prefill);

        long start = System.nanoTime();
        long end = start + secs * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            String user = String.format(userFmt, firstUser + i);
            workers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    try {
                        cycle(host, port, user, pass, end);
                    } catch (IOException e) {
                        if (errors.incrementAndGet() <= 5) {
                            System.err.println(user + ": " + e);
                        }
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long total = 0;
        StringBuilder perOp = new StringBuilder();
        for (Map.Entry<String, AtomicLong> e : new TreeMap<>(counts).entrySet()) {
            long n = e.getValue().get();
            total += n;
            long[] s = Arrays.copyOf(samples.get(e.getKey()), (int) Math.min(n, MAX_SAMPLES_PER_OP));
            Arrays.sort(s);
            perOp.append(String.format(" %s=%d/%.1f/%.1f", e.getKey(), n, pct(s, 50), pct(s, 99)));
        }
        long[] all = samples.values().stream().flatMapToLong(a -> Arrays.stream(a).filter(v -> v > 0)).sorted().toArray();
        System.out.printf("SUMMARY sessions=%d secs=%.1f ops=%d ops_per_sec=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d "
                        + "load=%s per_op(count/p50ms/p99ms):%s%n", sessions, elapsed, total, total / elapsed,
                pct(all, 50), pct(all, 99), errors.get(), Files.readString(Path.of("/proc/loadavg")).split(" ")[0],
                perOp);
    }

    /** One LOGIN ... LOGOUT cycle of the mix. */
    static void cycle(String host, int port, String user, String pass, long end) throws IOException {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try (Client c = new Client(host, port)) {
            c.timed("LOGIN", "LOGIN " + user + " " + pass);
            List<String> sel = c.timed("SELECT", "SELECT bench");
            int exists = 0;
            for (String l : sel) {
                if (l.endsWith(" EXISTS")) {
                    exists = Integer.parseInt(l.split(" ")[1]);
                }
            }
            for (int i = 0; i < OPS_PER_CYCLE && System.nanoTime() < end && exists > 0; i++) {
                int a = 1 + rnd.nextInt(exists);
                int b = Math.min(exists, a + 19);
                c.timed("FETCH_FLAGS", "FETCH " + a + ":" + b + " (FLAGS)");
                c.timed("FETCH_ENVELOPE", "FETCH " + a + " (ENVELOPE BODYSTRUCTURE RFC822.SIZE)");
                c.timed("FETCH_PART", "FETCH " + a + " (BODY.PEEK[1] BODY.PEEK[2]<0.2048>)");
                c.timed("STORE", "STORE " + a + " " + (rnd.nextBoolean() ? "+" : "-") + "FLAGS (\\Seen)");
                c.timed("SEARCH", rnd.nextBoolean() ? "UID SEARCH UNSEEN" : "UID SEARCH SUBJECT \"report\"");
            }
            byte[] msg = message(rnd.nextInt(1_000_000));
            List<String> app = c.timedLiteral("APPEND", "APPEND bench (\\Seen) {" + msg.length + "+}", msg);
            long uid = -1;
            for (String l : app) {
                int k = l.indexOf("[APPENDUID ");
                if (k >= 0) {
                    uid = Long.parseLong(l.substring(k).split("[ \\]]")[2]);
                }
            }
            if (uid > 0) {
                c.timed("STORE", "UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)");
                c.timed("EXPUNGE", "EXPUNGE");
            }
            c.timed("LOGOUT", "LOGOUT");
        }
    }

    static void prefill(String host, int port, String user, String pass, int n) throws IOException {
        try (Client c = new Client(host, port)) {
            c.command("LOGIN " + user + " " + pass);
            c.commandAllowingNo("DELETE bench");
            c.command("CREATE bench");
            for (int i = 0; i < n; i++) {
                byte[] msg = message(i);
                c.literal((i % 3 == 0 ? "APPEND bench (\\Seen) {" : "APPEND bench {") + msg.length + "+}", msg);
            }
            c.command("LOGOUT");
        }
    }

    /** A small multipart message: a text part and a ~6 KB base64 attachment. */
    static byte[] message(int n) {
        StringBuilder att = new StringBuilder();
        byte[] raw = new byte[4_500];
        new java.util.Random(n).nextBytes(raw);
        String b64 = java.util.Base64.getMimeEncoder().encodeToString(raw);
        att.append(b64);
        String s = "From: Sender " + n + " <sender" + n + "@example.test>\r\n"
                + "To: bench@example.test\r\n"
                + "Subject: " + (n % 5 == 0 ? "weekly report " : "note ") + n + "\r\n"
                + "Date: Sat, 28 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <m" + n + "@example.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b" + n + "\"\r\n\r\n"
                + "--b" + n + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                + ("Hello, this is message " + n + ".\r\n").repeat(20)
                + "--b" + n + "\r\nContent-Type: application/octet-stream; name=\"a.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n"
                + "--b" + n + "--\r\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void record(String op, long nanos) {
        long n = counts.computeIfAbsent(op, k -> new AtomicLong()).getAndIncrement();
        long[] s = samples.computeIfAbsent(op, k -> new long[MAX_SAMPLES_PER_OP]);
        if (n < s.length) {
            s[(int) n] = nanos;
        }
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** A minimal blocking IMAP client: tagged commands, literals in responses skipped over. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int tag;

        Client(String host, int port) throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 30_000);
            socket.setSoTimeout(120_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
            readLine(); // greeting
        }

        List<String> timed(String op, String command) throws IOException {
            long t0 = System.nanoTime();
            List<String> r = command(command);
            record(op, System.nanoTime() - t0);
            return r;
        }

        List<String> timedLiteral(String op, String command, byte[] literal) throws IOException {
            long t0 = System.nanoTime();
            List<String> r = literal(command, literal);
            record(op, System.nanoTime() - t0);
            return r;
        }

        List<String> command(String command) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return response(t, false);
        }

        void commandAllowingNo(String command) throws IOException {
            String t = "t" + (++tag);
            out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            response(t, true);
        }

        /** A command ending in a non-synchronizing literal (LITERAL+, RFC 7888). */
        List<String> literal(String command, byte[] literal) throws IOException {
            String t = "t" + (++tag);
            ByteArrayOutputStream b = new ByteArrayOutputStream(literal.length + 100);
            b.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
            b.write(literal);
            b.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(b.toByteArray());
            out.flush();
            return response(t, false);
        }

        private List<String> response(String t, boolean allowNo) throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = readLine();
                if (l == null) {
                    throw new IOException("connection closed");
                }
                if (l.startsWith(t + " ")) {
                    if (!l.startsWith(t + " OK") && !allowNo) {
                        throw new IOException("failed: " + l);
                    }
                    lines.add(l);
                    return lines;
                }
                lines.add(l);
            }
        }

        /** Reads one response line; a literal {n} at its end is read and skipped (kept out of the line). */
        private String readLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return sb.isEmpty() ? null : sb.toString();
                }
                if (c == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    len = sb.length();
                    if (len > 2 && sb.charAt(len - 1) == '}') {
                        int open = sb.lastIndexOf("{");
                        if (open >= 0) {
                            long n = Long.parseLong(sb.substring(open + 1, len - 1).replace("+", ""));
                            in.skipNBytes(n);
                            sb.append("<literal>");
                            continue; // the response goes on after the literal
                        }
                    }
                    return sb.toString();
                }
                sb.append((char) c);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
