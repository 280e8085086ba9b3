package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.MessageSource;

/**
 * Several sessions IDLE on one mailbox (new messages are announced by {@link IdleFanOut}, other changes
 * by each session after a shared wake-up, see SharedChanges): every one of them gets each EXISTS, and
 * \Recent (RFC 3501 §2.3.2) goes to exactly one of them; keywords, flag changes and expunges still
 * arrive as the full change sync writes them.
 */
class IdleFanOutTest extends ImapServerTestBase {
    static final int IDLERS = 6;

    @Test
    void everyIdlerSeesEachDeliveryAndExactlyOneGetsItAsRecent() throws Exception {
        List<ImapTestClient> idlers = new ArrayList<>();
        try {
            for (int i = 0; i < IDLERS; i++) {
                ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test");
                c.command("SELECT INBOX");
                c.send("i IDLE");
                assertThat(c.readLine()).startsWith("+ ");
                idlers.add(c);
            }
            for (int round = 1; round <= 3; round++) {
                deliverAndExpectRecentOnce(idlers, round);
            }
            for (ImapTestClient c : idlers) {
                c.send("DONE");
                assertThat(c.readLine()).isEqualTo("i OK IDLE completed");
                // the view the fan-out extended is the session's: no repeated EXISTS, sequence numbers 1..3
                List<String> fetched = c.command("FETCH 1:* (UID)");
                assertThat(fetched.subList(0, fetched.size() - 1))
                        .containsExactly("* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)");
                assertThat(ImapTestClient.last(fetched)).endsWith(" OK FETCH completed");
            }
        } finally {
            closeAll(idlers);
        }
    }

    @Test
    void rev2AndReadOnlyIdlersGetExistsWithoutRecentWhereTheProtocolSaysSo() throws Exception {
        List<ImapTestClient> idlers = new ArrayList<>();
        try {
            ImapTestClient rev2 = new ImapTestClient(fx.port()).login("alice@example.test");
            rev2.command("ENABLE IMAP4rev2");
            ImapTestClient examiner = new ImapTestClient(fx.port()).login("alice@example.test");
            ImapTestClient rev1 = new ImapTestClient(fx.port()).login("alice@example.test");
            idlers.addAll(List.of(rev2, examiner, rev1));
            rev2.command("SELECT INBOX");
            examiner.command("EXAMINE INBOX");
            rev1.command("SELECT INBOX");
            for (ImapTestClient c : idlers) {
                c.send("i IDLE");
                assertThat(c.readLine()).startsWith("+ ");
            }
            fx.deliver(alice, ImapFixture.message(1));
            assertThat(rev2.readLine()).isEqualTo("* 1 EXISTS"); // RFC 9051: no RECENT response
            assertThat(examiner.readLine()).isEqualTo("* 1 EXISTS");
            assertThat(examiner.readLine()).isEqualTo("* 0 RECENT"); // EXAMINE never claims \Recent
            assertThat(rev1.readLine()).isEqualTo("* 1 EXISTS");
            // one of the two read-write sessions holds it (RFC 3501 §2.3.2); rev2 does not say so
            String recent = rev1.readLine();
            assertThat(recent).isIn("* 0 RECENT", "* 1 RECENT");
            endIdle(idlers);
        } finally {
            closeAll(idlers);
        }
    }

    @Test
    void aNewKeywordIsAnnouncedWithFlagsBeforeTheExistsThatCarriesIt() throws Exception {
        List<ImapTestClient> idlers = idlers(3);
        try {
            fx.store.mail().append(fx.inbox(alice).id(), MessageSource.ofBytes(
                    ImapFixture.message(1).getBytes(StandardCharsets.UTF_8)), Set.of("$Project"),
                    Instant.parse("2026-11-20T10:00:00Z"));
            for (ImapTestClient c : idlers) {
                // RFC 9051 §7.3.5: FLAGS lists the new keyword before any message carries it
                assertThat(c.readLine()).startsWith("* FLAGS (").contains("$Project");
                assertThat(c.readLine()).startsWith("* OK [PERMANENTFLAGS (");
                assertThat(c.readLine()).isEqualTo("* 1 EXISTS");
                assertThat(c.readLine()).matches("\\* [01] RECENT");
            }
        } finally {
            closeAll(idlers);
        }
    }

    @Test
    void flagChangesAndExpungesOfAnotherSessionReachEveryIdler() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, ImapFixture.message(2));
        List<ImapTestClient> idlers = idlers(3);
        try (ImapTestClient other = new ImapTestClient(fx.port()).login("alice@example.test")) {
            other.command("SELECT INBOX");
            other.command("STORE 1 +FLAGS.SILENT (\\Flagged)");
            for (ImapTestClient c : idlers) {
                assertThat(c.readLine()).startsWith("* 1 FETCH (FLAGS (\\Flagged"); // and \\Recent for one
            }
            other.command("STORE 2 +FLAGS.SILENT (\\Deleted)");
            other.command("EXPUNGE");
            for (ImapTestClient c : idlers) {
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 3 && !seen.contains("* 2 EXPUNGE"); i++) {
                    seen.add(c.readLine()); // the \Deleted FETCH may or may not come first
                }
                assertThat(seen).contains("* 2 EXPUNGE");
                c.send("DONE");
                assertThat(c.readLine()).isEqualTo("i OK IDLE completed");
                List<String> fetched = c.command("FETCH 1:* (UID)");
                assertThat(fetched.subList(0, fetched.size() - 1)).containsExactly("* 1 FETCH (UID 1)");
            }
        } finally {
            closeAll(idlers);
        }
    }

    @Test
    void moreIdlersThanOneSliceServesAreAllAnnouncedAndRecentStaysWithOne() throws Exception {
        // IdleFanOut splits a pass into slices of at least MIN_SLICE idlers, one per core: enough idlers
        // that a two-core machine serves them from two threads at once
        List<ImapTestClient> idlers = new ArrayList<>();
        try {
            int wanted = 2 * IdleFanOut.MIN_SLICE + 2;
            for (int i = 0; i < wanted; i++) {
                // half from 127.0.0.2: the listener allows 100 connections per address
                InetAddress from = InetAddress.getByName(i % 2 == 0 ? "127.0.0.1" : "127.0.0.2");
                idlers.add(enterIdle(new ImapTestClient(new Socket(InetAddress.getByName("127.0.0.1"), fx.port(), from, 0)),
                        "SELECT INBOX"));
            }
            for (int round = 1; round <= 2; round++) {
                deliverAndExpectRecentOnce(idlers, round);
            }
            endIdle(idlers);
        } finally {
            closeAll(idlers);
        }
    }

    @Test
    void aLongIdlePastTheFanOutsWriteCapStillGetsEveryMessageInOrder() throws Exception {
        // EXAMINE sessions never make the \Recent claim, so every announcement can take the fan-out path
        // until MAX_FAST_BYTES_PER_IDLE; then the session announces for itself (EXISTS + RECENT: ~26 bytes)
        int deliveries = IdleFanOut.MAX_FAST_BYTES_PER_IDLE / 20;
        List<ImapTestClient> idlers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                idlers.add(enterIdle(new ImapTestClient(fx.port()), "EXAMINE INBOX"));
            }
            for (int m = 1; m <= deliveries; m++) {
                fx.deliver(alice, ImapFixture.message(m));
            }
            for (ImapTestClient c : idlers) {
                long exists = 0;
                while (exists < deliveries) {
                    String line = c.readLine();
                    if (line.endsWith(" EXISTS")) {
                        long n = Long.parseLong(line.split(" ")[1]);
                        assertThat(n).as("EXISTS never goes back").isGreaterThan(exists);
                        exists = n;
                    } else {
                        assertThat(line).matches("\\* \\d+ RECENT");
                    }
                }
                c.send("DONE");
                String line;
                while ((line = c.readLine()).startsWith("* ")) {
                    assertThat(line).matches("\\* \\d+ RECENT"); // the last EXISTS may carry one more
                }
                assertThat(line).isEqualTo("i OK IDLE completed");
                List<String> fetched = c.command("FETCH 1:* (UID)");
                assertThat(fetched).hasSize(deliveries + 1);
                for (int m = 1; m <= deliveries; m++) {
                    assertThat(fetched.get(m - 1)).isEqualTo("* " + m + " FETCH (UID " + m + ")");
                }
            }
        } finally {
            closeAll(idlers);
        }
    }

    private List<ImapTestClient> idlers(int n) throws Exception {
        List<ImapTestClient> idlers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idlers.add(enterIdle(new ImapTestClient(fx.port()), "SELECT INBOX"));
        }
        return idlers;
    }

    /** Logs alice in, opens her INBOX with {@code open} (SELECT or EXAMINE) and starts IDLE. */
    private static ImapTestClient enterIdle(ImapTestClient c, String open) throws Exception {
        c.login("alice@example.test");
        c.command(open);
        c.send("i IDLE");
        assertThat(c.readLine()).startsWith("+ ");
        return c;
    }

    /**
     * Delivers message {@code round} and reads its EXISTS and RECENT from every idler: the counts are
     * cumulative per session, and over all sessions each message is recent once (RFC 3501 §2.3.2).
     */
    private void deliverAndExpectRecentOnce(List<ImapTestClient> idlers, int round) throws Exception {
        fx.deliver(alice, ImapFixture.message(round));
        int recentOnes = 0;
        for (ImapTestClient c : idlers) {
            assertThat(c.readLine()).isEqualTo("* " + round + " EXISTS");
            String recent = c.readLine();
            assertThat(recent).matches("\\* \\d+ RECENT");
            recentOnes += Integer.parseInt(recent.split(" ")[1]);
        }
        assertThat(recentOnes).as("round %d", round).isEqualTo(round);
    }

    private static void endIdle(List<ImapTestClient> idlers) throws Exception {
        for (ImapTestClient c : idlers) {
            c.send("DONE");
            assertThat(c.readLine()).isEqualTo("i OK IDLE completed");
        }
    }

    private static void closeAll(List<ImapTestClient> clients) throws Exception {
        for (ImapTestClient c : clients) {
            c.close();
        }
    }
}
