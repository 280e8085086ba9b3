package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** Restarts the server with postmaster@example.test as the IMAP administrator (imap.admins). */
    private Account withAdmin() throws Exception {
        Account admin = fx.store.accounts().createAccount("postmaster@" + ImapFixture.DOMAIN, ImapFixture.hash(), 0);
        fx.server.close(1000);
        fx.start(ImapConfig.loopback().withAdmins(java.util.Set.of("PostMaster@example.test")));
        return admin;
    }

    @Test
    void anAdministratorSetsAndReadsAnotherAccountsQuotaByAddressAndEmptyParenthesesRemoveTheLimits()
            throws Exception {
        withAdmin();
        Account bob = fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 0);
        fx.deliver(bob, ImapFixture.message(1));
        try (ImapTestClient admin = new ImapTestClient(fx.port()).login("postmaster@example.test")) {
            assertThat(admin.command("CAPABILITY").get(0)).contains(" QUOTASET");
            assertThat(admin.command("GETQUOTA bob@example.test").get(0)).isEqualTo("* QUOTA bob@example.test ()");
            List<String> set = admin.command("SETQUOTA bob@example.test (STORAGE 512 MESSAGE 100)");
            assertThat(set.get(0)).isEqualTo("* QUOTA bob@example.test (STORAGE 1 512 MESSAGE 1 100)");
            assertThat(ImapTestClient.last(set)).contains("OK");
            assertThat(fx.store.accounts().account(bob.id()).orElseThrow())
                    .extracting(Account::quotaBytes, Account::quotaMessages).containsExactly(512L * 1024, 100L);

            // the user sees the new limits on its own root at once
            try (ImapTestClient user = new ImapTestClient(fx.port()).login("bob@example.test")) {
                assertThat(user.command("CAPABILITY").get(0)).doesNotContain("QUOTASET");
                assertThat(user.command("GETQUOTA \"\"").get(0))
                        .isEqualTo("* QUOTA \"\" (STORAGE 1 512 MESSAGE 1 100)");
            }

            // the list replaces every limit: MESSAGE alone drops STORAGE, () drops both
            assertThat(admin.command("SETQUOTA bob@example.test (MESSAGE 5)").get(0))
                    .isEqualTo("* QUOTA bob@example.test (MESSAGE 1 5)");
            assertThat(admin.command("SETQUOTA bob@example.test ()").get(0)).isEqualTo("* QUOTA bob@example.test ()");
            assertThat(fx.store.mail().quota(bob.id()).limited()).isFalse();

            // an administrator's own root is "" as for everyone
            assertThat(admin.command("SETQUOTA \"\" (STORAGE 2048)").get(0)).isEqualTo("* QUOTA \"\" (STORAGE 0 2048)");
        }
    }

    @Test
    void setQuotaRefusesUnknownResourcesZeroLimitsUnknownAccountsAndBadSyntaxWithoutChangingAnything()
            throws Exception {
        withAdmin();
        Account bob = fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 4096);
        try (ImapTestClient admin = new ImapTestClient(fx.port()).login("postmaster@example.test")) {
            // command -> what the tagged answer contains
            Map<String, String> answers = new LinkedHashMap<>();
            answers.put("SETQUOTA bob@example.test (STORAGE 10 MAILBOX 5)", "NO [CANNOT]");
            answers.put("SETQUOTA bob@example.test (MESSAGE 0)", "NO [CANNOT]");
            answers.put("SETQUOTA nobody@example.test (STORAGE 10)", "NO [NONEXISTENT]");
            answers.put("GETQUOTA nobody@example.test", "NO [NONEXISTENT]");
            answers.put("SETQUOTA bob@example.test (STORAGE 10 STORAGE 20)", "BAD");
            answers.put("SETQUOTA bob@example.test (STORAGE)", "BAD");
            answers.put("SETQUOTA bob@example.test (STORAGE 99999999999999999999)", "BAD");
            answers.put("SETQUOTA bob@example.test STORAGE 10", "BAD");
            answers.put("SETQUOTA bob@example.test (STORAGE 9007199254740992)", "NO [LIMIT]");
            for (Map.Entry<String, String> e : answers.entrySet()) {
                assertThat(ImapTestClient.last(admin.command(e.getKey()))).as(e.getKey()).contains(e.getValue());
            }
            assertThat(ImapTestClient.last(admin.command("NOOP"))).contains("OK");
        }
        assertThat(fx.store.accounts().account(bob.id()).orElseThrow())
                .extracting(Account::quotaBytes, Account::quotaMessages).containsExactly(4096L, 0L);
    }

    @Test
    void aUserCannotSetQuotasNorSeeAnotherAccountsRoot() throws Exception {
        withAdmin();
        fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 4096);
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            assertThat(ImapTestClient.last(c.command("SETQUOTA \"\" (STORAGE 100000)"))).contains("NO [NOPERM]");
            // another user's root does not exist for a user, whether or not the account does
            assertThat(ImapTestClient.last(c.command("GETQUOTA bob@example.test"))).contains("NO [NONEXISTENT]");
            assertThat(ImapTestClient.last(c.command("GETQUOTA nobody@example.test"))).contains("NO [NONEXISTENT]");
            assertThat(ImapTestClient.last(c.command("SETQUOTA bob@example.test (STORAGE 1)")))
                    .contains("NO [NONEXISTENT]");
        }
        assertThat(fx.store.accounts().account("alice@example.test").orElseThrow().quotaBytes()).isZero();
    }

    @Test
    void statusSizeOfAllMailboxesAddsUpToTheStorageTheQuotaReports() throws Exception {
        Account bob = fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 1024 * 1024);
        fx.store.accounts().setMessageQuota(bob.id(), 1000);
        for (int i = 1; i <= 5; i++) {
            fx.deliver(bob, ImapFixture.message(i) + "x".repeat(i * 700));
        }
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("bob@example.test")) {
            c.command("SELECT INBOX");
            c.command("COPY 1:2 Archive");
            c.command("MOVE 3 Trash");
            long octets = 0;
            for (String mailbox : List.of("INBOX", "Archive", "Trash", "Sent", "Drafts", "Junk")) {
                String status = c.command("STATUS " + mailbox + " (SIZE)").get(0);
                octets += Long.parseLong(status.replaceAll(".*\\(SIZE (\\d+)\\).*", "$1"));
            }
            assertThat(octets).isEqualTo(fx.store.mail().quota(bob.id()).usedBytes());
            assertThat(c.command("GETQUOTA \"\"").get(0))
                    .isEqualTo("* QUOTA \"\" (STORAGE " + (octets + 1023) / 1024 + " 1024 MESSAGE 7 1000)");
        }
    }

    @Test
    void getQuotaRootOfASharedMailboxNamesTheOwnersRootOnlyToAnAdministrator() throws Exception {
        Account admin = withAdmin();
        Account bob = fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 2048);
        long bobInbox = fx.inbox(bob).id();
        fx.store.acl().setRights(bobInbox, alice.address(), jotmai.store.Rights.of("lr"));
        fx.store.acl().setRights(bobInbox, admin.address(), jotmai.store.Rights.of("lr"));
        String shared = "\"Other Users/bob@example.test/INBOX\"";
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            List<String> root = c.command("GETQUOTAROOT " + shared);
            assertThat(root).hasSize(2);
            assertThat(root.get(0)).isEqualTo("* QUOTAROOT \"Other Users/bob@example.test/INBOX\"");
            assertThat(ImapTestClient.last(root)).contains("OK");
            assertThat(ImapTestClient.last(c.command("GETQUOTAROOT \"Other Users/bob@example.test/Sent\"")))
                    .contains("NO [NONEXISTENT]");
        }
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("postmaster@example.test")) {
            assertThat(c.command("GETQUOTAROOT " + shared)).startsWith(
                    "* QUOTAROOT \"Other Users/bob@example.test/INBOX\" bob@example.test",
                    "* QUOTA bob@example.test (STORAGE 0 2)");
        }
    }

    @Test
    void angusMailSetsQuotasAsAnAdministratorAndReadsThemAsTheUser() throws Exception {
        withAdmin();
        Account bob = fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 0);
        fx.deliver(bob, ImapFixture.message(1));
        var admin = fx.angus("postmaster@example.test");
        try {
            jakarta.mail.Quota quota = new jakarta.mail.Quota("bob@example.test");
            quota.setResourceLimit("STORAGE", 512);
            quota.setResourceLimit("MESSAGE", 100);
            admin.setQuota(quota);
        } finally {
            admin.close();
        }
        var user = fx.angus("bob@example.test");
        try {
            jakarta.mail.Quota[] quotas = user.getQuota("INBOX");
            assertThat(quotas).hasSize(1);
            assertThat(quotas[0].quotaRoot).isEmpty();
            assertThat(quotas[0].resources).extracting(r -> r.name + " " + r.usage + " " + r.limit)
                    .containsExactly("STORAGE 1 512", "MESSAGE 1 100");
            // and a user's SETQUOTA is refused
            jakarta.mail.Quota own = new jakarta.mail.Quota("");
            own.setResourceLimit("STORAGE", 1_000_000);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> user.setQuota(own))
                    .isInstanceOf(jakarta.mail.MessagingException.class);
        } finally {
            user.close();
        }
        assertThat(fx.store.accounts().account(bob.id()).orElseThrow().quotaBytes()).isEqualTo(512L * 1024);
    }
}
