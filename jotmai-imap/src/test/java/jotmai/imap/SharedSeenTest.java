package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.Flags;
import jotmai.store.Rights;

/**
 * Issue 7: \Seen is per user on shared mailboxes, the other flags are shared. Bob owns the mailbox,
 * Alice (two sessions) and Carol read it; every session is a real loopback connection.
 */
class SharedSeenTest {
    static final String BOB_INBOX = "\"Other Users/bob@example.test/INBOX\"";
    private static final Pattern FETCH_FLAGS = Pattern.compile("^\\* (\\d+) FETCH \\(.*FLAGS \\(([^)]*)\\).*", Pattern.DOTALL);
    private static final Pattern HIGHESTMODSEQ = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]");

    @TempDir
    Path dir;
    ImapFixture fx;
    Account alice;
    Account bob;
    Account carol;

    private void start(ImapConfig config, String readerRights) throws Exception {
        fx = new ImapFixture(dir);
        alice = fx.account("alice");
        bob = fx.account("bob");
        carol = fx.account("carol");
        for (int i = 1; i <= 3; i++) {
            fx.deliver(bob, ImapFixture.message(i));
        }
        long inbox = fx.inbox(bob).id();
        fx.store.acl().setRights(inbox, alice.address(), Rights.of(readerRights));
        fx.store.acl().setRights(inbox, carol.address(), Rights.of(readerRights));
        fx.start(config);
    }

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /** A logged-in IMAP4rev2 session with the shared mailbox (or the owner's INBOX) selected. */
    private ImapTestClient open(String localPart) throws Exception {
        ImapTestClient c = new ImapTestClient(fx.port()).login(localPart + "@example.test");
        c.send("e ENABLE IMAP4rev2");
        c.until("e");
        assertThat(ImapTestClient.last(c.command("SELECT " + (localPart.equals("bob") ? "INBOX" : BOB_INBOX))))
                .contains("OK [READ-WRITE]");
        return c;
    }

    /** Sequence number → flag list of the FETCH responses among {@code lines}. */
    private static Map<Integer, String> flags(List<String> lines) {
        Map<Integer, String> out = new TreeMap<>();
        for (String line : lines) {
            Matcher m = FETCH_FLAGS.matcher(line);
            if (m.matches()) {
                out.put(Integer.parseInt(m.group(1)), m.group(2));
            }
        }
        return out;
    }

    private static String statusUnseen(ImapTestClient c, String mailbox) throws Exception {
        return c.command("STATUS " + mailbox + " (MESSAGES UNSEEN)").get(0);
    }

    @Test
    void eachUserSeesItsOwnSeenWhileTheOtherFlagsAreShared() throws Exception {
        start(ImapConfig.loopback(), "lrswite");
        try (ImapTestClient b = open("bob"); ImapTestClient a1 = open("alice"); ImapTestClient a2 = open("alice");
             ImapTestClient c = open("carol")) {
            assertThat(flags(a1.command("STORE 1 +FLAGS (\\Seen \\Flagged)"))).containsExactly(
                    Map.entry(1, "\\Flagged \\Seen"));
            // Alice's other session sees her \Seen; Carol and Bob only the shared \Flagged
            assertThat(flags(a2.command("NOOP"))).containsExactly(Map.entry(1, "\\Flagged \\Seen"));
            assertThat(flags(c.command("NOOP"))).containsExactly(Map.entry(1, "\\Flagged"));
            assertThat(flags(b.command("NOOP"))).containsExactly(Map.entry(1, "\\Flagged"));
            assertThat(flags(c.command("FETCH 1:3 FLAGS"))).containsExactly(
                    Map.entry(1, "\\Flagged"), Map.entry(2, ""), Map.entry(3, ""));

            // Carol reads message 2 (implicit \Seen, RFC 9051 §6.4.5): nobody else hears of it
            assertThat(flags(c.command("FETCH 2 (BODY[])"))).containsExactly(Map.entry(2, "\\Seen"));
            assertThat(a1.command("NOOP")).containsExactly("t4 OK NOOP completed");
            assertThat(b.command("NOOP")).containsExactly("t4 OK NOOP completed");

            // a reader's \Seen change alone is not a change for the other users
            assertThat(flags(a1.command("STORE 3 +FLAGS (\\Seen)"))).containsExactly(Map.entry(3, "\\Seen"));
            assertThat(c.command("NOOP")).containsExactly("t6 OK NOOP completed");
            assertThat(b.command("NOOP")).containsExactly("t5 OK NOOP completed");
            assertThat(flags(a2.command("NOOP"))).containsExactly(Map.entry(3, "\\Seen"));

            // STATUS, SEARCH: per user
            assertThat(statusUnseen(a2, BOB_INBOX)).isEqualTo("* STATUS " + BOB_INBOX + " (MESSAGES 3 UNSEEN 1)");
            assertThat(statusUnseen(c, BOB_INBOX)).isEqualTo("* STATUS " + BOB_INBOX + " (MESSAGES 3 UNSEEN 2)");
            assertThat(statusUnseen(b, "INBOX")).isEqualTo("* STATUS INBOX (MESSAGES 3 UNSEEN 3)");
            assertThat(a1.command("UID SEARCH RETURN (ALL) UNSEEN").get(0)).endsWith("UID ALL 2");
            assertThat(c.command("UID SEARCH RETURN (ALL) UNSEEN").get(0)).endsWith("UID ALL 1,3");
            assertThat(b.command("UID SEARCH RETURN (ALL) UNSEEN").get(0)).endsWith("UID ALL 1:3");
            assertThat(c.command("UID SEARCH RETURN (ALL) SEEN FLAGGED")).hasSize(2).first().asString()
                    .doesNotContain("ALL");

            // a keyword set by Carol is shared, each user still sees its own \Seen with it
            c.command("STORE 2 +FLAGS.SILENT ($Label1)");
            assertThat(flags(a1.command("NOOP"))).containsExactly(Map.entry(2, "$Label1"));
            assertThat(flags(b.command("FETCH 2 FLAGS"))).containsExactly(Map.entry(2, "$Label1"));
            assertThat(flags(c.command("FETCH 2 FLAGS"))).containsExactly(Map.entry(2, "$Label1 \\Seen"));

            // FLAGS (replace) by Alice: her \Seen follows the list, the shared flags too, Bob's \Seen stays his
            b.command("STORE 1 +FLAGS.SILENT (\\Seen)");
            assertThat(flags(a1.command("STORE 1 FLAGS (\\Answered)"))).containsExactly(Map.entry(1, "\\Answered"));
            assertThat(flags(b.command("FETCH 1 FLAGS")).get(1).split(" "))
                    .containsExactlyInAnyOrder("\\Answered", "\\Seen");
            assertThat(flags(c.command("FETCH 1 FLAGS"))).containsExactly(Map.entry(1, "\\Answered"));
        }
        assertThat(fx.store.mail().messages(fx.inbox(bob).id())).extracting(m -> m.hasFlag(Flags.SEEN))
                .containsExactly(true, false, false);
    }

    @Test
    void aReadersSeenChangeWakesOnlyThatReadersIdlingSessions() throws Exception {
        start(ImapConfig.loopback(), "lrswite");
        try (ImapTestClient b = open("bob"); ImapTestClient a1 = open("alice"); ImapTestClient a2 = open("alice");
             ImapTestClient c = open("carol")) {
            a2.send("i1 IDLE");
            assertThat(a2.readLine()).startsWith("+ ");
            c.send("i1 IDLE");
            assertThat(c.readLine()).startsWith("+ ");
            a1.command("STORE 1 +FLAGS.SILENT (\\Seen)");
            assertThat(a2.readLine()).isEqualTo("* 1 FETCH (UID 1 FLAGS (\\Seen))");
            // Carol's first wake-up is Bob's shared change, nothing about Alice's \Seen before it
            b.command("STORE 2 +FLAGS.SILENT (\\Flagged)");
            assertThat(c.readLine()).isEqualTo("* 2 FETCH (UID 2 FLAGS (\\Flagged))");
            assertThat(a2.readLine()).isEqualTo("* 2 FETCH (UID 2 FLAGS (\\Flagged))");
            for (ImapTestClient idler : List.of(a2, c)) {
                idler.send("DONE");
                assertThat(idler.readLine()).isEqualTo("i1 OK IDLE completed");
            }
        }
    }

    @Test
    void selectReportsTheUsersOwnFirstUnseenMessage() throws Exception {
        start(ImapConfig.loopback(), "lrswite");
        try (ImapTestClient b = open("bob"); ImapTestClient a = open("alice")) {
            a.command("STORE 1:2 +FLAGS.SILENT (\\Seen)");
            b.command("STORE 2:3 +FLAGS.SILENT (\\Seen)");
        }
        try (ImapTestClient a = new ImapTestClient(fx.port()).login("alice@example.test");
             ImapTestClient b = new ImapTestClient(fx.port()).login("bob@example.test")) {
            // IMAP4rev1 (RFC 3501 §6.3.1): [UNSEEN n] is the first message the user has not seen
            assertThat(a.command("SELECT " + BOB_INBOX)).contains("* OK [UNSEEN 3] first unseen");
            assertThat(b.command("SELECT INBOX")).contains("* OK [UNSEEN 1] first unseen");
        }
    }

    @Test
    void withoutTheSRightStoreAndFetchLeaveTheUsersSeenAlone() throws Exception {
        start(ImapConfig.loopback(), "lrw");
        try (ImapTestClient a = open("alice")) {
            // RFC 4314 §4: flags the user has no right for are silently ignored
            assertThat(flags(a.command("STORE 1 +FLAGS (\\Seen \\Flagged)"))).containsExactly(Map.entry(1, "\\Flagged"));
            assertThat(flags(a.command("FETCH 2 (FLAGS BODY[])"))).containsExactly(Map.entry(2, ""));
            assertThat(statusUnseen(a, BOB_INBOX)).endsWith("(MESSAGES 3 UNSEEN 3)");
        }
    }

    @Test
    void aReaderResyncsWithQresyncAndGetsItsOwnSeenChangesOnly() throws Exception {
        start(ImapConfig.loopback(), "lrswite");
        long uidValidity = fx.store.mail().status(fx.inbox(bob).id()).uidValidity();
        long modSeq;
        try (ImapTestClient a = new ImapTestClient(fx.port()).login("alice@example.test")) {
            a.command("ENABLE QRESYNC");
            modSeq = highestModSeq(a.command("SELECT " + BOB_INBOX));
        }
        try (ImapTestClient b = open("bob"); ImapTestClient a = open("alice"); ImapTestClient c = open("carol")) {
            c.command("STORE 1 +FLAGS.SILENT (\\Seen)");    // Carol's: not Alice's business
            b.command("STORE 2 +FLAGS.SILENT (\\Flagged)"); // shared
            a.command("STORE 3 +FLAGS.SILENT (\\Seen)");    // Alice's own, from another device
        }
        try (ImapTestClient a = new ImapTestClient(fx.port()).login("alice@example.test")) {
            a.command("ENABLE QRESYNC");
            List<String> resync = a.command("SELECT " + BOB_INBOX + " (QRESYNC (" + uidValidity + " " + modSeq + "))");
            assertThat(flags(resync)).containsExactly(Map.entry(2, "\\Flagged"), Map.entry(3, "\\Seen"));
            // the client's view after the resync equals a full fetch
            assertThat(flags(a.command("FETCH 1:* FLAGS"))).containsExactly(
                    Map.entry(1, ""), Map.entry(2, "\\Flagged"), Map.entry(3, "\\Seen"));
            // CHANGEDSINCE and MODSEQ search see the same per-user MODSEQs
            assertThat(flags(a.command("FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + ")"))).containsOnlyKeys(2, 3);
            assertThat(a.command("SEARCH MODSEQ " + (modSeq + 1)).get(0)).startsWith("* SEARCH 2 3");
        }
    }

    @Test
    void copyingOutOfTheSharedMailboxKeepsTheReadersView() throws Exception {
        start(ImapConfig.loopback(), "lrswite");
        try (ImapTestClient b = open("bob"); ImapTestClient a = open("alice")) {
            b.command("STORE 2 +FLAGS.SILENT (\\Seen)"); // Bob's \Seen must not travel with Alice's copy
            a.command("STORE 1 +FLAGS.SILENT (\\Seen)");
            assertThat(ImapTestClient.last(a.command("COPY 1:2 INBOX"))).contains("OK [COPYUID");
            assertThat(ImapTestClient.last(a.command("MOVE 3 INBOX"))).contains("OK");
            assertThat(statusUnseen(b, "INBOX")).endsWith("(MESSAGES 2 UNSEEN 1)");
        }
        assertThat(fx.store.mail().messages(fx.inbox(alice).id())).extracting(m -> m.hasFlag(Flags.SEEN))
                .containsExactly(true, false, false);
    }

    @Test
    void copyingIntoTheSharedMailboxMarksItSeenForTheCopierOnly() throws Exception {
        start(ImapConfig.loopback(), "lrswite");
        fx.store.mail().append(fx.inbox(alice).id(), jotmai.store.MessageSource.ofBytes(ImapFixture.message(9).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                java.util.Set.of(Flags.SEEN), java.time.Instant.now());
        try (ImapTestClient b = open("bob");
             ImapTestClient a = new ImapTestClient(fx.port()).login("alice@example.test")) {
            a.command("SELECT INBOX");
            assertThat(ImapTestClient.last(a.command("COPY 1 " + BOB_INBOX))).contains("OK [COPYUID");
            assertThat(statusUnseen(a, BOB_INBOX)).endsWith("(MESSAGES 4 UNSEEN 3)");
            assertThat(statusUnseen(b, "INBOX")).endsWith("(MESSAGES 4 UNSEEN 4)");
        }
    }

    @Test
    void withSharedSeenConfiguredEveryoneSharesOneSeenFlag() throws Exception {
        start(ImapConfig.loopback().withPerUserSeen(false), "lrswite");
        try (ImapTestClient b = open("bob"); ImapTestClient a = open("alice")) {
            a.command("STORE 1 +FLAGS.SILENT (\\Seen)");
            assertThat(flags(b.command("NOOP"))).containsExactly(Map.entry(1, "\\Seen"));
            assertThat(statusUnseen(b, "INBOX")).endsWith("(MESSAGES 3 UNSEEN 2)");
        }
    }

    private static long highestModSeq(List<String> lines) {
        for (String line : lines) {
            Matcher m = HIGHESTMODSEQ.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no HIGHESTMODSEQ in " + lines);
    }
}
