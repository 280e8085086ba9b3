package jotmai.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jotmai.store.Store;

/**
 * Issue 8 "Cluster": two real Jotmai processes ({@code jotmai serve}) on one PostgreSQL schema, each
 * serving every protocol, spoken to over loopback sockets. Covers what only a shared database makes
 * work: a delivery on node A wakes an IDLE session on node B (LISTEN/NOTIFY), concurrent APPENDs
 * through both nodes get unique increasing UIDs, the POP3 maildrop lock holds across nodes, the
 * outbound queue delivers each message once although both nodes run a queue runner, and failed
 * logins on one node slow down the next attempt on the other.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TwoNodeClusterTest {
    private static final Logger log = LoggerFactory.getLogger(TwoNodeClusterTest.class);

    static final String DOMAIN = "cluster.test";
    static final String PASSWORD = "cluster-pw";
    /** RFC 4315 §3: "OK [APPENDUID uidvalidity uid]". */
    static final Pattern APPENDUID = Pattern.compile("\\[APPENDUID (\\d+) (\\d+)]");
    static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");
    /** IMAP connections per node in the concurrent-append test, and appends per connection. */
    static final int APPENDERS_PER_NODE = 4;
    static final int APPENDS_PER_CONNECTION = 10;
    static final int OUTBOUND_MESSAGES = 12;
    /** What an IDLE session on the other node may take to hear of a delivery (issue 8). */
    static final Duration CROSS_NODE_LATENCY = Duration.ofSeconds(1);

    @TempDir
    static Path dir;

    static ClusterDatabase db;
    static LoopbackSink sink;
    static Store admin;
    static ClusterNode nodeA;
    static ClusterNode nodeB;

    @BeforeAll
    static void startCluster() throws Exception {
        db = ClusterDatabase.fromEnvironment(dir);
        sink = new LoopbackSink();
        admin = db.openAdmin(dir.resolve("admin"));
        for (String user : List.of("alice", "carol", "dave")) {
            ClusterDatabase.addUser(admin, user + "@" + DOMAIN, PASSWORD);
        }
        List<String> settings = new ArrayList<>(db.storeSettings(db.url, 8));
        // Both queue runners look for due mail often, so they really compete for every message.
        settings.addAll(List.of("delivery.routes=remote.test=127.0.0.1:" + sink.port(), "delivery.poll-interval=200ms",
                "delivery.tls=none", "delivery.dkim=false"));
        nodeA = ClusterNode.start("node-a", dir.resolve("a"), settings);
        nodeB = ClusterNode.start("node-b", dir.resolve("b"), settings);
        nodeA.awaitReady();
        nodeB.awaitReady();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB, admin, sink, db}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static Wire imapLogin(ClusterNode node, String user) throws IOException {
        Wire w = Wire.connect(node.port("imap"));
        assertThat(w.line()).startsWith("* OK");
        assertThat(w.imap("l", "LOGIN " + user + "@" + DOMAIN + " " + PASSWORD).getLast()).startsWith("l OK");
        return w;
    }

    static String message(String subject) {
        return "From: sender@remote.test\r\nTo: someone@" + DOMAIN + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.replace(' ', '.') + "@remote.test>\r\n\r\nBody of " + subject + "\r\n";
    }

    /** Hands one message to a node's port 25 listener; returns the final reply to the end of DATA. */
    static String smtpDeliver(ClusterNode node, String rcpt, String subject) throws IOException {
        try (Wire w = Wire.connect(node.port("smtp"))) {
            assertThat(w.smtpReply()).startsWith("220");
            w.send("EHLO client.remote.test");
            assertThat(w.smtpReply()).startsWith("250");
            w.send("MAIL FROM:<sender@remote.test>");
            assertThat(w.smtpReply()).startsWith("250");
            w.send("RCPT TO:<" + rcpt + ">");
            assertThat(w.smtpReply()).startsWith("250");
            w.send("DATA");
            assertThat(w.smtpReply()).startsWith("354");
            w.sendRaw((message(subject) + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = w.smtpReply();
            w.send("QUIT");
            return reply;
        }
    }

    @Test
    void aDeliveryOnNodeAReachesAnIdleSessionOnNodeBWithinOneSecond() throws Exception {
        List<Long> latencies = new ArrayList<>();
        try (Wire idle = imapLogin(nodeB, "alice")) {
            List<String> select = idle.imap("s", "SELECT INBOX");
            long exists = select.stream().map(EXISTS::matcher).filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1))).findFirst().orElseThrow();
            idle.send("i IDLE");
            assertThat(idle.line()).startsWith("+");
            for (int i = 1; i <= 3; i++) {
                long sent = System.nanoTime();
                assertThat(smtpDeliver(nodeA, "alice@" + DOMAIN, "idle " + i)).startsWith("250");
                String line = idle.until(l -> EXISTS.matcher(l).matches()).getLast();
                latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
                assertThat(line).isEqualTo("* " + (exists + i) + " EXISTS");
            }
            idle.send("DONE");
            assertThat(idle.until(l -> l.startsWith("i ")).getLast()).startsWith("i OK");
        }
        log.info("measured: SMTP DATA on node A to * EXISTS in IDLE on node B: {} ms", latencies);
        // Each latency includes the SMTP transaction and the commit. The best of three must meet the
        // 1 s bound; a single slow one is the shared test machine, not the design.
        assertThat(Collections.min(latencies)).isLessThan(CROSS_NODE_LATENCY.toMillis());
    }

    @Test
    void concurrentAppendsThroughBothNodesGetUniqueIncreasingUids() throws Exception {
        int total = 2 * APPENDERS_PER_NODE * APPENDS_PER_CONNECTION;
        List<List<Long>> uidsPerConnection = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Long> validities = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (ClusterNode node : List.of(nodeA, nodeB)) {
            for (int c = 0; c < APPENDERS_PER_NODE; c++) {
                String who = node.name + "-" + c;
                threads.add(Thread.ofVirtual().start(() -> {
                    try (Wire w = imapLogin(node, "carol")) {
                        go.await();
                        List<Long> uids = new ArrayList<>();
                        for (int i = 0; i < APPENDS_PER_CONNECTION; i++) {
                            byte[] msg = message("append " + who + " " + i).getBytes(StandardCharsets.US_ASCII);
                            String tag = "a" + i;
                            w.send(tag + " APPEND INBOX {" + msg.length + "}");
                            assertThat(w.line()).startsWith("+");
                            w.sendRaw(msg);
                            w.send("");
                            String done = w.until(l -> l.startsWith(tag + " ")).getLast();
                            Matcher m = APPENDUID.matcher(done);
                            assertThat(m.find()).as(done).isTrue();
                            validities.add(Long.parseLong(m.group(1)));
                            uids.add(Long.parseLong(m.group(2)));
                        }
                        uidsPerConnection.add(uids);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
        }
        go.countDown();
        for (Thread t : threads) {
            assertThat(t.join(Duration.ofMinutes(5))).isTrue();
        }

        assertThat(failures).isEmpty();
        assertThat(validities.stream().distinct().toList()).hasSize(1);
        for (List<Long> uids : uidsPerConnection) {
            assertThat(uids).isSorted().doesNotHaveDuplicates();
        }
        List<Long> all = new ArrayList<>(uidsPerConnection.stream().flatMap(List::stream).toList());
        Collections.sort(all);
        assertThat(all).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        for (ClusterNode node : List.of(nodeA, nodeB)) {
            try (Wire w = imapLogin(node, "carol")) {
                assertThat(w.imap("s", "SELECT INBOX")).contains("* " + total + " EXISTS")
                        .anyMatch(l -> l.contains("[UIDNEXT " + (total + 1) + "]"));
            }
        }
    }

    @Test
    void thePop3MaildropLockHoldsAcrossNodes() throws Exception {
        try (Wire onA = pop3(nodeA)) {
            onA.send("USER dave@" + DOMAIN);
            assertThat(onA.line()).startsWith("+OK");
            onA.send("PASS " + PASSWORD);
            assertThat(onA.line()).startsWith("+OK");
            try (Wire onB = pop3(nodeB)) {
                onB.send("USER dave@" + DOMAIN);
                assertThat(onB.line()).startsWith("+OK");
                onB.send("PASS " + PASSWORD);
                // RFC 2449 §8.1.1: the maildrop is locked by a session on the other node.
                assertThat(onB.line()).startsWith("-ERR [IN-USE]");
            }
            onA.send("QUIT");
            assertThat(onA.line()).startsWith("+OK");
        }
        try (Wire onB = pop3(nodeB)) {
            onB.send("USER dave@" + DOMAIN);
            assertThat(onB.line()).startsWith("+OK");
            onB.send("PASS " + PASSWORD);
            assertThat(onB.line()).as("the lock is released at QUIT on node A").startsWith("+OK");
            onB.send("QUIT");
            assertThat(onB.line()).startsWith("+OK");
        }
    }

    /** ~{@code size} octets of CRLF lines, every fifth starting with "." (stuffed on the wire). */
    static String largeMessage(int i, int size) {
        StringBuilder sb = new StringBuilder("From: sender@remote.test\r\nSubject: large " + i + "\r\n\r\n");
        for (int k = 0; sb.length() < size; k++) {
            sb.append(k % 5 == 0 ? "." : "").append("line ").append(k).append(" of large message ").append(i).append("\r\n");
        }
        return sb.toString();
    }

    /** RETR's status line was read: the body up to ".", un-stuffed (RFC 1939 §3), with its CRLFs. */
    static String pop3Body(Wire w) throws IOException {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            String line = w.line();
            if (line.equals(".")) {
                return body.toString();
            }
            body.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
        throw new IOException("RETR body too long");
    }

    @Test
    void largePop3DownloadsArriveExactlyOnPostgresAndAnImapExpungeOnTheOtherNodeFailsTheMessageReadAhead() throws Exception {
        // issue 5: node A reads the next large message's head ahead while one streams (HeadPrefetch)
        String erin = "erin@" + DOMAIN;
        long account = admin.accounts().createAccount(erin, jotmai.shared.auth.Passwords.hash(PASSWORD), 0).id();
        long inbox = admin.mail().mailbox(account, jotmai.store.Mailbox.INBOX).orElseThrow().id();
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String m = largeMessage(i, i == 4 ? 5_000 : 200_000 + i * 50_000);
            admin.mail().append(inbox, jotmai.store.MessageSource.ofBytes(m.getBytes(StandardCharsets.US_ASCII)),
                    java.util.Set.of(), java.time.Instant.now());
            sent.add(m);
        }
        try (Wire pop = pop3(nodeA)) {
            pop.send("USER " + erin);
            assertThat(pop.line()).startsWith("+OK");
            pop.send("PASS " + PASSWORD);
            assertThat(pop.line()).startsWith("+OK");
            pop.send("RETR 1");
            assertThat(pop.line()).isEqualTo("+OK " + sent.get(0).length() + " octets");
            assertThat(pop3Body(pop)).isEqualTo(sent.get(0));
            pop.send("RETR 2"); // in order: 3's head is read ahead while 2 streams
            assertThat(pop.line()).isEqualTo("+OK " + sent.get(1).length() + " octets");
            try (Wire imap = imapLogin(nodeB, "erin")) {
                assertThat(imap.imap("s", "SELECT INBOX").getLast()).startsWith("s OK");
                assertThat(imap.imap("d", "STORE 3 +FLAGS.SILENT (\\Deleted)").getLast()).startsWith("d OK");
                assertThat(imap.imap("e", "EXPUNGE")).contains("* 3 EXPUNGE");
            }
            assertThat(pop3Body(pop)).isEqualTo(sent.get(1));
            Thread.sleep(2 * CROSS_NODE_LATENCY.toMillis()); // node B's change reaches node A's bus
            pop.send("RETR 3");
            assertThat(pop.line()).isEqualTo("-ERR message 3 was removed by another session");
            pop.send("RETR 4");
            assertThat(pop.line()).isEqualTo("+OK " + sent.get(3).length() + " octets");
            assertThat(pop3Body(pop)).isEqualTo(sent.get(3));
            pop.send("RETR 2"); // back: from the store, not read ahead
            assertThat(pop.line()).startsWith("+OK");
            assertThat(pop3Body(pop)).isEqualTo(sent.get(1));
            pop.send("QUIT");
            assertThat(pop.line()).startsWith("+OK");
        }
        assertThat(admin.mail().messages(inbox)).hasSize(3);
    }

    static Wire pop3(ClusterNode node) throws IOException {
        Wire w = Wire.connect(node.port("pop3"));
        assertThat(w.line()).startsWith("+OK");
        return w;
    }

    @Test
    void theOutboundQueueOfTwoNodesDeliversEachMessageOnce() throws Exception {
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < OUTBOUND_MESSAGES; i++) {
            String subject = "outbound-" + i;
            subjects.add(subject);
            submit(i % 2 == 0 ? nodeA : nodeB, "bob" + i + "@remote.test", subject);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (outboundSubjects().size() < OUTBOUND_MESSAGES && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        while (!admin.queue().list(10).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        // Both runners poll every 200 ms: a message handed out twice would have arrived twice by now.
        Thread.sleep(2_000);
        assertThat(outboundSubjects()).containsExactlyInAnyOrderElementsOf(subjects);
        assertThat(admin.queue().list(10)).isEmpty();
    }

    private static List<String> outboundSubjects() {
        return sink.messages.stream().map(LoopbackSink.Received::subject).filter(s -> s.startsWith("outbound-")).toList();
    }

    /** Submission with AUTH through Angus Mail, as a mail client sends. */
    private static void submit(ClusterNode node, String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(node.port("submission")));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.connectiontimeout", "60000");
        props.put("mail.smtp.timeout", "60000");
        MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress("alice@" + DOMAIN));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText("Sent through " + node.name + ".\n");
        Transport.send(m, "alice@" + DOMAIN, PASSWORD);
    }

    @Test
    void failedLoginsOnNodeASlowDownTheNextAttemptOnNodeB() throws Exception {
        // Another client host (127.0.0.2), so the other tests' logins from 127.0.0.1 are not slowed.
        InetAddress guesser = InetAddress.getByName("127.0.0.2");
        int failuresOnA = jotmai.shared.auth.Throttle.Policy.DEFAULT_FREE_FAILURES + 1;
        for (int i = 0; i < failuresOnA; i++) {
            try (Wire w = Wire.connect(nodeA.port("imap"), guesser)) {
                w.line();
                assertThat(w.imap("l", "LOGIN nobody@" + DOMAIN + " guess" + i).getLast()).startsWith("l NO");
            }
        }
        long started = System.nanoTime();
        try (Wire w = Wire.connect(nodeB.port("imap"), guesser)) {
            w.line();
            assertThat(w.imap("l", "LOGIN nobody@" + DOMAIN + " guess-b").getLast()).startsWith("l NO");
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        log.info("measured: a login on node B after {} failures on node A took {} ms", failuresOnA, millis);
        // Node B has seen no failure itself: only the shared counter explains the throttling delay
        // (a lower bound, safe on a slow machine: the delay is a sleep).
        assertThat(millis).isGreaterThanOrEqualTo(jotmai.shared.auth.Throttle.Policy.DEFAULT_BASE_DELAY.toMillis());
    }
}
