package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.sqlite.SqliteStore;

/**
 * The POP3 benchmark of bench/pop3 (not a unit test: the name does not end in "Test", so surefire runs
 * it only when asked with -Dtest=Pop3Benchmark and JOTMAI_BENCH=1). Fills a SQLite store with the
 * same mailboxes the Dovecot peer got over LMTP, starts the server on loopback and times
 * /work/shared/peers/pop3-timing.py against Jotmai and Dovecot alternately, in the same run.
 *
 * <p>Two clients per scenario: pop3-timing.py (python poplib, parses every line, as a desktop client
 * would) and bench/pop3/raw-retr.py (big socket reads, so the server is the bottleneck); for the ten-client
 * scenarios also raw-retr.py --logged-in-first ("raw-li": the download phase without any login, and
 * the server CPU per MB over it).
 *
 * <p>Environment: JOTMAI_BENCH=1; JOTMAI_BENCH_OUT (results file); JOTMAI_BENCH_RUNS (the least number
 * of J/D pairs per row, default 5; see {@link #pairs});
 * JOTMAI_BENCH_DOVECOT_PORT (default 10110; skipped when nothing listens); POP3_TIMING and RAW_RETR
 * (script paths); JOTMAI_BENCH_DIR (keep the filled store there and reuse it on the next run);
 * JOTMAI_BENCH_WARMUP (default 1: warm both servers until the JIT is quiet, see warmUp; 0: none);
 * JOTMAI_BENCH_CLIENT_GROUP (own-group.sh: each client pass in a session, so a CPU group, of its own);
 * JOTMAI_BENCH_PYTHON (the interpreter for the client scripts; default: python3's sys.executable).
 */
class Pop3Benchmark {

    record Scenario(String name, String users, int messagesPerUser, int size) {}

    /**
     * The SEARCH indexer waits this long before indexing a message. Its default (one minute) started it
     * on the freshly filled 1 GB store in the middle of the timed scenarios, minutes of the single
     * writer's CPU that a production server spends once after delivery, long before the download.
     */
    static final Duration INDEX_DELAY = Duration.ofDays(1);

    /** Warm-up rounds end once a round made this JVM's JIT compile less than this. */
    static final long QUIET_JIT_MILLIS = 100;
    static final int MIN_WARM_ROUNDS = 2;
    /** Bounds the warm-up (~5 s a round on a quiet machine) so a whole run fits the bench lock's ~3 minutes. */
    static final int MAX_WARM_ROUNDS = 5;
    /**
     * Pairs per row (one Jotmai pass and one Dovecot pass each, alternating which goes first): enough
     * that a row gets about this much timed work, at least {@code RUNS} (run.sh's argument) and at most
     * {@link #MAX_PAIRS}. Consecutive passes of one server on this VM move together by up to 30% (its
     * speed changes), so the ratio of each server's median over 3 passes decided a ~1 s row by luck
     * (session 8: five alternated pairs of the 1 MB poplib row gave 0.74-1.01).
     */
    static final double ROW_SECONDS = 15;
    static final int MAX_PAIRS = 15;
    /**
     * Passes up to this long get at least {@link #SHORT_ROW_PAIRS} pairs, and so do the one-client rows
     * whatever their first pair took: under load 7-13 the 1 MB poplib pass (~0.75-1.3 s on a quiet
     * machine) took 1.0-1.9 s and that row got only 5 pairs (session 8).
     */
    static final double SHORT_PASS_SECONDS = 1.5;
    static final int SHORT_ROW_PAIRS = 9;

    /**
     * A client script and how it is run: pop3-timing.py (poplib), raw-retr.py, or raw-retr.py with
     * --logged-in-first (all clients log in, then all download; its figure is the download phase alone
     * and the server's CPU over it, see raw-retr.py).
     */
    record Client(String label, String script, boolean loggedInFirst) {
        boolean poplib() {
            return script.endsWith("pop3-timing.py");
        }
    }

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("1,000 x 5 KB, 1 client", "user171@example.test", 1000, 5000),
            new Scenario("10 clients x 1,000 x 5 KB", "user%d@example.test:171-180", 1000, 5000),
            new Scenario("100 x 1 MB, 1 client", "user181@example.test", 100, 1_000_000),
            new Scenario("10 clients x 100 x 1 MB", "user%d@example.test:181-190", 100, 1_000_000));

    @TempDir
    Path dir;

    @Test
    void timeRetrAgainstJotmaiAndDovecot() throws Exception {
        Assumptions.assumeTrue("1".equals(System.getenv("JOTMAI_BENCH")), "set JOTMAI_BENCH=1 to run the benchmark");
        String script = env("POP3_TIMING", "/work/shared/peers/pop3-timing.py");
        String raw = env("RAW_RETR", Path.of("..", "bench", "pop3", "raw-retr.py").toAbsolutePath().normalize().toString());
        Path dataDir = Path.of(env("JOTMAI_BENCH_DIR", dir.resolve("data").toString()));
        int runs = Integer.parseInt(env("JOTMAI_BENCH_RUNS", "5"));
        boolean warmUp = !"0".equals(env("JOTMAI_BENCH_WARMUP", "1"));
        int dovecotPort = Integer.parseInt(env("JOTMAI_BENCH_DOVECOT_PORT", "10110"));
        boolean dovecot = listening(dovecotPort);
        Path out = Path.of(env("JOTMAI_BENCH_OUT", dir.resolve("results.txt").toString()));

        try (Pop3Fixture fx = new Pop3Fixture(dataDir, SqliteStore.Options.DEFAULTS.withIndexDelay(INDEX_DELAY))) {
            long t0 = System.nanoTime();
            String populated;
            if (fx.store.accounts().account("user190@example.test").isEmpty()) {
                populate(fx);
                populated = String.format("populated Jotmai store in %.1f s", (System.nanoTime() - t0) / 1e9);
            } else {
                populated = "reused the Jotmai store in " + dataDir;
            }
            fx.start(Pop3Config.loopback().withListeners(
                    List.of(jotmai.shared.net.ListenerConfig.loopback("pop3", false)), List.of()));
            StringBuilder report = new StringBuilder(populated).append('\n');
            if (warmUp) {
                report.append(warmUp(script, raw, fx.pop3Port(), dovecot ? dovecotPort : -1));
            }
            List<String> ratios = new ArrayList<>();
            for (Scenario s : SCENARIOS) {
                List<Client> clients = new ArrayList<>(List.of(new Client("poplib", script, false),
                        new Client("raw   ", raw, false)));
                if (s.users().contains("%d")) {
                    clients.add(new Client("raw-li", raw, true));
                }
                for (Client client : clients) {
                    report.append(timeAlternately(s, client, fx.pop3Port(), dovecot ? dovecotPort : -1, runs, ratios));
                }
            }
            report.append("""
                    Jotmai / Dovecot throughput (Dovecot's seconds / Jotmai's) per row: the ratio of the two
                    servers' medians, and the median of the per-pair ratios (each pair one pass per server,
                    back to back) with the pairs' spread. raw: without the login (one client: minus its
                    connect+USER+PASS) in brackets; raw-li: all ten clients logged in first, the download
                    phase alone, and each server's CPU per MB over it (Dovecot: its pop3 processes).
                    """);
            ratios.forEach(r -> report.append(r).append('\n'));
            Files.writeString(out, report.toString());
            System.out.println(report);
            assertThat(report.toString()).contains("SUMMARY");
        }
    }

    /**
     * Warms both servers alike until Jotmai's JIT is quiet. One untimed pass of every scenario was not
     * enough: on 2 cores the C2 compiler still had the session's hot methods (Pop3Session.handle,
     * TransactionCommands.execute, the store's batch read) queued or at C1 after ~11,000 RETRs, and
     * whether they got there before or during the timed passes decided a 2x swing of the one-client
     * rows between harness runs (docs/BENCHMARKS.md, POP3, session 7). Per-session and per-batch methods
     * (the LIST, the store's batch read) reach C2 last: they run once per session or per 25 messages.
     * So: a first round of every scenario, then rounds of the small-message scenarios (one client with
     * both client scripts, ten raw clients) on both servers, until a round compiles less than
     * {@link #QUIET_JIT_MILLIS} in this JVM (at least {@link #MIN_WARM_ROUNDS}, at most
     * {@link #MAX_WARM_ROUNDS}). Dovecot has no JIT, but gets the same passes (its page cache and
     * processes see the same work).
     */
    private static String warmUp(String script, String raw, int jotmaiPort, int dovecotPort) throws Exception {
        long w0 = System.nanoTime();
        StringBuilder log = new StringBuilder();
        record Warm(Scenario scenario, Client client) {}
        Client rawClient = new Client("raw", raw, false);
        List<Warm> first = SCENARIOS.stream().map(s -> new Warm(s, rawClient)).toList();
        List<Warm> round = List.of(new Warm(SCENARIOS.get(0), rawClient), new Warm(SCENARIOS.get(0), new Client("poplib", script, false)),
                new Warm(SCENARIOS.get(1), rawClient));
        for (int r = 1; r <= MAX_WARM_ROUNDS; r++) {
            long jit0 = compileMillis();
            for (Warm w : r == 1 ? first : round) {
                pass(w.scenario(), w.client(), jotmaiPort, true);
                if (dovecotPort > 0) {
                    pass(w.scenario(), w.client(), dovecotPort, false);
                }
            }
            long jit = compileMillis() - jit0;
            log.append(r == 1 ? "" : ", ").append(jit).append(" ms");
            if (r >= MIN_WARM_ROUNDS && jit < QUIET_JIT_MILLIS) {
                break;
            }
        }
        return String.format("warm-up: a round of every scenario, then rounds of the 5 KB ones on both servers,"
                + " untimed, until a round compiled < %d ms (JIT per round: %s; %.1f s)%n", QUIET_JIT_MILLIS, log, (System.nanoTime() - w0) / 1e9);
    }

    /**
     * One scenario with one client: pairs of passes, one on Jotmai and one on Dovecot back to back,
     * alternating which goes first (J D, D J, ...), so a burst of other load or a change of the VM's speed
     * falls on both servers of a pair. The first pair sets the number of pairs ({@link #pairs}). The row's
     * ratio is given twice: of the two servers' medians, and as the median of the per-pair ratios with
     * their min and max (session 8: with 3 passes per server the ratio of medians of a ~1 s row swung
     * 0.74-1.01 between runs; the pair ratios cancel what the two passes of a pair share). Jotmai's line
     * also says how much its JIT compiled and its GC paused during its passes (both about zero when warm).
     */
    private static String timeAlternately(Scenario s, Client client, int jotmaiPort, int dovecotPort, int runs,
                                          List<String> ratios) throws Exception {
        List<Pass> jotmai = new ArrayList<>();
        List<Pass> dovecot = new ArrayList<>();
        long jit = 0;
        long gc = 0;
        int pairs = runs;
        for (int i = 0; i < pairs; i++) {
            boolean jotmaiFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                if (jotmaiFirst == (k == 0)) {
                    long jit0 = compileMillis();
                    long gc0 = gcMillis();
                    jotmai.add(pass(s, client, jotmaiPort, true));
                    jit += compileMillis() - jit0;
                    gc += gcMillis() - gc0;
                } else if (dovecotPort > 0) {
                    dovecot.add(pass(s, client, dovecotPort, false));
                }
            }
            if (i == 0) {
                pairs = pairs(runs, jotmai.getFirst().wall() + (dovecot.isEmpty() ? jotmai.getFirst().wall() : dovecot.getFirst().wall()),
                        jotmai.getFirst().clients() == 1);
            }
        }
        String name = client.label();
        StringBuilder out = new StringBuilder("jotmai  | " + name + " | " + s.name() + " | " + summary(jotmai)
                + String.format("  jit_ms=%d gc_ms=%d%n", jit, gc));
        if (!dovecot.isEmpty()) {
            out.append("dovecot | ").append(name).append(" | ").append(s.name()).append(" | ").append(summary(dovecot)).append('\n');
            java.util.function.ToDoubleFunction<Pass> metric = client.loggedInFirst() ? Pass::data : Pass::wall;
            StringBuilder row = new StringBuilder(String.format("%-27s %s %s", s.name(), name, ratioText(jotmai, dovecot, metric)));
            if (!client.loggedInFirst() && !Double.isNaN(jotmai.getFirst().withoutLogin())) {
                row.append("  (without login: ").append(ratioText(jotmai, dovecot, Pass::withoutLogin)).append(')');
            }
            if (client.loggedInFirst() && !Double.isNaN(jotmai.getFirst().serverCpu()) && !Double.isNaN(dovecot.getFirst().serverCpu())) {
                row.append(String.format("  server CPU ms/MB: Jotmai %.2f, Dovecot %.2f (medians)",
                        median(jotmai, Pass::serverCpu) * 1e3 / (jotmai.getLast().bytes() / 1e6),
                        median(dovecot, Pass::serverCpu) * 1e3 / (dovecot.getLast().bytes() / 1e6)));
            }
            ratios.add(row.toString());
        }
        return out.toString();
    }

    /**
     * Pairs for a row whose first pair took {@code pairSeconds}: about {@link #ROW_SECONDS} of timed work,
     * at least {@code runs}, at least {@link #SHORT_ROW_PAIRS} for one client or passes up to
     * {@link #SHORT_PASS_SECONDS}, at most {@link #MAX_PAIRS}, and odd, so that the median pair ratio is
     * one pair's.
     */
    static int pairs(int runs, double pairSeconds, boolean oneClient) {
        int n = (int) Math.ceil(ROW_SECONDS / Math.max(pairSeconds, 1e-3));
        if (oneClient || pairSeconds / 2 <= SHORT_PASS_SECONDS) {
            n = Math.max(n, SHORT_ROW_PAIRS);
        }
        n = Math.min(Math.max(n, runs), MAX_PAIRS);
        return n % 2 == 1 ? n : n + 1;
    }

    /**
     * "1.23x of medians, 1.20x median of 9 pair ratios (1.05-1.41x)": Jotmai's throughput over
     * Dovecot's for one metric (seconds for the same work, so the ratio is Dovecot's over Jotmai's).
     */
    static String ratioText(List<Pass> jotmai, List<Pass> dovecot, java.util.function.ToDoubleFunction<Pass> seconds) {
        double ofMedians = median(dovecot, seconds) / median(jotmai, seconds);
        int n = Math.min(jotmai.size(), dovecot.size());
        double[] pairRatios = new double[n];
        for (int i = 0; i < n; i++) {
            pairRatios[i] = seconds.applyAsDouble(dovecot.get(i)) / seconds.applyAsDouble(jotmai.get(i));
        }
        java.util.Arrays.sort(pairRatios);
        return String.format("%.2fx of medians, %.2fx median of %d pair ratios (%.2f-%.2fx)", ofMedians,
                median(pairRatios), n, pairRatios[0], pairRatios[n - 1]);
    }

    /**
     * One timed session (or ten at once) of a client script: wall time; for raw-retr.py with one client the
     * wall time without its login, with --logged-in-first the download phase and the server's CPU over it.
     */
    record Pass(int clients, int messages, long bytes, double wall, double withoutLogin, double data, double serverCpu) {}

    private static Pass pass(Scenario s, Client client, int port, boolean jotmai) throws Exception {
        List<String> command = new ArrayList<>();
        String group = System.getenv("JOTMAI_BENCH_CLIENT_GROUP");
        if (group != null && !group.isBlank()) {
            // The client in a CPU scheduling group of its own, as Jotmai's JVM and Dovecot are (run.sh,
            // bench/pop3/own-group.sh): sharing the server's session would halve the server's CPU share.
            command.addAll(List.of("setsid", "-w", group));
        }
        command.addAll(List.of(python(), client.script()));
        if (client.poplib()) {
            command.add("retr");
        }
        command.addAll(List.of("--port", Integer.toString(port), "--users", s.users(), "--password", "pass",
                "--runs", "1"));
        if (client.loggedInFirst()) {
            // The server's CPU over the download phase: this JVM is Jotmai's server; Dovecot forks a
            // process named pop3 per logged-in session.
            command.add("--logged-in-first");
            command.addAll(jotmai ? List.of("--server-pid", Long.toString(ProcessHandle.current().pid()))
                    : List.of("--server-comm", "pop3"));
        }
        ExternalTool.Result r = ExternalTool.run(command, Map.of(), Path.of("/tmp"), 1800);
        String summary = r.output().lines().filter(l -> l.startsWith("SUMMARY")).findFirst()
                .orElseThrow(() -> new AssertionError(s.name() + " on port " + port + " failed:\n" + r.output()));
        return new Pass(Integer.parseInt(field(summary, "clients=")), Integer.parseInt(field(summary, "msgs_per_run=")), Long.parseLong(field(summary, "bytes_per_run=")),
                Double.parseDouble(field(summary, "median=")), optional(summary, "without_login_s median="),
                optional(summary, "data_s median="), optional(summary, "server_cpu_s median="));
    }

    private static volatile String python;

    /**
     * The Python interpreter itself, resolved once: python3 on PATH may be a version manager's shim (a
     * shell script that starts several processes; 2.5-3.5 s per pass at load 9 against 0.3 s for the
     * interpreter, session 8), which made a run minutes longer without changing what is timed.
     */
    private static String python() throws Exception {
        if (python == null) {
            String fromEnv = System.getenv("JOTMAI_BENCH_PYTHON");
            if (fromEnv != null && !fromEnv.isBlank()) {
                python = fromEnv;
            } else {
                ExternalTool.Result r = ExternalTool.run(List.of("python3", "-c", "import sys; print(sys.executable)"),
                        Map.of(), Path.of("/tmp"), 120);
                String exe = r.output().strip().lines().reduce((a, b) -> b).orElse("");
                python = r.exitCode() == 0 && Files.isExecutable(Path.of(exe)) ? exe : "python3";
            }
        }
        return python;
    }

    private static double optional(String line, String key) {
        return line.contains(key) ? Double.parseDouble(field(line, key)) : Double.NaN;
    }

    /** The value after {@code key} up to the next space. */
    private static String field(String line, String key) {
        int i = line.indexOf(key) + key.length();
        int j = line.indexOf(' ', i);
        return line.substring(i, j < 0 ? line.length() : j);
    }

    private static String summary(List<Pass> passes) {
        Pass last = passes.getLast();
        double med = median(passes, Pass::wall);
        String line = String.format("SUMMARY clients=%d msgs_per_run=%d bytes_per_run=%d passes=%d wall_s min=%.3f"
                        + " median=%.3f max=%.3f  msg/s(median)=%.1f MB/s(median)=%.2f",
                last.clients(), last.messages(), last.bytes(),
                passes.size(), passes.stream().mapToDouble(Pass::wall).min().orElseThrow(), med,
                passes.stream().mapToDouble(Pass::wall).max().orElseThrow(), last.messages() / med, last.bytes() / med / 1e6);
        if (!Double.isNaN(last.withoutLogin())) {
            double x = median(passes, Pass::withoutLogin);
            line += String.format("  without_login_s median=%.3f msg/s=%.1f", x, last.messages() / x);
        }
        if (!Double.isNaN(last.data())) {
            double x = median(passes, Pass::data);
            line += String.format("  data_s min=%.3f median=%.3f max=%.3f msg/s=%.1f", passes.stream().mapToDouble(Pass::data).min().orElseThrow(),
                    x, passes.stream().mapToDouble(Pass::data).max().orElseThrow(), last.messages() / x);
        }
        if (!Double.isNaN(last.serverCpu())) {
            double x = median(passes, Pass::serverCpu);
            line += String.format("  server_cpu_s median=%.3f ms/MB=%.2f", x, x * 1e3 / (last.bytes() / 1e6));
        }
        return line;
    }

    private static double median(List<Pass> passes, java.util.function.ToDoubleFunction<Pass> f) {
        return median(passes.stream().mapToDouble(f).sorted().toArray());
    }

    /** The median of sorted values. */
    private static double median(double[] v) {
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Milliseconds this JVM's JIT compilers have spent so far. */
    private static long compileMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** Milliseconds of GC this JVM has accumulated so far (all collectors). */
    private static long gcMillis() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
    }

    /** The same synthetic messages pop3-timing.py populate makes (76-character lines, CRLF). */
    private static void populate(Pop3Fixture fx) throws Exception {
        List<Callable> jobs = new ArrayList<>();
        for (int u = 171; u <= 190; u++) {
            Account a = fx.account("user" + u, "pass");
            int count = u <= 180 ? 1000 : 100;
            int size = u <= 180 ? 5000 : 1_000_000;
            jobs.add(() -> {
                for (int i = 0; i < count; i++) {
                    fx.store.mail().append(fx.inbox(a).id(), jotmai.store.MessageSource.ofBytes(synthetic(i, size)),
                            Set.of(), Instant.now());
                }
                return null;
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            List<Future<Object>> done = new ArrayList<>();
            for (Callable job : jobs) {
                done.add(pool.submit(job::call));
            }
            for (Future<Object> f : done) {
                f.get();
            }
        }
    }

    @FunctionalInterface
    private interface Callable {
        Object call() throws Exception;
    }

    static byte[] synthetic(int i, int size) {
        String header = "From: Load Generator <loadgen@example.test>\r\nTo: <pop3@example.test>\r\n"
                + "Subject: pop3 timing message " + i + "\r\nMessage-ID: <pop3-" + i + "-" + size + "@example.test>\r\n"
                + "Date: Sat, 28 Nov 2026 12:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
        String text = ("The quick brown fox jumps over the lazy dog 0123456789 ".repeat(2)).substring(0, 74);
        StringBuilder sb = new StringBuilder(size + 100).append(header);
        int left = Math.max(0, size - header.length());
        for (int k = 0; left > 0; k++) {
            String line = String.format("%05d ", k) + text;
            line = line.substring(0, Math.min(76, Math.min(line.length(), Math.max(1, left - 2))));
            sb.append(line).append("\r\n");
            left -= line.length() + 2;
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
