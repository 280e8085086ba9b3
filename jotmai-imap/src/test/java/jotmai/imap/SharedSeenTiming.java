package jotmai.imap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import jotmai.shared.auth.AuthService;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.ListenerConfig;
import jotmai.shared.tls.TlsContextProvider;
import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.Rights;
import jotmai.store.Store;
import jotmai.store.UidSet;
import jotmai.store.sqlite.SqliteStore;

/**
 * In-process timing of per-user \Seen (issue 7) on a big shared mailbox; not a test: skipped unless
 * {@code -Dsharedseen.dir=DIR} is given. Fills DIR once with {@code -Dsharedseen.count} messages (default
 * 100,000) owned by owner@, 80% \Seen for the owner; reader@ gets "lrs" and its own marks on a different
 * 80%. Then times, over loopback IMAP on port {@code -Dsharedseen.port} (default 12400), the median of
 * 5 rounds of SELECT, UID SEARCH UNSEEN and STATUS (UNSEEN) for the owner and for the reader: the ratio
 * reader/owner of one run is what per-user \Seen costs.
 */
class SharedSeenTiming {
    private static final int ROUNDS = 5;

    @Test
    void timesTheOwnerAndAReaderOnABigSharedMailbox() throws Exception {
        String dirProp = System.getProperty("sharedseen.dir");
        assumeTrue(dirProp != null, "set -Dsharedseen.dir to run");
        int count = Integer.getInteger("sharedseen.count", 100_000);
        Path dir = Path.of(dirProp);
        Files.createDirectories(dir);
        Store store = SqliteStore.open(dir);
        if (!store.accounts().isHostedDomain("example.test")) {
            store.accounts().addDomain("example.test");
            Account owner = store.accounts().createAccount("owner@example.test", Passwords.hash("pass"), 0);
            Account reader = store.accounts().createAccount("reader@example.test", Passwords.hash("pass"), 0);
            Mailbox inbox = store.mail().mailbox(owner.id(), "INBOX").orElseThrow();
            BigMailboxTiming.fill(store, inbox.id(), count);
            store.acl().setRights(inbox.id(), reader.address(), Rights.of("lrs"));
            long total = store.mail().status(inbox.id()).uidNext() - 1;
            List<Long> seen = new ArrayList<>();
            for (long uid = 1; uid <= total; uid++) {
                if (uid % 5 != 1) {
                    seen.add(uid);
                }
            }
            store.mail().setSeen(inbox.id(), reader.id(), UidSet.of(seen), true, OptionalLong.empty());
        }
        int port = Integer.getInteger("sharedseen.port", 12400);
        ListenerConfig listener = new ListenerConfig("imap", new InetSocketAddress("127.0.0.1", port), false,
                100, 100, 512, Duration.ofSeconds(120));
        ImapServer server = new ImapServer(ImapConfig.defaults().withListeners(listener, null)
                .withAllowPlaintextAuth(true), store, new AuthService(store.accounts()),
                TlsContextProvider.selfSigned(dir, "localhost"));
        server.start();
        try {
            time(port, "owner@example.test", "INBOX");
            time(port, "reader@example.test", "\"Other Users/owner@example.test/INBOX\"");
        } finally {
            server.close();
            store.close();
        }
    }

    private static void time(int port, String user, String mailbox) throws Exception {
        try (ImapTestClient c = new ImapTestClient(port)) {
            c.socket.setSoTimeout(300_000);
            c.readLine();
            c.command("LOGIN " + user + " pass");
            List<Long> select = new ArrayList<>();
            List<Long> search = new ArrayList<>();
            List<Long> status = new ArrayList<>();
            String exists = "";
            String unseen = "";
            int found = 0;
            for (int r = 0; r < ROUNDS; r++) {
                long t0 = System.nanoTime();
                List<String> sel = c.command("SELECT " + mailbox);
                long t1 = System.nanoTime();
                List<String> res = c.command("UID SEARCH UNSEEN");
                long t2 = System.nanoTime();
                c.command("UNSELECT");
                long t3 = System.nanoTime();
                unseen = c.command("STATUS " + mailbox + " (UNSEEN)").getFirst();
                long t4 = System.nanoTime();
                select.add(t1 - t0);
                search.add(t2 - t1);
                status.add(t4 - t3);
                exists = sel.stream().filter(l -> l.endsWith(" EXISTS")).findFirst().orElse("?");
                found = res.getFirst().split(" ").length - 2;
            }
            System.out.printf("SHAREDSEEN %s %s, UNSEEN %d (%s): SELECT median %d ms, UID SEARCH UNSEEN median %d ms,"
                    + " STATUS UNSEEN median %d ms%n", user, exists, found, unseen, median(select), median(search),
                    median(status));
        }
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1_000_000;
    }
}
