package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.UidSet;

/**
 * Adversarial interleavings around the large-message RETR path: the head of the next large message
 * read ahead ({@link HeadPrefetch}), the +OK flushed with the first part, LF-dot search by words
 * ({@link DotScan}) and the store's transferTo. Every answer is compared byte for byte with the
 * line-by-line reference of RFC 1939 §3 ({@link StuffingPropertyTest#reference}); the size in +OK and
 * LIST is the octet count before stuffing (RFC 1939 §5).
 */
class RetrReadAheadAuditTest extends AliceMaildropTest {

    private static final int K = 1024;

    /** Text lines ("." every {@code dotEvery}th) up to exactly {@code size} octets, CRLF-terminated. */
    private static byte[] sized(int size, String subject, int dotEvery) {
        StringBuilder sb = new StringBuilder("Subject: " + subject + "\r\n\r\n");
        for (int k = 0; sb.length() < size - 100; k++) {
            sb.append(k % dotEvery == 0 ? "." : "").append("line ").append(k).append(" of ").append(subject)
                    .append(" ".repeat(k % 31)).append("\r\n");
        }
        while (sb.length() < size - 2) {
            sb.append('y');
        }
        sb.append("\r\n");
        byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
        assertThat(b).hasSize(size);
        return b;
    }

    /** A message of {@code size} octets with a line starting with "." exactly at octet {@code dotAt}. */
    private static byte[] dotLineAt(int size, int dotAt) {
        byte[] b = sized(size, "dot at " + dotAt, 1_000_000);
        for (int i = 1000; i < b.length; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                b[i] = 'z'; // one long line, then lines placed where wanted
            }
        }
        b[dotAt - 2] = '\r';
        b[dotAt - 1] = '\n';
        b[dotAt] = '.';
        b[dotAt + 1] = '\r';
        b[dotAt + 2] = '\n';
        b[size - 2] = '\r';
        b[size - 1] = '\n';
        return b;
    }

    private void assertRetr(Pop3TestClient c, int number, byte[] expected) throws IOException {
        assertThat(c.command("RETR " + number)).as("RETR %d", number).isEqualTo("+OK " + expected.length + " octets");
        assertWire(c.readRawMultiLine(), StuffingPropertyTest.reference(expected, MessageStreamer.ALL_LINES), "RETR " + number);
    }

    private void assertTop(Pop3TestClient c, int number, int lines, byte[] message) throws IOException {
        assertThat(c.command("TOP " + number + " " + lines)).startsWith("+OK");
        assertWire(c.readRawMultiLine(), StuffingPropertyTest.reference(message, lines), "TOP " + number + " " + lines);
    }

    private static void assertWire(byte[] actual, byte[] expected, String what) {
        if (!java.util.Arrays.equals(actual, expected)) {
            int i = java.util.Arrays.mismatch(actual, expected);
            throw new AssertionError(what + ": " + actual.length + " octets on the wire, expected " + expected.length
                    + ", first difference at " + i);
        }
    }

    private List<byte[]> deliverAll(List<byte[]> messages) {
        for (byte[] m : messages) {
            fx.deliver(alice, m, Set.of());
        }
        return messages;
    }

    @Test
    void deletingTheMessageReadAheadMakesItsRetrFailAndRsetBringsItBackExact() throws Exception {
        List<byte[]> sent = deliverAll(List.of(sized(100 * K, "a", 5), sized(120 * K, "b", 7),
                sized(90 * K, "c", 3), sized(70 * K, "d", 2)));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertRetr(c, 1, sent.get(0)); // 2 is read ahead
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertThat(c.command("RETR 2")).isEqualTo("-ERR message 2 already deleted");
            assertThat(c.command("TOP 2 3")).startsWith("-ERR");
            assertThat(c.command("LIST 2")).startsWith("-ERR");
            assertRetr(c, 3, sent.get(2)); // 3 was not read ahead (2 was): from the store
            assertThat(c.command("RSET")).startsWith("+OK maildrop has 4 messages");
            assertRetr(c, 2, sent.get(1)); // the head of 2 may still be held: it must continue exactly
            assertRetr(c, 3, sent.get(2));
            assertRetr(c, 4, sent.get(3));
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(fx.store.mail().messages(fx.inbox(alice).id())).hasSize(4);
    }

    @Test
    void rsetBetweenInOrderRetrsKeepsEveryAnswerExact() throws Exception {
        List<byte[]> sent = deliverAll(List.of(sized(80 * K, "a", 4), sized(200 * K, "b", 9), sized(66 * K, "c", 2)));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("DELE 2")).startsWith("+OK");
            assertRetr(c, 1, sent.get(0)); // 2 is marked deleted: 3 is read ahead
            assertThat(c.command("RSET")).startsWith("+OK");
            assertRetr(c, 2, sent.get(1)); // not the one read ahead
            assertRetr(c, 3, sent.get(2));
        }
    }

    @Test
    void topOfAMessageWhoseHeadWasReadAheadMatchesTheReferenceAcrossThe48KbHead() throws Exception {
        // a header longer than the head read ahead, and a body whose first lines reach past it
        StringBuilder longHeader = new StringBuilder("Subject: long header\r\n");
        for (int i = 0; longHeader.length() < 70 * K; i++) {
            longHeader.append("X-Trace-").append(i).append(": ").append("h".repeat(60)).append("\r\n");
        }
        byte[] body = sized(100 * K, "tail", 3);
        byte[] hugeHeader = (longHeader + "\r\n" + new String(body, StandardCharsets.US_ASCII).substring(17))
                .getBytes(StandardCharsets.US_ASCII);
        byte[] plain = sized(150 * K, "plain", 4);
        List<byte[]> sent = deliverAll(List.of(sized(80 * K, "first", 5), plain, hugeHeader, sized(100 * K, "last", 6)));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertRetr(c, 1, sent.get(0)); // 2 read ahead
            assertTop(c, 2, 3000, plain); // ~3000 lines reach well past 48 KB
            assertTop(c, 3, 0, hugeHeader); // read ahead during TOP 2 (in order); header alone is 70 KB
            assertTop(c, 4, 1, sent.get(3)); // read ahead during TOP 3, ends inside the head
            assertRetr(c, 4, sent.get(3)); // the same message again: from the store
            assertTop(c, 3, 5, hugeHeader);
            assertRetr(c, 3, hugeHeader);
            assertRetr(c, 2, plain);
            assertTop(c, 2, 0, plain);
            assertTop(c, 2, 100_000, plain); // more lines than the message has: the whole message
        }
    }

    @Test
    void outOfOrderBackwardsRepeatedRetrsWithListAndUidlBetweenAreExact() throws Exception {
        List<byte[]> sent = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            sent.add(i % 3 == 0 ? sized(2 * K + i * 111, "small " + i, 3) : sized(60 * K + i * 9_973, "large " + i, i));
        }
        deliverAll(sent);
        int[] order = {1, 2, 2, 3, 5, 4, 8, 7, 6, 5, 4, 3, 2, 1, 1, 2, 3, 4, 5, 6, 7, 8};
        try (Pop3TestClient c = aliceLoggedIn()) {
            for (int i = 0; i < order.length; i++) {
                assertRetr(c, order[i], sent.get(order[i] - 1));
                if (i % 4 == 1) {
                    assertThat(c.command("LIST")).startsWith("+OK");
                    List<String> listing = c.readMultiLine();
                    assertThat(listing).hasSize(8);
                    for (int n = 1; n <= 8; n++) {
                        assertThat(listing.get(n - 1)).isEqualTo(n + " " + sent.get(n - 1).length);
                    }
                } else if (i % 4 == 3) {
                    assertThat(c.command("UIDL")).startsWith("+OK");
                    assertThat(c.readMultiLine()).hasSize(8);
                    assertThat(c.command("LIST " + order[i])).isEqualTo("+OK " + order[i] + " " + sent.get(order[i] - 1).length);
                }
            }
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    /** Sizes at the store's 16 KB chunks, the 48 KB head, the 64 KB small/large line, with odd endings. */
    private static List<byte[]> boundaryMessages() {
        List<byte[]> ms = new ArrayList<>();
        for (int size : new int[] {16 * K - 1, 16 * K, 16 * K + 1, 48 * K - 1, 48 * K, 48 * K + 1, 64 * K - 1, 64 * K,
                64 * K + 1, 112 * K, 112 * K + 1, 240 * K + 1}) {
            ms.add(sized(size, "size " + size, 4));
        }
        for (int at : new int[] {16 * K, 16 * K - 1, 16 * K + 1, 48 * K, 48 * K - 1, 48 * K + 1, 64 * K, 64 * K - 1,
                64 * K + 1, 112 * K, 176 * K, 8 * K}) {
            ms.add(dotLineAt(200 * K, at)); // dots right at chunk, window and head edges of a large message
        }
        byte[] noFinalCrlf = sized(100 * K, "no final crlf", 3);
        ms.add(java.util.Arrays.copyOf(noFinalCrlf, noFinalCrlf.length - 2)); // ends in "yy"
        byte[] endsInCr = sized(70 * K, "ends in cr", 3);
        ms.add(java.util.Arrays.copyOf(endsInCr, endsInCr.length - 1));
        String bareLf = new String(sized(130 * K, "bare lf", 2), StandardCharsets.US_ASCII).replace("\r\n", "\n");
        ms.add(bareLf.getBytes(StandardCharsets.US_ASCII));
        ms.add("Subject: empty body\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        ms.add(dotLineAt(66 * K, 64 * K).clone());
        byte[] lastLineDot = sized(90 * K, "last line a dot", 50);
        byte[] withDot = java.util.Arrays.copyOf(lastLineDot, lastLineDot.length + 3);
        withDot[lastLineDot.length] = '.';
        withDot[lastLineDot.length + 1] = '\r';
        withDot[lastLineDot.length + 2] = '\n';
        ms.add(withDot); // a message whose last line is "." (would end the response if not stuffed)
        ms.add(java.util.Arrays.copyOf(withDot, withDot.length - 2)); // ... and without CRLF after it
        StringBuilder headerOnly = new StringBuilder("Subject: header only\r\n");
        for (int i = 0; headerOnly.length() < 90 * K; i++) {
            headerOnly.append("X-Field-").append(i).append(": value ").append(i).append("\r\n");
        }
        headerOnly.append("X-Last: no line end");
        ms.add(headerOnly.toString().getBytes(StandardCharsets.US_ASCII)); // no empty line: TOP n 0 sends it all
        return ms;
    }

    @Test
    void messagesAtChunkHeadAndWindowBoundariesArriveExactInOrderBackwardsAndAsTop() throws Exception {
        List<byte[]> sent = deliverAll(boundaryMessages());
        int count = sent.size();
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("LIST")).startsWith("+OK");
            List<String> listing = c.readMultiLine();
            for (int n = 1; n <= count; n++) {
                assertThat(listing.get(n - 1)).as("RFC 1939 §5: LIST size = octets before stuffing")
                        .isEqualTo(n + " " + sent.get(n - 1).length);
            }
            for (int n = 1; n <= count; n++) { // in order: each large one was read ahead
                assertRetr(c, n, sent.get(n - 1));
            }
            for (int n = count; n >= 1; n--) { // backwards: nothing read ahead
                assertRetr(c, n, sent.get(n - 1));
            }
            for (int n = 1; n <= count; n++) { // TOP in order: TOP also reads the next head ahead
                assertTop(c, n, n * 97, sent.get(n - 1));
            }
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void anEmptyMessageIsSentAsAnEmptyResponse() throws Exception {
        try {
            fx.deliver(alice, new byte[0], Set.of());
        } catch (RuntimeException e) {
            org.junit.jupiter.api.Assumptions.abort("the store refuses empty messages: " + e);
        }
        fx.deliver(alice, sized(100 * K, "after empty", 3), Set.of());
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("RETR 1")).isEqualTo("+OK 0 octets");
            assertThat(c.readRawMultiLine()).isEqualTo(".\r\n".getBytes(StandardCharsets.US_ASCII));
            assertRetr(c, 2, sized(100 * K, "after empty", 3));
        }
    }

    @Test
    void pipelinedRetrsAreAnsweredInOrderAndByteExact() throws Exception {
        List<byte[]> sent = deliverAll(List.of(sized(300 * K, "p1", 3), sized(2 * K, "p2", 2), sized(500 * K, "p3", 5),
                sized(100 * K, "p4", 4), sized(65 * K, "p5", 1)));
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("CAPA")).startsWith("+OK");
            assertThat(c.readMultiLine()).contains("PIPELINING"); // RFC 2449 §6.6
            c.sendRaw(("RETR 1\r\nRETR 2\r\nRETR 3\r\nLIST 3\r\nRETR 4\r\nRETR 5\r\nRETR 4\r\nTOP 5 2\r\nNOOP\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int[] retrs = {1, 2, 3};
            for (int n : retrs) {
                assertThat(c.readLine()).isEqualTo("+OK " + sent.get(n - 1).length + " octets");
                assertWire(c.readRawMultiLine(), StuffingPropertyTest.reference(sent.get(n - 1), -1), "RETR " + n);
            }
            assertThat(c.readLine()).isEqualTo("+OK 3 " + sent.get(2).length);
            for (int n : new int[] {4, 5, 4}) {
                assertThat(c.readLine()).isEqualTo("+OK " + sent.get(n - 1).length + " octets");
                assertWire(c.readRawMultiLine(), StuffingPropertyTest.reference(sent.get(n - 1), -1), "RETR " + n);
            }
            assertThat(c.readLine()).startsWith("+OK");
            assertWire(c.readRawMultiLine(), StuffingPropertyTest.reference(sent.get(4), 2), "TOP 5 2");
            assertThat(c.readLine()).startsWith("+OK");
            // QUIT pipelined behind an in-order RETR that starts a read-ahead
            c.sendRaw("RETR 1\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(c.readLine()).startsWith("+OK");
            c.readRawMultiLine();
            assertThat(c.readLine()).startsWith("+OK");
            assertThat(c.isClosedByServer()).isTrue();
        }
        assertEverythingStillDownloads(sent);
    }

    @Test
    void pipelinedRetrsOverPop3sAndStlsAreAnsweredInOrderAndByteExact() throws Exception {
        List<byte[]> sent = deliverAll(List.of(sized(200 * K, "t1", 3), sized(3 * K, "t2", 2), sized(700 * K, "t3", 5),
                sized(64 * K + 1, "t4", 1)));
        String pipeline = "RETR 1\r\nRETR 2\r\nRETR 3\r\nRETR 4\r\nRETR 3\r\nNOOP\r\n";
        int[] expected = {1, 2, 3, 4, 3};
        for (boolean implicitTls : new boolean[] {true, false}) {
            try (Pop3TestClient c = implicitTls ? Pop3TestClient.connectTls(fx.pop3sPort()) : fx.connect()) {
                if (!implicitTls) {
                    assertThat(c.command("STLS")).startsWith("+OK");
                    c.startTls();
                }
                c.login("alice@example.test", "secret");
                c.sendRaw(pipeline.getBytes(StandardCharsets.US_ASCII));
                for (int n : expected) {
                    assertThat(c.readLine()).isEqualTo("+OK " + sent.get(n - 1).length + " octets");
                    assertWire(c.readRawMultiLine(), StuffingPropertyTest.reference(sent.get(n - 1), -1),
                            (implicitTls ? "POP3S" : "STLS") + " RETR " + n);
                }
                assertThat(c.readLine()).startsWith("+OK");
                assertThat(c.command("QUIT")).startsWith("+OK");
            }
        }
    }

    @Test
    void anImapExpungeOfTheNextMessageWhileOneStreamsMakesItsRetrFailCleanly() throws Exception {
        List<byte[]> sent = deliverAll(List.of(sized(1500 * K, "streaming", 7), sized(600 * K, "expunged", 3),
                sized(300 * K, "third", 5)));
        long inbox = fx.inbox(alice).id();
        List<Long> uids = fx.store.mail().messages(inbox).stream().map(m -> m.uid()).toList();
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * K); // a slow reader: the server blocks mid-message
            s.connect(new java.net.InetSocketAddress("127.0.0.1", fx.pop3Port()));
            try (Pop3TestClient c = Pop3TestClient.connect(s)) {
                c.login("alice@example.test", "secret");
                assertRetr(c, 1, sent.get(0)); // 2's head read ahead
                c.send("RETR 1"); // not in order: nothing read ahead; streams while 2 goes away
                assertThat(c.readLine()).isEqualTo("+OK " + sent.get(0).length + " octets");
                Thread.sleep(50);
                fx.store.mail().updateFlags(inbox, UidSet.of(List.of(uids.get(1))), FlagOperation.ADD,
                        Set.of(Flags.DELETED), OptionalLong.empty());
                assertThat(fx.store.mail().expunge(inbox, Optional.empty())).containsExactly(uids.get(1));
                assertWire(c.readRawMultiLine(), StuffingPropertyTest.reference(sent.get(0), -1), "RETR 1 again");
                assertRetr(c, 1, sent.get(0)); // once more, and 2 is read ahead after its expunge
                assertThat(c.command("RETR 2")).isEqualTo("-ERR message 2 was removed by another session");
                assertThat(c.command("TOP 2 0")).startsWith("-ERR");
                assertRetr(c, 3, sent.get(2));
                assertThat(c.command("NOOP")).startsWith("+OK");
                assertThat(c.command("QUIT")).startsWith("+OK");
            }
        }
    }

    @Test
    void clientsVanishingMidRetrWithAReadAheadInFlightLeaveTheServerAndStoreUsable() throws Exception {
        List<byte[]> sent = deliverAll(List.of(sized(1200 * K, "v1", 3), sized(900 * K, "v2", 5), sized(700 * K, "v3", 4),
                sized(5 * K, "v4", 2)));
        for (int round = 0; round < 12; round++) {
            Pop3TestClient c = loginWhenFree(() -> {
                Socket fresh = new Socket();
                fresh.setReceiveBufferSize(8 * K);
                fresh.connect(new java.net.InetSocketAddress("127.0.0.1", fx.pop3Port()));
                return fresh;
            });
            Socket s = c.socket();
            if (round % 3 == 0) {
                assertRetr(c, 1, sent.get(0)); // 2 read ahead; then vanish in the middle of 2
                c.send("RETR 2");
            } else if (round % 3 == 1) {
                c.sendRaw("RETR 1\r\nRETR 2\r\nRETR 3\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                c.send("RETR 1");
            }
            InputStream raw = s.getInputStream();
            raw.readNBytes(20 * K + round * 1000); // some of the answer, then gone without QUIT
            s.setSoLinger(true, 0); // RST: the server's next write fails
            s.close();
        }
        // the maildrop lock, the store's readers and the session threads are all free again
        assertEverythingStillDownloads(sent);
        try (Pop3TestClient c = aliceLoggedIn()) {
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        assertThat(fx.store.mail().messages(fx.inbox(alice).id())).hasSize(4);
    }

    private interface Connector {
        Socket open() throws IOException;
    }

    /**
     * Logs in as alice; a session whose client just vanished may hold the maildrop until the server
     * notices ([IN-USE], RFC 2449 §8.1.2), so this retries for up to 10 s.
     */
    private Pop3TestClient loginWhenFree(Connector connector) throws Exception {
        Pop3TestClient c = null;
        for (int attempt = 0; attempt < 100 && c == null; attempt++) {
            Pop3TestClient candidate = Pop3TestClient.connect(connector.open());
            assertThat(candidate.command("USER alice@example.test")).startsWith("+OK");
            String pass = candidate.command("PASS secret");
            if (pass.startsWith("+OK")) {
                c = candidate;
            } else {
                assertThat(pass).startsWith("-ERR [IN-USE]");
                candidate.close();
                Thread.sleep(100);
            }
        }
        assertThat(c).as("maildrop free again within 10 s").isNotNull();
        return c;
    }

    /** A new session downloads everything, twice over (in order, then backwards), exactly. */
    private void assertEverythingStillDownloads(List<byte[]> sent) throws Exception {
        try (Pop3TestClient session = loginWhenFree(() -> new Socket("127.0.0.1", fx.pop3Port()))) {
            for (int n = 1; n <= sent.size(); n++) {
                assertRetr(session, n, sent.get(n - 1));
            }
            for (int n = sent.size(); n >= 1; n--) {
                assertRetr(session, n, sent.get(n - 1));
            }
            assertThat(session.command("QUIT")).startsWith("+OK");
        }
    }
}
