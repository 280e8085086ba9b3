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
 * would) and bench/pop3/raw-retr.py (big socket reads, so the server is the bottleneck).
 *
 * <p>Environment: JOTMAI_BENCH=1; JOTMAI_BENCH_OUT (results file); JOTMAI_BENCH_RUNS (default 3);
 * JOTMAI_BENCH_DOVECOT_PORT (default 10110; skipped when nothing listens); POP3_TIMING and RAW_RETR
 * (script paths); JOTMAI_BENCH_DIR (keep the filled store there and reuse it on the next run);
 * JOTMAI_BENCH_WARMUP (default 1: one untimed pass of every scenario on both servers first; 0: none).
 */
class Pop3Benchmark {

    record Scenario(String name, String users, int messagesPerUser, int size) {}

    /**
     * The SEARCH indexer waits this long before indexing a message. Its default (one minute) started it
     * on the freshly filled 1 GB store in the middle of the timed scenarios, minutes of the single
     * writer's CPU that a production server spends once after delivery, long before the download.
     */
    static final Duration INDEX_DELAY = Duration.ofDays(1);

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
        int runs = Integer.parseInt(env("JOTMAI_BENCH_RUNS", "3"));
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
                // A mail server runs for weeks: its JIT-compiled code and both servers' page caches are
                // warm. Without this pass the first scenario timed a cold JVM (interpreted RETR path,
                // ~3x the CPU per RETR of the warm path); both servers get the same untimed pass.
                long w0 = System.nanoTime();
                for (Scenario s : SCENARIOS) {
                    time("warm-up", s, raw, fx.pop3Port(), 1);
                    if (dovecot) {
                        time("warm-up", s, raw, dovecotPort, 1);
                    }
                }
                report.append(String.format("warm-up: every scenario once with raw-retr.py on both servers, untimed (%.1f s)%n",
                        (System.nanoTime() - w0) / 1e9));
            }
            for (Scenario s : SCENARIOS) {
                for (String client : List.of(script, raw)) {
                    report.append(time("jotmai ", s, client, fx.pop3Port(), runs));
                    if (dovecot) {
                        report.append(time("dovecot", s, client, dovecotPort, runs));
                    }
                }
            }
            Files.writeString(out, report.toString());
            System.out.println(report);
            assertThat(report.toString()).contains("SUMMARY");
        }
    }

    private static String time(String label, Scenario s, String script, int port, int runs) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", script));
        if (script.endsWith("pop3-timing.py")) {
            command.add("retr");
        }
        command.addAll(List.of("--port", Integer.toString(port), "--users", s.users(), "--password", "pass",
                "--runs", Integer.toString(runs)));
        ExternalTool.Result r = ExternalTool.run(command, Map.of(), Path.of("/tmp"), 1800);
        String summary = r.output().lines().filter(l -> l.startsWith("SUMMARY")).findFirst()
                .orElseThrow(() -> new AssertionError(label + " " + s.name() + " failed:\n" + r.output()));
        String client = script.endsWith("pop3-timing.py") ? "poplib" : "raw   ";
        return label + " | " + client + " | " + s.name() + " | " + summary + "\n";
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
