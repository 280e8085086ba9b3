package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * \Recent for EXAMINE/STATUS (RFC 3501 §6.3.2, §6.3.10), APPEND's early NO [TRYCREATE] (RFC 9051
 * §6.3.12) and all-or-nothing MULTIAPPEND (RFC 3502), over loopback against a real SQLite store.
 */
class RecentAndAppendTest extends ImapServerTestBase {
    private ImapTestClient client() throws Exception {
        return new ImapTestClient(fx.port()).login("alice@example.test");
    }

    @Test
    void examineAndStatusReportRecentMessagesWithoutClaimingThemAndSelectClaimsThem() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, ImapFixture.message(2));
        try (ImapTestClient c = client()) {
            List<String> examine = c.command("EXAMINE INBOX");
            assertThat(examine).contains("* 2 EXISTS", "* 2 RECENT");
            assertThat(c.command("FETCH 1 FLAGS").get(0)).isEqualTo("* 1 FETCH (FLAGS (\\Recent))");
            c.command("CLOSE");
            assertThat(c.command("STATUS INBOX (MESSAGES RECENT)").get(0))
                    .isEqualTo("* STATUS INBOX (MESSAGES 2 RECENT 2)");
            assertThat(c.command("SELECT INBOX")).contains("* 2 RECENT");
            assertThat(c.command("STATUS INBOX (RECENT)").get(0))
                    .as("this session's own recent messages still count while it has the mailbox selected")
                    .isEqualTo("* STATUS INBOX (RECENT 2)");
            c.command("CLOSE");
            assertThat(c.command("STATUS INBOX (RECENT)").get(0)).isEqualTo("* STATUS INBOX (RECENT 0)");
            assertThat(c.command("EXAMINE INBOX")).contains("* 0 RECENT");
        }
    }

    @Test
    void appendToAMissingMailboxIsRefusedBeforeTheContinuationSoNothingIsUploaded() throws Exception {
        try (ImapTestClient c = client()) {
            c.send("a1 APPEND Nowhere (\\Seen) {25000000}");
            assertThat(c.readLine()).isEqualTo("a1 NO [TRYCREATE] no such mailbox");
            assertThat(ImapTestClient.last(c.command("NOOP"))).startsWith("t2 OK");
            c.send("a2 APPEND \"No where\" {5+}\r\nhello");
            assertThat(c.readLine()).startsWith("a2 NO [TRYCREATE]");
            String msg = ImapFixture.message(3);
            c.send("a3 APPEND INBOX {" + msg.length() + "}");
            assertThat(c.readLine()).startsWith("+ ");
            c.sendRaw((msg + "\r\n").getBytes());
            assertThat(c.readLine()).matches("a3 OK \\[APPENDUID \\d+ 1\\] APPEND completed");
        }
    }

    @Test
    void aMultiappendWhoseLaterMessageDoesNotFitLeavesNothingBehind() throws Exception {
        String msg = ImapFixture.message(4);
        fx.store.accounts().setQuota(alice.id(), msg.length() * 2L + msg.length() / 2);
        try (ImapTestClient c = client()) {
            c.send("a1 APPEND INBOX {" + msg.length() + "+}\r\n" + msg + " {" + msg.length() + "+}\r\n" + msg
                    + " {" + msg.length() + "+}\r\n" + msg);
            assertThat(c.readLine()).startsWith("a1 NO");
            assertThat(c.command("STATUS INBOX (MESSAGES UIDNEXT)").get(0))
                    .isEqualTo("* STATUS INBOX (MESSAGES 0 UIDNEXT 3)");
            c.send("a2 APPEND INBOX {" + msg.length() + "+}\r\n" + msg + " {" + msg.length() + "+}\r\n" + msg);
            assertThat(c.readLine()).matches("a2 OK \\[APPENDUID \\d+ 3:4\\] APPEND completed");
        }
    }
}
