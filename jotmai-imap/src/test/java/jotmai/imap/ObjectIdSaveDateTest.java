package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** RFC 8474 OBJECTID (MAILBOXID, EMAILID, THREADID) and RFC 8514 SAVEDATE transcripts. */
class ObjectIdSaveDateTest extends ImapServerTestBase {
    private static final Pattern MAILBOXID = Pattern.compile("MAILBOXID \\(([A-Za-z0-9_-]+)\\)");
    private static final Pattern EMAILID = Pattern.compile("EMAILID \\(([A-Za-z0-9_-]+)\\)");

    @Override
    void beforeStart() {
        fx.deliver(alice, ImapFixture.message(1));
        fx.deliver(alice, ImapFixture.message(2));
    }

    private static String find(Pattern p, List<String> lines) {
        for (String line : lines) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no " + p + " in " + lines);
    }

    @Test
    void mailboxIdIsReportedBySelectStatusAndCreateAndSurvivesRename() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            assertThat(String.join(" ", c.command("CAPABILITY"))).contains("OBJECTID", "SAVEDATE");
            String created = find(MAILBOXID, c.command("CREATE Projects"));
            assertThat(created).matches("[A-Za-z0-9_-]{1,255}");
            assertThat(find(MAILBOXID, c.command("STATUS Projects (MESSAGES MAILBOXID)"))).isEqualTo(created);
            c.command("RENAME Projects Done");
            assertThat(find(MAILBOXID, c.command("STATUS Done (MAILBOXID)"))).isEqualTo(created);
            assertThat(find(MAILBOXID, c.command("SELECT Done"))).isEqualTo(created);
            String inbox = find(MAILBOXID, c.command("EXAMINE INBOX"));
            assertThat(inbox).isNotEqualTo(created);
            assertThat(find(MAILBOXID, c.command("LIST \"\" INBOX RETURN (STATUS (MAILBOXID))"))).isEqualTo(inbox);
        }
    }

    @Test
    void emailIdFollowsACopyAndIsSearchable() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            List<String> fetch = c.command("FETCH 1:2 (EMAILID THREADID)");
            String first = find(EMAILID, fetch.subList(0, 1));
            String second = find(EMAILID, fetch.subList(1, 2));
            assertThat(first).isNotEqualTo(second);
            assertThat(fetch.get(0)).containsPattern("THREADID \\(T[0-9]+\\)");
            c.command("COPY 2 Trash");
            c.command("SELECT Trash");
            assertThat(find(EMAILID, c.command("FETCH 1 (EMAILID)"))).isEqualTo(second);
            c.command("SELECT INBOX");
            assertThat(c.command("SEARCH EMAILID " + second)).contains("* SEARCH 2");
            assertThat(c.command("SEARCH THREADID Tbogus")).contains("* SEARCH");
        }
    }

    private static final Pattern THREADID = Pattern.compile("THREADID \\(([A-Za-z0-9_-]+)\\)");

    private static String mail(String id, String inReplyTo) {
        return "From: a@example.org\r\nTo: alice@example.test\r\nSubject: t\r\nMessage-ID: <" + id + ">\r\n"
                + (inReplyTo == null ? "" : "In-Reply-To: <" + inReplyTo + ">\r\n") + "\r\nbody\r\n";
    }

    @Test
    void aReplyGetsTheThreadIdOfItsParentWhichCopyKeepsAndSearchFinds() throws Exception {
        fx.deliver(alice, mail("root@x", null));        // 3
        fx.deliver(alice, mail("reply@x", "root@x"));   // 4
        fx.deliver(alice, mail("other@x", null));       // 5
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            List<String> fetch = c.command("FETCH 3:5 (THREADID)");
            String root = find(THREADID, fetch.subList(0, 1));
            assertThat(find(THREADID, fetch.subList(1, 2))).isEqualTo(root);
            assertThat(find(THREADID, fetch.subList(2, 3))).isNotEqualTo(root);
            assertThat(c.command("SEARCH THREADID " + root)).contains("* SEARCH 3 4");
            assertThat(c.command("UID SEARCH NOT THREADID " + root)).contains("* SEARCH 1 2 5");
            c.command("MOVE 4 Trash");
            c.command("SELECT Trash");
            assertThat(find(THREADID, c.command("UID FETCH 1 (THREADID)"))).isEqualTo(root);
            assertThat(c.command("SEARCH THREADID " + root)).contains("* SEARCH 1");
        }
    }

    @Test
    void saveDateIsFetchedAndSearched() throws Exception {
        String today = LocalDate.now(ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern("d-MMM-yyyy",
                java.util.Locale.ROOT));
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            assertThat(c.command("FETCH 1 (SAVEDATE)").get(0)).matches("\\* 1 FETCH \\(SAVEDATE \"[^\"]+\"\\)");
            // the messages were saved now, though their INTERNALDATE is 20-Nov-2026 10:00 UTC
            assertThat(c.command("SEARCH SAVEDSINCE 1-Jan-2000")).contains("* SEARCH 1 2");
            assertThat(c.command("SEARCH SAVEDBEFORE 1-Jan-2000")).contains("* SEARCH");
            assertThat(c.command("SEARCH SAVEDON " + today)).contains("* SEARCH 1 2");
            assertThat(c.command("SEARCH SAVEDATESUPPORTED")).contains("* SEARCH 1 2");
        }
    }
}
