package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * CONDSTORE and QRESYNC (RFC 7162) and QUOTA (RFC 9208) over loopback against a real SQLite store,
 * with two sessions where one must see the other's changes.
 */
class CondstoreQresyncQuotaTest extends ImapServerTestBase {
    private static final Pattern HIGHESTMODSEQ = Pattern.compile("\\[HIGHESTMODSEQ (\\d+)]");

    private ImapTestClient client() throws Exception {
        return new ImapTestClient(fx.port()).login("alice@example.test");
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

    @Test
    void selectReportsHighestModSeqAndStoreAnswersModSeqAndModifiedForStaleUnchangedSince() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, ImapFixture.message(2));
        try (ImapTestClient c = client()) {
            assertThat(c.command("CAPABILITY").get(0)).contains("CONDSTORE", "QRESYNC", "QUOTA=RES-STORAGE");
            long before = highestModSeq(c.command("SELECT INBOX (CONDSTORE)"));
            assertThat(before).isPositive();
            List<String> store = c.command("STORE 1 (UNCHANGEDSINCE " + before + ") +FLAGS (\\Flagged)");
            assertThat(store.get(0)).startsWith("* 1 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (");
            assertThat(ImapTestClient.last(store)).contains("OK");
            List<String> stale = c.command("STORE 1,2 (UNCHANGEDSINCE " + before + ") +FLAGS (\\Seen)");
            assertThat(ImapTestClient.last(stale)).contains("OK [MODIFIED 1]");
            assertThat(stale).anyMatch(l -> l.startsWith("* 2 FETCH (FLAGS (\\Seen \\Recent) MODSEQ ("));
            List<String> fetch = c.command("FETCH 1:* (FLAGS) (CHANGEDSINCE " + before + ")");
            assertThat(fetch).hasSize(3).allMatch(l -> l.contains("MODSEQ") || l.contains("OK"));
            List<String> search = c.command("SEARCH MODSEQ " + (before + 1));
            assertThat(search.get(0)).matches("\\* SEARCH 1 2 \\(MODSEQ \\d+\\)");
            assertThat(c.command("STATUS INBOX (HIGHESTMODSEQ)").get(0)).matches("\\* STATUS INBOX \\(HIGHESTMODSEQ \\d+\\)");
        }
    }

    @Test
    void anotherSessionsFlagChangeArrivesWithModSeqOnceCondstoreIsEnabled() throws Exception {
        fx.deliver(alice, ImapFixture.message(1));
        try (ImapTestClient a = client(); ImapTestClient b = client()) {
            assertThat(a.command("ENABLE CONDSTORE").get(0)).isEqualTo("* ENABLED CONDSTORE");
            a.command("SELECT INBOX");
            b.command("SELECT INBOX");
            b.command("STORE 1 +FLAGS.SILENT (\\Answered)");
            List<String> noop = a.command("NOOP");
            assertThat(noop.get(0)).matches("\\* 1 FETCH \\(FLAGS \\(\\\\Answered( \\\\Recent)?\\) MODSEQ \\(\\d+\\)\\)");
        }
    }

    @Test
    void qresyncSelectReportsVanishedEarlierAndChangedMessagesAndLiveExpungesAsVanished() throws Exception {
        for (int i = 1; i <= 4; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
        try (ImapTestClient a = client(); ImapTestClient b = client()) {
            a.command("ENABLE QRESYNC");
            List<String> select = a.command("SELECT INBOX");
            long modSeq = highestModSeq(select);
            long uidValidity = Long.parseLong(select.stream().filter(l -> l.contains("UIDVALIDITY"))
                    .findFirst().orElseThrow().replaceAll(".*UIDVALIDITY (\\d+).*", "$1"));
            a.command("LOGOUT");

            b.command("SELECT INBOX");
            b.command("STORE 2 +FLAGS.SILENT (\\Deleted)");
            b.command("STORE 3 +FLAGS.SILENT (\\Flagged)");
            b.command("EXPUNGE");

            try (ImapTestClient c = client()) {
                assertThat(c.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + "))"))
                        .as("QRESYNC without ENABLE is a BAD").last().asString().contains("BAD");
                c.command("ENABLE QRESYNC");
                List<String> resync = c.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + " 1:4))");
                assertThat(resync).contains("* VANISHED (EARLIER) 2");
                assertThat(resync).anyMatch(l -> l.matches("\\* 2 FETCH \\(UID 3 FLAGS \\(\\\\Flagged\\) MODSEQ \\(\\d+\\)\\)"));
                assertThat(c.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)"))
                        .contains("* VANISHED (EARLIER) 2");

                b.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
                b.command("EXPUNGE");
                assertThat(c.command("NOOP")).contains("* VANISHED 1");
                assertThat(c.command("SELECT INBOX").get(0)).startsWith("* OK [CLOSED]");
            }
        }
    }

    @Test
    void quotaRootIsTheAccountWithStorageInKibAndSetQuotaIsRefused() throws Exception {
        fx.store.accounts().createAccount("bob@" + ImapFixture.DOMAIN, ImapFixture.hash(), 10 * 1024);
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("bob@example.test")) {
            List<String> root = c.command("GETQUOTAROOT INBOX");
            assertThat(root).startsWith("* QUOTAROOT INBOX \"\"", "* QUOTA \"\" (STORAGE 0 10)");
            assertThat(c.command("GETQUOTA \"\"").get(0)).isEqualTo("* QUOTA \"\" (STORAGE 0 10)");
            assertThat(ImapTestClient.last(c.command("SETQUOTA \"\" (STORAGE 100)"))).contains("NO [NOPERM]");
            assertThat(ImapTestClient.last(c.command("GETQUOTA nosuchroot"))).contains("NO");
            String big = "Subject: big\r\n\r\n" + "x".repeat(12 * 1024) + "\r\n";
            c.send("a1 APPEND INBOX {" + big.length() + "+}\r\n" + big);
            assertThat(ImapTestClient.last(c.until("a1"))).contains("NO [OVERQUOTA]");

            String small = "Subject: small\r\n\r\n" + "y".repeat(6 * 1024) + "\r\n";
            c.send("a2 APPEND INBOX {" + small.length() + "+}\r\n" + small);
            assertThat(ImapTestClient.last(c.until("a2"))).contains("OK");
            c.command("SELECT INBOX");
            assertThat(ImapTestClient.last(c.command("COPY 1 INBOX"))).contains("NO [OVERQUOTA]");
        }
    }
}
