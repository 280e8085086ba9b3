package jotmai.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import jotmai.server.JotmaiServer;
import jotmai.server.Stores;
import jotmai.server.config.ConfigLoader;
import jotmai.server.config.JotmaiConfig;
import jotmai.shared.auth.Passwords;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jotmai aot-train} (hidden): the training run for the JVM's ahead-of-time cache, run by the
 * {@code jotmai} launcher once per build on JDK 25+ under {@code -XX:AOTCacheOutput} (JEP 483, 514, 515;
 * docs/CONFIG.md "JVM warm start"). It starts the whole server on loopback with free ports and a
 * throwaway data directory, drives the paths a mail server spends its time in (SMTP delivery, IMAP
 * LOGIN/SELECT/FETCH/SEARCH/STORE/APPEND/EXPUNGE, IDLE with the fan-out, POP3) over real sockets, and
 * stops cleanly. The JVM then writes the classes it loaded and linked and the method profiles it
 * gathered into the cache, so a later start neither loads those classes again nor waits for profiles
 * before compiling. Bounded: fixed counts and {@link #MAX_RUN_SECONDS}; it stores nothing outside its
 * temporary directory.
 */
@Command(name = "aot-train", hidden = true,
        description = "Training run for the JVM's AOT cache (used by the jotmai launcher on JDK 25+).")
final class TrainCommand implements Callable<Integer> {
    /** The workload stops early after this long (a slow machine gets a smaller but still useful cache). */
    static final int MAX_RUN_SECONDS = 60;
    /** Messages stored before the IMAP rounds: enough rows that SELECT's and FETCH's loops get hot. */
    static final int SEED_MESSAGES = 2_000;
    static final int SMTP_MESSAGES = 40;
    static final int IMAP_ROUNDS = 40;
    /** More than two of IdleFanOut's slices (MIN_SLICE idlers each), so its parallel pass is profiled too. */
    static final int IDLERS = 150;
    static final int IDLE_DELIVERIES = 20;
    static final int POP3_SESSIONS = 3;
    private static final String DOMAIN = "train.example";
    private static final String USER = "train@" + DOMAIN;
    private static final String PASSWORD = "aot-training-only";
    private static final List<String> LISTENERS = List.of("smtp", "submission", "submissions", "imap", "imaps",
            "pop3", "pop3s");

    @Option(names = "--quick", hidden = true, description = "A tenth of the workload (tests).")
    boolean quick;

    @Option(names = "--work", hidden = true, paramLabel = "DIR",
            description = "Where to create the temporary data directory (default: the system's).")
    Path work;

    private long deadline;

    /** {@code full} normally, a tenth (at least 2) with --quick. */
    private int scaled(int full) {
        return quick ? Math.max(2, full / 10) : full;
    }

    @Override
    public Integer call() throws Exception {
        deadline = System.nanoTime() + MAX_RUN_SECONDS * 1_000_000_000L;
        Path dir = work != null ? Files.createTempDirectory(work, "jotmai-aot-train")
                : Files.createTempDirectory("jotmai-aot-train");
        try {
            List<String> overrides = new ArrayList<>(List.of("delivery.enabled=false", "smtp.greeting-delay=0s",
                    "smtp.dkim-verify=false", "server.hostname=localhost", "limits.max-connections-per-ip=1000"));
            for (String name : LISTENERS) {
                overrides.add(name + ".port=0");
                overrides.add(name + ".bind=127.0.0.1");
            }
            JotmaiConfig config = ConfigLoader.load(Optional.empty(), overrides);
            try (Store store = Stores.open(config, dir)) {
                store.accounts().addDomain(DOMAIN);
                store.accounts().createAccount(USER, Passwords.hash(PASSWORD), 0);
                seed(store);
                try (JotmaiServer server = JotmaiServer.start(config, dir, store)) {
                    phase("SMTP", () -> smtp(port(server, "smtp")));
                    phase("IMAP", () -> imap(port(server, "imap")));
                    phase("IMAP IDLE", () -> idle(port(server, "imap"), store));
                    phase("POP3", () -> pop3(port(server, "pop3")));
                }
            }
            return 0;
        } finally {
            deleteTree(dir);
        }
    }

    interface Phase {
        void run() throws IOException;
    }

    private static void phase(String name, Phase phase) throws IOException {
        try {
            phase.run();
        } catch (IOException e) {
            throw new IOException("training " + name + ": " + e.getMessage(), e);
        }
    }

    private boolean overTime() {
        return System.nanoTime() - deadline > 0;
    }

    private static int port(JotmaiServer server, String name) {
        return server.listener(name).orElseThrow(() -> new IllegalStateException("no " + name + " listener"))
                .port();
    }

    static String message(int i) {
        return "From: Sender " + i + " <sender" + (i % 7) + "@example.org>\r\nTo: " + USER + "\r\nSubject: training "
                + i + (i % 3 == 0 ? " =?UTF-8?B?4LiX4LiU4Lil4Lit4LiH?=" : "") + "\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000"
                + "\r\nMessage-ID: <t" + i + "@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8"
                + "\r\n\r\nHello " + i + ", a line of body text with the word apple" + (i % 10) + ".\r\nbye\r\n";
    }

    /** Stores the seed messages through the store API from several threads (the store groups commits). */
    private void seed(Store store) throws InterruptedException {
        long inbox = store.mail().mailbox(store.accounts().account(USER).orElseThrow().id(), Mailbox.INBOX)
                .orElseThrow().id();
        int threads = 8;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int first = t;
            workers[t] = Thread.ofVirtual().start(() -> {
                for (int i = first; i < scaled(SEED_MESSAGES) && !overTime(); i += threads) {
                    store.mail().append(inbox, MessageSource.ofBytes(message(i).getBytes(StandardCharsets.UTF_8)),
                            i % 2 == 0 ? Set.of("\\Seen") : Set.of(), Instant.parse("2026-11-20T10:00:00Z"));
                }
            });
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    private void smtp(int port) throws IOException {
        try (TrainingClient c = new TrainingClient(port)) {
            c.smtp(null, "220");
            c.smtp("EHLO client.example.org", "250");
            for (int i = 0; i < scaled(SMTP_MESSAGES) && !overTime(); i++) {
                c.smtp("MAIL FROM:<sender@example.org>", "250");
                c.smtp("RCPT TO:<" + USER + ">", "250");
                c.smtp("DATA", "354");
                c.send(message(scaled(SEED_MESSAGES) + i) + ".");
                c.smtp(null, "250");
            }
            c.smtp("QUIT", "221");
        }
    }

    private void imap(int port) throws IOException {
        TrainingClient c = null;
        try {
            for (int round = 0; round < scaled(IMAP_ROUNDS) && !overTime(); round++) {
                if (round % 10 == 0) { // a few logins (Argon2id is deliberately slow), many commands
                    if (c != null) {
                        c.imap("LOGOUT");
                        c.close();
                    }
                    c = new TrainingClient(port);
                    c.readLine(); // greeting
                    c.imap("CAPABILITY");
                    c.imap("LOGIN " + USER + " " + PASSWORD);
                    if (round % 20 == 10) {
                        c.imap("ENABLE IMAP4rev2");
                    }
                }
                imapRound(c, round);
            }
            if (c != null) {
                c.imap("LOGOUT");
            }
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    private static void imapRound(TrainingClient c, int round) throws IOException {
        c.imap("LIST \"\" \"*\"");
        c.imap("STATUS INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)");
        c.imap(round % 4 == 3 ? "EXAMINE INBOX" : "SELECT INBOX");
        c.imap("FETCH 1:* (FLAGS)");
        c.imap("UID FETCH 1:* (UID FLAGS)");
        c.imap("UID SEARCH UNSEEN");
        c.imap("SEARCH BODY apple" + (round % 10));
        c.imap("SEARCH SUBJECT training FROM sender3");
        c.imap("FETCH 1:30 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)");
        c.imap("FETCH 1:10 (BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)] BODY.PEEK[TEXT]<0.100>)");
        c.imap("FETCH " + (round + 1) + " BODY.PEEK[]");
        if (round % 4 == 3) {
            c.imap("CLOSE");
            return;
        }
        c.imap("STORE " + (round + 1) + ":" + (round + 20) + " +FLAGS (\\Flagged)");
        c.imap("UID STORE 1:50 -FLAGS.SILENT (\\Flagged)");
        String msg = message(10_000 + round);
        c.imap("APPEND INBOX (\\Seen) {" + msg.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + msg);
        c.imap("NOOP");
        c.imap("STORE * +FLAGS.SILENT (\\Deleted)");
        c.imap("EXPUNGE");
        c.imap("UNSELECT");
    }

    /** Idlers on INBOX while messages arrive: the IDLE fan-out writes their EXISTS (IdleFanOut). */
    private void idle(int port, Store store) throws IOException {
        long inbox = store.mail().mailbox(store.accounts().account(USER).orElseThrow().id(), Mailbox.INBOX)
                .orElseThrow().id();
        List<TrainingClient> idlers = new ArrayList<>();
        try {
            for (int i = 0; i < scaled(IDLERS) && !overTime(); i++) {
                TrainingClient c = new TrainingClient(port);
                idlers.add(c);
                c.readLine();
                c.imap("LOGIN " + USER + " " + PASSWORD);
                c.imap(i % 3 == 2 ? "EXAMINE INBOX" : "SELECT INBOX");
                c.send("i IDLE");
                c.readUntil("+ ");
            }
            for (int d = 0; d < scaled(IDLE_DELIVERIES) && !overTime(); d++) {
                store.mail().append(inbox, MessageSource.ofBytes(message(20_000 + d).getBytes(StandardCharsets.UTF_8)),
                        Set.of(), Instant.now());
                for (TrainingClient c : idlers) {
                    c.readUntilEnding(" RECENT"); // IMAP4rev1: EXISTS, then RECENT (RFC 3501 §7.3.2)
                }
            }
            for (TrainingClient c : idlers) {
                c.send("DONE");
                c.readUntil("i ");
                c.imap("LOGOUT");
            }
        } finally {
            for (TrainingClient c : idlers) {
                c.close();
            }
        }
    }

    private void pop3(int port) throws IOException {
        for (int i = 0; i < scaled(POP3_SESSIONS) && !overTime(); i++) {
            try (TrainingClient c = new TrainingClient(port)) {
                c.readLine();
                c.pop3("USER " + USER, false);
                c.pop3("PASS " + PASSWORD, false);
                c.pop3("STAT", false);
                c.pop3("LIST", true);
                c.pop3("UIDL", true);
                c.pop3("TOP 1 0", true);
                c.pop3("RETR " + (i + 1), true);
                c.pop3("QUIT", false);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
