package jotmai.imap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.ListenerConfig;
import jotmai.shared.tls.TlsContextProvider;
import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;
import jotmai.store.UidSet;
import jotmai.store.sqlite.SqliteStore;

/**
 * In-process timing of SELECT and UID SEARCH UNSEEN on a big mailbox (issue 4; not a test: skipped unless
 * {@code -Dbigmailbox.dir=DIR} is given). Fills DIR once with {@code -Dbigmailbox.count} messages (default
 * 100,000; 100 appended, 80% \Seen, then doubled by COPY into the same mailbox), then serves it over
 * loopback IMAP and prints the median client wall time of 5 rounds ({@code -Dbigmailbox.rounds}) of each command. Run the same class on
 * two builds against the same DIR to compare them.
 */
class BigMailboxTiming {
    private static final int ROUNDS = Integer.getInteger("bigmailbox.rounds", 5);

    /**
     * 100 messages appended, 80% \\Seen, then the mailbox copied onto itself until it holds at least
     * {@code count} (the data of these timings; {@link SharedSeenTiming} uses it too).
     */
    static void fill(Store store, long mailboxId, int count) {
        for (int i = 0; i < 100; i++) {
            byte[] raw = ("From: a@example.test\r\nSubject: message " + i + "\r\n\r\nbody " + i + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            store.mail().append(mailboxId, MessageSource.ofBytes(raw), i % 5 == 0 ? Set.of() : Set.of("\\Seen"),
                    Instant.now());
        }
        for (int n = 100; n < count; n *= 2) {
            store.mail().copy(mailboxId, UidSet.range(1, 0xFFFF_FFFFL), mailboxId);
        }
    }

    @Test
    void timesSelectAndUidSearchUnseenOnABigMailbox() throws Exception {
        String dirProp = System.getProperty("bigmailbox.dir");
        assumeTrue(dirProp != null, "set -Dbigmailbox.dir to run");
        int count = Integer.getInteger("bigmailbox.count", 100_000);
        Path dir = Path.of(dirProp);
        Files.createDirectories(dir);
        Store store = SqliteStore.open(dir);
        if (!store.accounts().isHostedDomain("example.test")) {
            store.accounts().addDomain("example.test");
            Account a = store.accounts().createAccount("big@example.test", Passwords.hash("pass"), 0);
            Mailbox inbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            fill(store, inbox.id(), count);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ListenerConfig listener = new ListenerConfig("imap", new InetSocketAddress("127.0.0.1", port), false,
                20_000, 20_000, 512, Duration.ofSeconds(120));
        ImapServer server = new ImapServer(ImapConfig.defaults().withListeners(listener, null)
                .withAllowPlaintextAuth(true), store, new AuthService(store.accounts()),
                TlsContextProvider.selfSigned(dir, "localhost"));
        server.start();
        try (ImapTestClient c = new ImapTestClient(port)) {
            c.socket.setSoTimeout(300_000);
            c.readLine();
            c.command("LOGIN big@example.test pass");
            List<Long> select = new ArrayList<>();
            List<Long> search = new ArrayList<>();
            String exists = "";
            int found = 0;
            for (int r = 0; r < ROUNDS; r++) {
                long t0 = System.nanoTime();
                List<String> sel = c.command("SELECT INBOX");
                long t1 = System.nanoTime();
                List<String> res = c.command("UID SEARCH UNSEEN");
                long t2 = System.nanoTime();
                select.add(t1 - t0);
                search.add(t2 - t1);
                exists = sel.stream().filter(l -> l.endsWith(" EXISTS")).findFirst().orElse("?");
                found = res.getFirst().split(" ").length - 2;
            }
            System.out.printf("BIGMAILBOX %s, UNSEEN %d: SELECT median %d ms, UID SEARCH UNSEEN median %d ms%n",
                    exists, found, median(select), median(search));
        } finally {
            server.close();
            store.close();
        }
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1_000_000;
    }
}
