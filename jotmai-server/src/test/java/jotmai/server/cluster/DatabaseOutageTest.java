package jotmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.Store;

/**
 * Issue 8 "Operations": the database goes away while SMTP, IMAP and POP3 clients keep working a real
 * {@code jotmai serve} process. Clients must get temporary errors (SMTP 451 4.3.0, IMAP NO [UNAVAILABLE],
 * POP3 -ERR [SYS/TEMP]) and nothing else, the node must survive, service must resume by itself once the
 * database is back, and every message the node acknowledged with 250 must be in the mailbox afterwards.
 *
 * <p>By default the node reaches PostgreSQL through {@link TcpOutageProxy}, which cuts and refuses
 * connections (a stop as the node sees it) without stopping the server other test classes share. With
 * JOTMAI_TEST_PG_RESTART_SCRIPT=bin/pg-test.sh the test stops and starts the real server with pg_ctl
 * instead (opt-in for that reason, also in CI).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class DatabaseOutageTest {
    private static final Logger log = LoggerFactory.getLogger(DatabaseOutageTest.class);

    static final String DOMAIN = "outage.test";
    static final String PASSWORD = "outage-pw";
    /** Each phase waits at most this long for the outcomes it needs. */
    static final Duration PHASE_LIMIT = Duration.ofSeconds(90);
    /** The outage lasts at least this long, so that it spans many client operations. */
    static final Duration MIN_OUTAGE = Duration.ofSeconds(3);
    /** Pause between two operations of one client, and the cap on operations per client. */
    static final long CLIENT_PAUSE_MILLIS = 20;
    static final int MAX_OPERATIONS = 20_000;
    static final Pattern SUBJECT = Pattern.compile("^Subject: (load-\\d+)$");

    enum Phase { BEFORE, DURING, AFTER }

    enum Outcome { SUCCESS, TEMPORARY, UNEXPECTED }

    @TempDir
    Path dir;

    private volatile Phase phase = Phase.BEFORE;
    private volatile boolean running = true;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sequence = new AtomicInteger();

    /** The database going away and coming back: through the proxy, or the real server via the script. */
    private interface Outage extends AutoCloseable {
        String jdbcUrl();

        void stop() throws Exception;

        void start() throws Exception;
    }

    private Outage outage(ClusterDatabase db) throws IOException {
        String script = System.getenv("JOTMAI_TEST_PG_RESTART_SCRIPT");
        if (script != null && !script.isBlank()) {
            return new Outage() {
                private boolean down;

                public String jdbcUrl() {
                    return db.url;
                }

                public void stop() throws Exception {
                    down = true;
                    run(script, "stop");
                }

                public void start() throws Exception {
                    run(script, "start");
                    down = false;
                }

                public void close() throws Exception {
                    if (down) { // the test failed during the outage: leave the server running
                        start();
                    }
                }
            };
        }
        URI pg = db.hostAndPort();
        TcpOutageProxy proxy = new TcpOutageProxy(pg.getHost(), pg.getPort());
        return new Outage() {
            public String jdbcUrl() {
                return "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath();
            }

            public void stop() {
                proxy.cut();
            }

            public void start() {
                proxy.restore();
            }

            public void close() throws IOException {
                proxy.close();
            }
        };
    }

    private static void run(String script, String command) throws Exception {
        Process p = new ProcessBuilder(script, command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s %s: %s", script, command, output).isZero();
    }

    @Test
    void clientsGetTemporaryErrorsDuringAnOutageAndNothingAcknowledgedIsLost() throws Exception {
        try (ClusterDatabase db = ClusterDatabase.fromEnvironment(dir); Outage outage = outage(db)) {
            try (Store admin = db.openAdmin(dir.resolve("admin"))) {
                ClusterDatabase.addUser(admin, "erin@" + DOMAIN, PASSWORD);
                ClusterDatabase.addUser(admin, "frank@" + DOMAIN, PASSWORD);
            }
            try (ClusterNode node = ClusterNode.start("node", dir.resolve("node"), db.storeSettings(outage.jdbcUrl(), 4))) {
                node.awaitReady();
                List<Thread> clients = List.of(
                        client("smtp", () -> smtpOnce(node)),
                        client("imap", new ImapLoop(node)::once),
                        client("pop3", () -> pop3Once(node)));
                try {
                    awaitAll(Phase.BEFORE, Outcome.SUCCESS);
                    outage.stop();
                    phase = Phase.DURING;
                    long stopped = System.nanoTime();
                    awaitAll(Phase.DURING, Outcome.TEMPORARY);
                    long left = MIN_OUTAGE.toNanos() - (System.nanoTime() - stopped);
                    if (left > 0) {
                        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(left));
                    }
                    outage.start();
                    phase = Phase.AFTER;
                    long started = System.nanoTime();
                    awaitAll(Phase.AFTER, Outcome.SUCCESS);
                    log.info("measured: service back {} ms after the database; outcomes {}",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), new java.util.TreeMap<>(counts));
                } finally {
                    running = false;
                    for (Thread t : clients) {
                        t.join(Duration.ofSeconds(120));
                    }
                }
                assertThat(unexpected).as("outcomes other than success or a temporary error").isEmpty();
                assertThat(node.alive()).as("node still running").isTrue();
                assertThat(subjectsIn(node)).as("every acknowledged message is stored").containsAll(acknowledged);
            }
        }
    }

    private void awaitAll(Phase p, Outcome o) throws InterruptedException {
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        for (String protocol : List.of("smtp", "imap", "pop3")) {
            BooleanSupplier seen = () -> count(protocol, p, o) > 0;
            while (!seen.getAsBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(seen.getAsBoolean()).as("%s saw %s in phase %s; outcomes %s, unexpected %s", protocol, o, p,
                    counts, unexpected).isTrue();
        }
    }

    private int count(String protocol, Phase p, Outcome o) {
        return counts.getOrDefault(protocol + ":" + p + ":" + o, new AtomicInteger()).get();
    }

    private interface Operation {
        Outcome once() throws Exception;
    }

    /** A client loop: operations until stopped, each outcome counted under the phase it ended in. */
    private Thread client(String protocol, Operation op) {
        return Thread.ofVirtual().name("load-" + protocol).start(() -> {
            for (int i = 0; i < MAX_OPERATIONS && running; i++) {
                Outcome o;
                try {
                    o = op.once();
                } catch (Exception e) {
                    unexpected.add(protocol + " in " + phase + ": " + e);
                    o = Outcome.UNEXPECTED;
                }
                counts.computeIfAbsent(protocol + ":" + phase + ":" + o, k -> new AtomicInteger()).incrementAndGet();
                try {
                    Thread.sleep(CLIENT_PAUSE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private Outcome classify(String protocol, String reply, boolean ok, boolean temporary) {
        if (ok) {
            return Outcome.SUCCESS;
        }
        if (temporary) {
            return Outcome.TEMPORARY;
        }
        unexpected.add(protocol + " in " + phase + ": " + reply);
        return Outcome.UNEXPECTED;
    }

    /** One SMTP transaction on port 25; a 451 4.3.0 at any step ends it (RFC 5321 §4.2.1, RFC 3463). */
    private Outcome smtpOnce(ClusterNode node) throws IOException {
        String subject = "load-" + sequence.incrementAndGet();
        try (Wire w = Wire.connect(node.port("smtp"))) {
            String[] steps = {null, "EHLO load.remote.test", "MAIL FROM:<load@remote.test>", "RCPT TO:<erin@" + DOMAIN + ">",
                    "DATA", null};
            String[] expect = {"220", "250", "250", "250", "354", "250"};
            for (int i = 0; i < steps.length; i++) {
                if (i == steps.length - 1) {
                    w.sendRaw(("Subject: " + subject + "\r\n\r\nload\r\n.\r\n").getBytes(StandardCharsets.US_ASCII));
                } else if (steps[i] != null) {
                    w.send(steps[i]);
                }
                String reply = w.smtpReply();
                if (!reply.startsWith(expect[i])) {
                    return classify("smtp", reply, false, reply.startsWith("451 4.3.0"));
                }
            }
            acknowledged.add(subject);
            w.send("QUIT");
            return Outcome.SUCCESS;
        }
    }

    /** POP3 USER/PASS/STAT/QUIT; -ERR [SYS/TEMP] (RFC 3206 §4) at any step is the temporary failure. */
    private Outcome pop3Once(ClusterNode node) throws IOException {
        try (Wire w = Wire.connect(node.port("pop3"))) {
            String[] steps = {null, "USER frank@" + DOMAIN, "PASS " + PASSWORD, "STAT", "QUIT"};
            for (String step : steps) {
                if (step != null) {
                    w.send(step);
                }
                String reply = w.line();
                if (!reply.startsWith("+OK")) {
                    return classify("pop3", reply, false, reply.startsWith("-ERR [SYS/TEMP]"));
                }
            }
            return Outcome.SUCCESS;
        }
    }

    /** One logged-in IMAP connection doing STATUS; reconnects only when the server closed it. */
    private final class ImapLoop {
        private final ClusterNode node;
        private Wire wire;
        private int tag;

        ImapLoop(ClusterNode node) {
            this.node = node;
        }

        Outcome once() throws IOException {
            if (wire == null) {
                Wire w = Wire.connect(node.port("imap"));
                w.line();
                String login = w.imap("l", "LOGIN erin@" + DOMAIN + " " + PASSWORD).getLast();
                if (!login.startsWith("l OK")) {
                    w.close();
                    return classify("imap", login, false, login.startsWith("l NO [UNAVAILABLE]"));
                }
                wire = w;
            }
            String t = "s" + (++tag);
            String reply;
            try {
                reply = wire.imap(t, "STATUS INBOX (MESSAGES UIDNEXT)").getLast();
            } catch (IOException e) {
                wire.close();
                wire = null;
                throw e;
            }
            // RFC 9051 §7.1: UNAVAILABLE, "the server failed to provide a temporary resource".
            return classify("imap", reply, reply.startsWith(t + " OK"), reply.startsWith(t + " NO [UNAVAILABLE]"));
        }
    }

    /** Subjects of the INBOX messages, through the node's IMAP. */
    private static Set<String> subjectsIn(ClusterNode node) throws IOException {
        Set<String> subjects = new java.util.HashSet<>();
        try (Wire w = Wire.connect(node.port("imap"))) {
            w.line();
            assertThat(w.imap("l", "LOGIN erin@" + DOMAIN + " " + PASSWORD).getLast()).startsWith("l OK");
            assertThat(w.imap("s", "SELECT INBOX").getLast()).startsWith("s OK");
            List<String> lines = w.imap("f", "UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertThat(lines.getLast()).startsWith("f OK");
            for (String line : lines) {
                Matcher m = SUBJECT.matcher(line);
                if (m.matches()) {
                    subjects.add(m.group(1));
                }
            }
        }
        return subjects;
    }
}
