import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * IMAP IDLE scale benchmark (issue 4): opens N sessions spread over M users' INBOXes, puts them all in
 * IDLE, reads the server's RSS, then APPENDs one message per round to one user's INBOX from another
 * session and measures, for every idler of that mailbox, the time from sending the APPEND to reading
 * its "* n EXISTS", and from the APPEND's tagged OK to it (the fan-out alone, "afterok"), plus the
 * server's CPU per round when SERVER_PID is given. One virtual thread per session, plain blocking
 * sockets, loopback only.
 *
 *   java bench/imap/IdleBench.java HOST PORT SESSIONS USERS ROUNDS [SERVER_PID] [USER_FMT] [PASS]
 *
 * USER_FMT defaults to "user%d@example.test" (users 1..USERS), PASS to "pass". Prints one SUMMARY line.
 * Raise `ulimit -n` above SESSIONS + 100 in the shell that runs this (and in the server's).
 */
public final class IdleBench {
    /** Logins in flight at once: keeps the accept queue and the server's auth path from overflowing. */
    static final int LOGIN_CONCURRENCY = 64;
    static final long SETUP_TIMEOUT_S = 1_800;
    static final long ROUND_TIMEOUT_MS = 20_000;
    /** Rounds left out of the warm_* figures: the server's JIT compiles the wake-up path in the first ones. */
    static final int WARMUP_ROUNDS = 2;

    record Idler(int user, Socket socket, OutputStream out, BufferedReader in) {}

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int sessions = Integer.parseInt(args[2]);
        int users = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        long serverPid = args.length > 5 ? Long.parseLong(args[5]) : -1;
        String userFmt = args.length > 6 ? args[6] : "user%d@example.test";
        String pass = args.length > 7 ? args[7] : "pass";

        long rssBefore = rssKib(serverPid);
        Idler[] idlers = new Idler[sessions];
        Semaphore logins = new Semaphore(LOGIN_CONCURRENCY);
        CountDownLatch ready = new CountDownLatch(sessions);
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        // per round: per idler the nanoTime at which its EXISTS arrived (0 = not yet)
        AtomicLongArray arrived = new AtomicLongArray(sessions);
        int[] expectedExists = new int[users + 1];
        for (int i = 0; i < sessions; i++) {
            int idx = i;
            int user = 1 + i % users;
            Thread.ofVirtual().start(() -> {
                try {
                    logins.acquire();
                    Idler idler;
                    try {
                        idler = open(host, port, String.format(userFmt, user), pass, user);
                    } finally {
                        logins.release();
                    }
                    idlers[idx] = idler;
                    ready.countDown();
                    String line;
                    while ((line = idler.in().readLine()) != null) {
                        if (line.startsWith("* ") && line.endsWith(" EXISTS")) {
                            arrived.compareAndSet(idx, 0, System.nanoTime());
                        }
                    }
                } catch (Exception e) {
                    if (failed.incrementAndGet() <= 5) {
                        System.err.println("session " + idx + ": " + e);
                    }
                    ready.countDown();
                }
            });
        }
        if (!ready.await(SETUP_TIMEOUT_S, TimeUnit.SECONDS)) {
            System.err.println("setup timed out");
        }
        double setupS = (System.nanoTime() - t0) / 1e9;
        int open = 0;
        for (Idler i : idlers) {
            if (i != null) {
                open++;
            }
        }
        System.out.printf("opened %d/%d IDLE sessions in %.1f s (%d failed)%n", open, sessions, setupS, failed.get());
        Thread.sleep(3_000); // let the server settle (GC) before reading memory
        long rssIdle = rssKib(serverPid);
        System.out.printf("server RSS: before %d MiB, with %d idlers %d MiB%n", rssBefore / 1024, open,
                rssIdle / 1024);

        List<Double> latencies = new ArrayList<>();
        List<Double> appendLatencies = new ArrayList<>();
        List<Double> warm = new ArrayList<>(); // rounds after the first WARMUP_ROUNDS (a cold JIT)
        List<Double> fanOuts = new ArrayList<>();
        List<Double> warmFanOuts = new ArrayList<>();
        int missing = 0;
        long cpuBefore = cpuTicks(serverPid);
        for (int r = 0; r < rounds; r++) {
            int before = latencies.size();
            int beforeFan = fanOuts.size();
            missing += round(host, port, userFmt, pass, 1 + r % users, r, idlers, arrived, latencies, appendLatencies,
                    fanOuts);
            if (r >= WARMUP_ROUNDS) {
                warm.addAll(latencies.subList(before, latencies.size()));
                warmFanOuts.addAll(fanOuts.subList(beforeFan, fanOuts.size()));
            }
        }
        long cpuTicks = cpuTicks(serverPid) - cpuBefore;
        long rssAfter = rssKib(serverPid);
        System.out.printf("SUMMARY sessions=%d open=%d users=%d rounds=%d setup_s=%.1f rss_before_mib=%d "
                        + "rss_idle_mib=%d rss_after_mib=%d fanout_p50_ms=%.1f fanout_p99_ms=%.1f fanout_max_ms=%.1f "
                        + "warm_p50_ms=%.1f warm_p99_ms=%.1f warm_max_ms=%.1f append_p50_ms=%.1f "
                        + "afterok_p50_ms=%.1f afterok_p99_ms=%.1f warm_afterok_p50_ms=%.1f warm_afterok_p99_ms=%.1f "
                        + "server_cpu_ms_per_round=%.1f missing=%d load=%s%n", sessions, open, users, rounds, setupS, rssBefore / 1024,
                rssIdle / 1024, rssAfter / 1024, pct(latencies, 50), pct(latencies, 99), pct(latencies, 100),
                pct(warm, 50), pct(warm, 99), pct(warm, 100), pct(appendLatencies, 50),
                pct(fanOuts, 50), pct(fanOuts, 99), pct(warmFanOuts, 50), pct(warmFanOuts, 99),
                cpuTicks * 10.0 / Math.max(1, rounds), missing,
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.exit(0);
    }

    /**
     * One delivery: a fresh session of {@code user} APPENDs a message to its INBOX; waits until every
     * idler of that user has seen EXISTS (or the round times out). Returns how many never did.
     */
    static int round(String host, int port, String userFmt, String pass, int user, int r, Idler[] idlers,
                     AtomicLongArray arrived, List<Double> latencies, List<Double> appendLatencies,
                     List<Double> fanOuts) throws Exception {
        for (int i = 0; i < idlers.length; i++) {
            arrived.set(i, 0);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            command(out, in, "l LOGIN " + String.format(userFmt, user) + " " + pass);
            // The client's own collections must not land inside a measured round (a 10,000-thread client
            // paused up to 0.7 s in G1 young collections and that was counted as server latency).
            System.gc();
            Thread.sleep(500); // the previous round's wake-ups are over
            byte[] msg = ("From: bench@example.test\r\nSubject: idle round " + r + "\r\n\r\nhello\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            out.write(("a APPEND INBOX {" + msg.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(msg);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expect(in, "a ");
            long ok = System.nanoTime();
            double appendMs = (ok - start) / 1e6;
            appendLatencies.add(appendMs);
            long deadline = System.nanoTime() + ROUND_TIMEOUT_MS * 1_000_000;
            int waiting;
            do {
                waiting = 0;
                for (int i = 0; i < idlers.length; i++) {
                    if (idlers[i] != null && idlers[i].user() == user && arrived.get(i) == 0) {
                        waiting++;
                    }
                }
                if (waiting > 0) {
                    Thread.sleep(5);
                }
            } while (waiting > 0 && System.nanoTime() < deadline);
            List<Double> round = new ArrayList<>();
            List<Double> afterOk = new ArrayList<>();
            for (int i = 0; i < idlers.length; i++) {
                if (idlers[i] != null && idlers[i].user() == user && arrived.get(i) != 0) {
                    round.add((arrived.get(i) - start) / 1e6);
                    // the fan-out alone: from the APPEND's tagged OK (the commit is durable) to this EXISTS;
                    // an idler may hear of the commit before the appending client reads its OK (then 0)
                    afterOk.add(Math.max(0, arrived.get(i) - ok) / 1e6);
                }
            }
            latencies.addAll(round);
            fanOuts.addAll(afterOk);
            System.out.printf("round %d (user %d): %d idlers, APPEND OK after %.1f ms, EXISTS min %.1f ms, p50 %.1f ms, "
                    + "p99 %.1f ms, max %.1f ms; after OK p50 %.1f p99 %.1f max %.1f ms; missing %d%n", r, user,
                    round.size(), appendMs, pct(round, 0), pct(round, 50), pct(round, 99), pct(round, 100),
                    pct(afterOk, 50), pct(afterOk, 99), pct(afterOk, 100), waiting);
            command(out, in, "o LOGOUT");
            return waiting;
        }
    }

    static Idler open(String host, int port, String user, String pass, int userNo) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.setSendBufferSize(4096);
        s.connect(new InetSocketAddress(host, port), 60_000);
        s.setSoTimeout(600_000);
        OutputStream out = s.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 512);
        in.readLine();
        command(out, in, "l LOGIN " + user + " " + pass);
        command(out, in, "s SELECT INBOX");
        out.write("i IDLE\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String line;
        while ((line = in.readLine()) != null && !line.startsWith("+")) {
            if (line.startsWith("i ")) {
                throw new IOException("IDLE refused: " + line);
            }
        }
        if (line == null) {
            throw new IOException("closed before IDLE");
        }
        return new Idler(userNo, s, out, in);
    }

    /** Sends a tagged command and reads up to its tagged OK (anything else is an error). */
    static void command(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        expect(in, line.substring(0, line.indexOf(' ') + 1));
    }

    static void expect(BufferedReader in, String tag) throws IOException {
        String l;
        while ((l = in.readLine()) != null) {
            if (l.startsWith(tag)) {
                if (!l.startsWith(tag + "OK")) {
                    throw new IOException("unexpected: " + l);
                }
                return;
            }
        }
        throw new IOException("connection closed waiting for " + tag);
    }

    static long rssKib(long pid) throws IOException {
        if (pid <= 0) {
            return 0;
        }
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /**
     * utime + stime of the server process in clock ticks (10 ms on Linux): its CPU per round, the
     * load-insensitive figure (a round: one login, one APPEND, one LOGOUT and the fan-out to the idlers).
     */
    static long cpuTicks(long pid) throws IOException {
        if (pid <= 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }
}
