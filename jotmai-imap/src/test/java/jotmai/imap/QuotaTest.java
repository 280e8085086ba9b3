package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;

/**
 * RFC 9208 QUOTA transcripts over loopback against a real SQLite store: the MESSAGE resource (§5.2)
 * next to STORAGE (§5.1), and its enforcement on APPEND, COPY and MOVE (§4.3.1 [OVERQUOTA]).
 */
class QuotaTest extends ImapServerTestBase {

    private static String append(ImapTestClient c, String tag, String subject) throws Exception {
        String msg = "Subject: " + subject + "\r\n\r\nbody\r\n";
        c.send(tag + " APPEND INBOX {" + msg.length() + "+}\r\n" + msg);
        return ImapTestClient.last(c.until(tag));
    }

    @Test
    void theMessageResourceIsAdvertisedReportedAndEnforcedOnAppendCopyAndMove() throws Exception {
        Account bob = fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 0);
        fx.store.accounts().setMessageQuota(bob.id(), 2);
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("bob@example.test")) {
            assertThat(c.command("CAPABILITY").get(0)).contains(" QUOTA=RES-STORAGE ", " QUOTA=RES-MESSAGE ");
            List<String> root = c.command("GETQUOTAROOT INBOX");
            assertThat(root).hasSize(3).startsWith("* QUOTAROOT INBOX \"\"", "* QUOTA \"\" (MESSAGE 0 2)");
            assertThat(ImapTestClient.last(root)).endsWith("OK GETQUOTAROOT completed");
            assertThat(append(c, "b1", "one")).startsWith("b1 OK");
            assertThat(append(c, "b2", "two")).startsWith("b2 OK");
            assertThat(append(c, "b3", "three")).startsWith("b3 NO [OVERQUOTA]");
            assertThat(c.command("GETQUOTA \"\"").get(0)).isEqualTo("* QUOTA \"\" (MESSAGE 2 2)");
            c.command("SELECT INBOX");
            assertThat(ImapTestClient.last(c.command("COPY 1 Archive"))).contains("NO [OVERQUOTA]");
            // a move within the account does not add a message (RFC 6851 §3.3: no quota is needed)
            assertThat(ImapTestClient.last(c.command("MOVE 1 Archive"))).contains("OK");
            assertThat(c.command("GETQUOTA \"\"").get(0)).isEqualTo("* QUOTA \"\" (MESSAGE 2 2)");
            assertThat(c.command("STATUS Archive (MESSAGES)").get(0)).isEqualTo("* STATUS Archive (MESSAGES 1)");
        }
    }

    @Test
    void storageAndMessageLimitsAreReportedTogetherStorageFirst() throws Exception {
        Account bob = fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 10 * 1024);
        fx.store.accounts().setMessageQuota(bob.id(), 500);
        fx.deliver(bob, ImapFixture.message(1));
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("bob@example.test")) {
            List<String> quota = c.command("GETQUOTA \"\"");
            assertThat(quota.get(0)).isEqualTo("* QUOTA \"\" (STORAGE 1 10 MESSAGE 1 500)");
        }
    }
}
