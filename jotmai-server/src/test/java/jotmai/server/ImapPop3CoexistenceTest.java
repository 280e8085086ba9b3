package jotmai.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import jotmai.server.config.ConfigLoader;
import jotmai.server.config.JotmaiConfig;
import jotmai.shared.auth.Passwords;
import jotmai.shared.net.Listener;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.Store;

/**
 * IMAP and POP3 on one mailbox at the same time, through the whole server (issue 5): the POP3 session
 * holds the maildrop lock while IMAP keeps working; IMAP expunges make POP3's RETR fail cleanly without
 * renumbering; POP3's QUIT shows up in IMAP as EXPUNGE; the message IMAP did not touch keeps its
 * UIDL. Both protocols are spoken over raw sockets so that every line is checked.
 */
@Timeout(120)
class ImapPop3CoexistenceTest {

    @TempDir
    Path data;

    private Store store;
    private JotmaiServer server;
    private long inboxId;

    @BeforeEach
    void start() {
        JotmaiConfig config = ConfigLoader.load(Optional.empty(), JotmaiServerTest.loopbackSettings());
        store = Stores.open(config, data);
        store.accounts().addDomain("example.com");
        var alice = store.accounts().createAccount("alice@example.com", Passwords.hash("alice-pw"), 0);
        inboxId = store.mail().mailbox(alice.id(), Mailbox.INBOX).orElseThrow().id();
        server = JotmaiServer.start(config, data, store);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(1_000);
        }
        if (store != null) {
            store.close();
        }
    }

    private int port(String listener) {
        return server.listener(listener).map(Listener::port).orElseThrow();
    }

    private void deliver(int i) {
        String m = "From: bob@example.org\r\nTo: alice@example.com\r\nSubject: message " + i
                + "\r\nMessage-ID: <c" + i + "@example.org>\r\n\r\nHello " + i + "\r\n";
        store.mail().append(inboxId, MessageSource.ofBytes(m.getBytes(StandardCharsets.US_ASCII)), Set.of(),
                Instant.parse("2026-11-29T04:00:00Z"));
    }

    @Test
    void imapAndPop3OnOneMailboxSeeEachOthersChangesAndNothingUncommittedIsLost() throws Exception {
        for (int i = 1; i <= 3; i++) {
            deliver(i);
        }
        long uidValidity = store.mail().mailbox(inboxId).orElseThrow().uidValidity();
        try (Client imap = new Client(port("imap")); Client pop = new Client(port("pop3"))) {
            assertThat(imap.line()).startsWith("* OK");
            imap.tagged("a LOGIN alice@example.com alice-pw");
            assertThat(imap.tagged("b SELECT INBOX")).contains("* 3 EXISTS");

            assertThat(pop.line()).startsWith("+OK");
            assertThat(pop.command("USER alice@example.com")).startsWith("+OK");
            assertThat(pop.command("PASS alice-pw")).startsWith("+OK maildrop has 3 messages");
            try (Client second = new Client(port("pop3"))) {
                second.line();
                second.command("USER alice@example.com");
                assertThat(second.command("PASS alice-pw")).startsWith("-ERR [IN-USE]");
            }

            // IMAP keeps working while POP3 holds the maildrop, and expunges message 2.
            imap.tagged("c UID STORE 2 +FLAGS.SILENT (\\Deleted)");
            assertThat(imap.tagged("d EXPUNGE")).contains("* 2 EXPUNGE");

            // POP3 numbers stay fixed; the expunged message fails cleanly; the others download.
            assertThat(pop.command("STAT")).startsWith("+OK 3 ");
            assertThat(pop.command("RETR 2")).isEqualTo("-ERR message 2 was removed by another session");
            assertThat(pop.command("RETR 1")).startsWith("+OK");
            assertThat(pop.multiLine()).contains("Subject: message 1");
            assertThat(imap.tagged("e FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")).anyMatch(l -> l.contains("message 1"));
            assertThat(pop.command("DELE 1")).startsWith("+OK");
            assertThat(imap.tagged("f NOOP")).as("nothing before POP3's QUIT").noneMatch(l -> l.contains("EXPUNGE"));
            assertThat(pop.command("QUIT")).startsWith("+OK");

            // POP3's commit reaches the IMAP session as an expunge.
            List<String> noop = imap.tagged("g NOOP");
            assertThat(noop).contains("* 1 EXPUNGE");
            assertThat(imap.tagged("h UID SEARCH ALL")).contains("* SEARCH 3");
            imap.tagged("i LOGOUT");
        }
        try (Client pop = new Client(port("pop3"))) {
            pop.line();
            pop.command("USER alice@example.com");
            assertThat(pop.command("PASS alice-pw")).startsWith("+OK maildrop has 1 messages");
            assertThat(pop.command("UIDL 1")).isEqualTo("+OK 1 " + uidValidity + ".3");
            assertThat(pop.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void imapFetchesAndFlagChangesRunWhilePop3DownloadsEverything() throws Exception {
        int count = 30;
        for (int i = 1; i <= count; i++) {
            deliver(i);
        }
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<Integer> popSide = pool.submit(() -> {
                try (Client pop = new Client(port("pop3"))) {
                    pop.line();
                    pop.command("USER alice@example.com");
                    assertThat(pop.command("PASS alice-pw")).startsWith("+OK maildrop has " + count + " messages");
                    int downloaded = 0;
                    for (int n = 1; n <= count; n++) {
                        assertThat(pop.command("RETR " + n)).startsWith("+OK");
                        assertThat(pop.multiLine()).contains("Subject: message " + n);
                        downloaded++;
                    }
                    assertThat(pop.command("QUIT")).startsWith("+OK");
                    return downloaded;
                }
            });
            Future<Integer> imapSide = pool.submit(() -> {
                try (Client imap = new Client(port("imap"))) {
                    imap.line();
                    imap.tagged("a LOGIN alice@example.com alice-pw");
                    imap.tagged("b SELECT INBOX");
                    int rounds = 0;
                    for (int r = 1; r <= count; r++) {
                        imap.tagged("c" + r + " UID STORE " + r + " +FLAGS.SILENT ($Label1)");
                        assertThat(imap.tagged("d" + r + " UID FETCH " + r + " (FLAGS BODY.PEEK[])").getLast())
                                .startsWith("d" + r + " OK");
                        rounds++;
                    }
                    imap.tagged("z LOGOUT");
                    return rounds;
                }
            });
            assertThat(popSide.get(90, TimeUnit.SECONDS)).isEqualTo(count);
            assertThat(imapSide.get(90, TimeUnit.SECONDS)).isEqualTo(count);
        } finally {
            pool.shutdownNow();
        }
        // POP3 marked what it downloaded \Seen at QUIT; IMAP's keyword is still there; nothing was removed.
        assertThat(store.mail().messages(inboxId)).hasSize(count)
                .allSatisfy(m -> assertThat(m.flags()).contains("\\Seen", "$Label1"));
    }

    /** A line-oriented client for either protocol (literals are read as lines, which suffices here). */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            String l = in.readLine();
            if (l == null) {
                throw new IOException("server closed the connection");
            }
            return l;
        }

        void send(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        String command(String text) throws IOException {
            send(text);
            return line();
        }

        /** POP3 multi-line body, unstuffed, up to the final ".". */
        String multiLine() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 100_000; i++) {
                String l = line();
                if (l.equals(".")) {
                    return sb.toString();
                }
                sb.append(l.startsWith(".") ? l.substring(1) : l).append('\n');
            }
            throw new IOException("no end of multi-line response");
        }

        /** IMAP command; every line up to and including the tagged OK (fails on NO/BAD). */
        List<String> tagged(String command) throws IOException {
            String tag = command.substring(0, command.indexOf(' '));
            send(command);
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                String l = line();
                lines.add(l);
                if (l.startsWith(tag + " ")) {
                    assertThat(l).as(command + " -> " + lines).startsWith(tag + " OK");
                    return lines;
                }
            }
            throw new IOException("no tagged response to " + command);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
