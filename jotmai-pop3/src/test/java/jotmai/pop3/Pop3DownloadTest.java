package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;

/**
 * Whole-maildrop downloads as desktop clients do them: the batches read ahead (ContentPrefetch) must
 * give every message exactly, in order or not, and QUIT must leave out store writes that change nothing.
 */
class Pop3DownloadTest extends AliceMaildropTest {

    /** Sizes from tiny to beyond the read-ahead limit, lines starting with dots here and there. */
    private static byte[] message(int i) {
        StringBuilder sb = new StringBuilder("Subject: m" + i + "\r\n\r\n");
        int lines = i % 17 == 0 ? 1200 : 1 + (i * 37) % 90; // every 17th is ~90 KB: it streams
        for (int k = 0; k < lines; k++) {
            sb.append(k % 11 == 3 ? "." : "").append("line ").append(k).append(" of message ").append(i)
                    .append(" ".repeat(50)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private List<byte[]> deliverMany(int n) {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            byte[] m = message(i);
            fx.deliver(alice, m, Set.of());
            sent.add(m);
        }
        return sent;
    }

    private static void assertRetr(Pop3TestClient c, int number, byte[] expected) throws Exception {
        assertThat(c.command("RETR " + number)).isEqualTo("+OK " + expected.length + " octets");
        assertThat(new String(c.readMessageOctets(), StandardCharsets.US_ASCII))
                .as("message %d", number).isEqualTo(new String(expected, StandardCharsets.US_ASCII));
    }

    @Test
    void everyMessageArrivesExactlyWhetherDownloadedInOrderOrNot() throws Exception {
        List<byte[]> sent = deliverMany(120);
        try (Pop3TestClient c = aliceLoggedIn()) {
            for (int n = 1; n <= 60; n++) {
                assertRetr(c, n, sent.get(n - 1));
            }
            assertThat(c.command("DELE 62")).startsWith("+OK");
            assertThat(c.command("DELE 70")).startsWith("+OK");
            for (int n = 61; n <= 120; n++) {
                if (n == 62 || n == 70) {
                    assertThat(c.command("RETR " + n)).startsWith("-ERR");
                    continue;
                }
                assertRetr(c, n, sent.get(n - 1));
            }
            for (int n : new int[] {5, 110, 4, 6, 7, 99, 1, 120, 30}) { // jumps back and forth
                assertRetr(c, n, sent.get(n - 1));
            }
            assertThat(c.command("TOP 44 0")).startsWith("+OK");
            assertThat(c.readMultiLine()).containsExactly("Subject: m44", "");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void downloadingAgainWritesNothingAtQuitAndKeepsTheFirstRetrievalTime() throws Exception {
        deliverMany(3);
        long inbox = fx.inbox(alice).id();
        try (Pop3TestClient c = aliceLoggedIn()) {
            for (int n = 1; n <= 3; n++) {
                assertThat(c.command("RETR " + n)).startsWith("+OK");
                c.readMultiLine();
            }
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        Instant first = fx.store.mail().retrievedTimes(inbox).values().iterator().next();
        long modSeq = fx.store.mail().mailbox(inbox).orElseThrow().highestModSeq();
        fx.clock.advance(Duration.ofHours(1));
        try (Pop3TestClient c = aliceLoggedIn()) {
            for (int n = 1; n <= 3; n++) {
                assertThat(c.command("RETR " + n)).startsWith("+OK");
                c.readMultiLine();
            }
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(fx.store.mail().mailbox(inbox).orElseThrow().highestModSeq()).isEqualTo(modSeq);
        assertThat(fx.store.mail().retrievedTimes(inbox).values()).containsOnly(first);
    }

    @Test
    void aMessageAnImapUserMarkedUnreadDuringTheSessionIsSeenAgainAfterQuit() throws Exception {
        deliverMany(2);
        long inbox = fx.inbox(alice).id();
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("RETR 1")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        MessageMeta m = fx.store.mail().messages(inbox).getFirst();
        assertThat(m.hasFlag(Flags.SEEN)).isTrue();
        try (Pop3TestClient c = fx.connect()) {
            c.login("alice@example.test", "secret"); // the snapshot says \Seen
            fx.store.mail().updateFlags(inbox, UidSet.of(List.of(m.uid())), FlagOperation.REMOVE, Set.of(Flags.SEEN),
                    OptionalLong.empty());
            assertThat(c.command("RETR 1")).startsWith("+OK");
            c.readMultiLine();
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(fx.store.mail().messages(inbox).getFirst().hasFlag(Flags.SEEN)).isTrue();
    }

    /** ~200 KB, different per message, dot lines everywhere (also right at 16 KB and 64 KB window edges). */
    private static byte[] largeMessage(int i) {
        StringBuilder sb = new StringBuilder("Subject: large " + i + "\r\n\r\n");
        for (int k = 0; sb.length() < 200_000; k++) {
            sb.append(k % (3 + i) == 0 ? "." : "").append("line ").append(k).append(" of large message ").append(i)
                    .append(" ".repeat(k % 40)).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void largeMessagesReadAheadArriveExactlyAndOneExpungedOverImapMeanwhileFailsCleanly() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        List<Long> uids = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            byte[] m = largeMessage(i);
            uids.add(fx.deliver(alice, m, Set.of()).uid());
            sent.add(m);
        }
        long inbox = fx.inbox(alice).id();
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertRetr(c, 1, sent.get(0));
            assertRetr(c, 2, sent.get(1)); // in order: message 3's head is read ahead meanwhile
            // an IMAP user expunges message 3 while its beginning is already in the POP3 session's memory
            fx.store.mail().updateFlags(inbox, UidSet.of(List.of(uids.get(2))), FlagOperation.ADD, Set.of(Flags.DELETED),
                    OptionalLong.empty());
            assertThat(fx.store.mail().expunge(inbox, java.util.Optional.empty())).containsExactly(uids.get(2));
            assertThat(c.command("RETR 3")).isEqualTo("-ERR message 3 was removed by another session");
            assertRetr(c, 4, sent.get(3));
            assertThat(c.command("TOP 5 2")).isEqualTo("+OK top of message follows"); // read ahead, then TOP
            assertThat(c.readMultiLine()).containsExactly("Subject: large 5", "", "..line 0 of large message 5",
                    "line 1 of large message 5 ");
            assertRetr(c, 6, sent.get(5)); // 6 was read ahead during TOP 5
            assertRetr(c, 5, sent.get(4)); // a jump back: read from the store as usual
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertRetr(c, 1, sent.get(0)); // 2 is marked deleted: 4 is not skipped to, 1 streams
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }
}
