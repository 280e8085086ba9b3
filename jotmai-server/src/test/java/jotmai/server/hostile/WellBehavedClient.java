package jotmai.server.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ordinary user who is connected while an attack runs: from its own address (127.0.0.2, so the
 * per-IP counters of the attacker's 127.0.0.1 do not apply to it) it keeps an IMAP and a POP3 session
 * open and issues commands in a loop, and opens a fresh SMTP connection every round. It records how
 * long each command took (connect + greeting counts as one); the hostile tests assert that the worst
 * of these stays under a generous bound and that nothing failed.
 */
final class WellBehavedClient implements AutoCloseable {
    static final String ADDRESS = "127.0.0.2";
    /** Pause between rounds, so the client is busy but does not compete for the CPU with the attack. */
    private static final Duration PAUSE = Duration.ofMillis(100);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final int smtpPort;
    private final Thread thread;
    private final AtomicLong commands = new AtomicLong();
    private final AtomicLong worstNanos = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private volatile boolean stop;

    private RawClient imap;
    private RawClient pop3;
    private int tag;

    private WellBehavedClient(int smtpPort, int imapPort, int pop3Port, String user, String password)
            throws IOException {
        this.smtpPort = smtpPort;
        imap = RawClient.connect(ADDRESS, imapPort, 0, READ_TIMEOUT);
        imap.readUntil("* OK");
        imap.command("g0 LOGIN " + user + " " + password, "g0 OK");
        imap.command("g1 SELECT INBOX", "g1 OK");
        pop3 = RawClient.connect(ADDRESS, pop3Port, 0, READ_TIMEOUT);
        pop3.readUntil("+OK");
        pop3.command("USER " + user, "+OK");
        pop3.command("PASS " + password, "+OK");
        open.add(imap);
        open.add(pop3);
        thread = Thread.ofVirtual().name("well-behaved-client").start(this::loop);
    }

    static WellBehavedClient start(int smtpPort, int imapPort, int pop3Port, String user, String password)
            throws IOException {
        return new WellBehavedClient(smtpPort, imapPort, pop3Port, user, password);
    }

    private void loop() {
        try {
            while (!stop) {
                timed(() -> imap.command("n" + (++tag) + " NOOP", "n" + tag + " OK"));
                timed(() -> imap.command("f" + (++tag) + " FETCH 1:* (FLAGS)", "f" + tag + " OK"));
                timed(() -> pop3.command("STAT", "+OK"));
                try (RawClient smtp = RawClient.connect(ADDRESS, smtpPort, 0, READ_TIMEOUT)) {
                    timed(() -> smtp.readUntil("220 "));
                    timed(() -> smtp.command("EHLO good.example", "250 "));
                    timed(() -> smtp.command("MAIL FROM:<someone@elsewhere.example>", "250 "));
                    timed(() -> smtp.command("RSET", "250 "));
                    timed(() -> smtp.command("QUIT", "221 "));
                }
                Thread.sleep(PAUSE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private void timed(Step step) throws IOException {
        long started = System.nanoTime();
        step.run();
        long took = System.nanoTime() - started;
        worstNanos.accumulateAndGet(took, Math::max);
        commands.incrementAndGet();
    }

    /** Stops the loop and reports what the client saw. */
    Report finish() throws InterruptedException {
        stop = true;
        thread.join(Duration.ofSeconds(60));
        return new Report(commands.get(), Duration.ofNanos(worstNanos.get()), failure.get());
    }

    record Report(long commands, Duration worst, Throwable failure) {
        @Override
        public String toString() {
            return commands + " commands, worst " + worst.toMillis() + " ms"
                    + (failure == null ? "" : ", FAILED: " + failure);
        }
    }

    @Override
    public void close() throws Exception {
        stop = true;
        thread.join(Duration.ofSeconds(60));
        for (AutoCloseable c : open) {
            c.close();
        }
    }
}
