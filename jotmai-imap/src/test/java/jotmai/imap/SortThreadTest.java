package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jotmai.store.MessageSource;

/** Transcripts of SORT, UID SORT, SORT=DISPLAY and THREAD (RFC 5256, RFC 5957). */
class SortThreadTest extends ImapServerTestBase {
    private void add(String from, String to, String subject, String date, String id, String refs, String body,
                     String arrival) {
        String msg = "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n"
                + (date == null ? "" : "Date: " + date + "\r\n")
                + (id == null ? "" : "Message-ID: <" + id + ">\r\n")
                + (refs == null ? "" : "References: " + refs + "\r\n") + "\r\n" + body + "\r\n";
        fx.store.mail().append(fx.inbox(alice).id(), MessageSource.ofBytes(msg.getBytes(StandardCharsets.UTF_8)),
                Set.of(), Instant.parse(arrival));
    }

    private ImapTestClient selected() throws Exception {
        ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test");
        c.command("SELECT INBOX");
        return c;
    }

    private void mailbox() {
        // 1: the thread starter
        add("\"Zed Last\" <zed@example.org>", "bob@example.test", "Project plan", "Mon, 2 Nov 2026 09:00:00 +0000",
                "a@x", null, "short", "2026-11-02T09:00:05Z");
        // 2: a reply, written later in another zone (earlier in UTC than 3)
        add("=?UTF-8?Q?=C3=85sa?= <asa@example.org>", "carol@example.test", "Re: [team] Project plan",
                "Mon, 2 Nov 2026 12:00:00 +0200", "b@x", "<a@x>", "a much longer body text here", "2026-11-03T09:00:00Z");
        // 3: reply to 2, no Date header: sorts by INTERNALDATE
        add("Alice <alice@example.test>", "Adam <adam@example.test>", "Re: Re: project PLAN", null,
                "c@x", "<a@x> <b@x>", "mid", "2026-11-02T11:00:00Z");
        // 4: unrelated, encoded subject
        add("bob@example.test", "zoe@example.test", "=?UTF-8?Q?Apples_and_pears?=", "Sun, 1 Nov 2026 08:00:00 GMT",
                "d@x", null, "x", "2026-11-01T08:00:00Z");
        // 5: same subject as 1 but no references (joins by subject)
        add("carl@example.org", "amy@example.test", "Fwd: Project plan", "Tue, 3 Nov 2026 10:00:00 +0000",
                "e@x", null, "x", "2026-11-03T10:00:00Z");
    }

    @Test
    void sortByEachCriterionWithReverseAndTies() throws Exception {
        mailbox();
        try (ImapTestClient c = selected()) {
            assertThat(c.command("SORT (ARRIVAL) UTF-8 ALL")).contains("* SORT 4 1 3 2 5");
            assertThat(c.command("SORT (DATE) UTF-8 ALL")).contains("* SORT 4 1 2 3 5");
            assertThat(c.command("SORT (REVERSE DATE) UTF-8 ALL")).contains("* SORT 5 3 2 1 4");
            assertThat(c.command("SORT (SIZE) US-ASCII ALL")).first().asString().startsWith("* SORT ");
            assertThat(c.command("SORT (SUBJECT) UTF-8 ALL")).contains("* SORT 4 1 2 3 5");
            assertThat(c.command("SORT (FROM) UTF-8 ALL")).contains("* SORT 3 2 4 5 1");
            assertThat(c.command("SORT (TO) UTF-8 ALL")).contains("* SORT 3 5 1 2 4");
            assertThat(c.command("SORT (CC) UTF-8 ALL")).contains("* SORT 1 2 3 4 5");
            assertThat(c.command("SORT (SUBJECT REVERSE ARRIVAL) UTF-8 ALL")).contains("* SORT 4 5 2 3 1");
            assertThat(c.command("UID SORT (REVERSE ARRIVAL) UTF-8 2:4")).contains("* SORT 2 3 4");
            assertThat(c.command("SORT (DATE) UTF-8 SUBJECT plan")).contains("* SORT 1 2 3 5");
            assertThat(c.command("SORT (DATE) UTF-8 SUBJECT nothing")).contains("* SORT");
        }
    }

    @Test
    void sortDisplayUsesDecodedNamesOrTheAddress() throws Exception {
        mailbox();
        try (ImapTestClient c = selected()) {
            // Alice, Åsa (UTF-8 bytes sort after ASCII), bob@example.test, carl@example.org, Zed Last
            assertThat(c.command("SORT (DISPLAYFROM) UTF-8 ALL")).contains("* SORT 3 4 5 1 2");
            assertThat(c.command("SORT (DISPLAYTO) UTF-8 ALL")).contains("* SORT 3 5 1 2 4");
            String caps = String.join(" ", c.command("CAPABILITY"));
            assertThat(caps).contains("SORT", "SORT=DISPLAY", "THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT");
        }
    }

    @Test
    void threadByReferencesFollowsChainsAndGathersSubjects() throws Exception {
        mailbox();
        try (ImapTestClient c = selected()) {
            // 1 <- 2 <- 3 by references; 5 joins 1's thread by subject (a forward under a non-reply)
            assertThat(c.command("THREAD REFERENCES UTF-8 ALL")).contains("* THREAD (4)(1 (2 3)(5))");
            assertThat(c.command("UID THREAD REFERENCES UTF-8 ALL")).contains("* THREAD (4)(1 (2 3)(5))");
            assertThat(c.command("THREAD REFERENCES UTF-8 NOT 2")).contains("* THREAD (4)(1 (3)(5))");
        }
    }

    @Test
    void threadByOrderedSubjectGroupsByBaseSubject() throws Exception {
        mailbox();
        try (ImapTestClient c = selected()) {
            assertThat(c.command("THREAD ORDEREDSUBJECT UTF-8 ALL")).contains("* THREAD (4)(1 (2)(3)(5))");
            assertThat(c.command("THREAD ORDEREDSUBJECT UTF-8 1:2")).contains("* THREAD (1 2)");
        }
    }

    @Test
    void aMissingParentBecomesADummyThatHoldsItsReplies() throws Exception {
        add("a@example.org", "b@example.org", "Re: lost", "Mon, 2 Nov 2026 09:00:00 +0000", "r1@x", "<gone@x>",
                "x", "2026-11-02T09:00:00Z");
        add("a@example.org", "b@example.org", "Re: lost", "Mon, 2 Nov 2026 10:00:00 +0000", "r2@x", "<gone@x>",
                "x", "2026-11-02T10:00:00Z");
        add("a@example.org", "b@example.org", "other", "Mon, 2 Nov 2026 11:00:00 +0000", "o@x", "<o@x>",
                "x", "2026-11-02T11:00:00Z"); // references itself: no loop
        try (ImapTestClient c = selected()) {
            assertThat(c.command("THREAD REFERENCES UTF-8 ALL")).contains("* THREAD ((1)(2))(3)");
        }
    }

    @Test
    void esortReturnsMinMaxCountAndAllInSortOrder() throws Exception {
        mailbox();
        try (ImapTestClient c = selected()) {
            // login is t1, SELECT t2; SORT (DATE) gives 4 1 2 3 5
            assertThat(c.command("SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL"))
                    .contains("* ESEARCH (TAG \"t3\") MIN 4 MAX 5 COUNT 5 ALL 4,1:3,5");
            assertThat(c.command("SORT RETURN () (REVERSE DATE) UTF-8 ALL"))
                    .contains("* ESEARCH (TAG \"t4\") ALL 5,3,2,1,4");
            assertThat(c.command("UID SORT RETURN (COUNT) (DATE) UTF-8 SUBJECT plan"))
                    .contains("* ESEARCH (TAG \"t5\") UID COUNT 4");
            assertThat(c.command("SORT RETURN (MIN ALL) (DATE) UTF-8 SUBJECT nothing"))
                    .contains("* ESEARCH (TAG \"t6\")");
            String caps = String.join(" ", c.command("CAPABILITY"));
            assertThat(caps).contains(" ESORT");
        }
    }

    @Test
    void esortSaveKeepsTheSortedMatchesForSearchres() throws Exception {
        mailbox();
        try (ImapTestClient c = selected()) {
            // RFC 5182 §2.4: with only MIN/MAX the saved result is just those messages (4 and 5 by DATE)
            List<String> saved = c.command("SORT RETURN (SAVE MIN MAX) (DATE) UTF-8 ALL");
            assertThat(saved).contains("* ESEARCH (TAG \"t3\") MIN 4 MAX 5");
            assertThat(c.command("SEARCH RETURN (ALL) $")).contains("* ESEARCH (TAG \"t4\") ALL 4:5");
            assertThat(c.command("SORT RETURN (SAVE) (DATE) UTF-8 SUBJECT plan"))
                    .noneMatch(l -> l.startsWith("* ESEARCH"));
            assertThat(c.command("UID SEARCH RETURN (ALL) $")).contains("* ESEARCH (TAG \"t6\") UID ALL 1:3,5");
            assertThat(ImapTestClient.last(c.command("SORT RETURN (BOGUS) (DATE) UTF-8 ALL"))).contains("BAD");
            assertThat(ImapTestClient.last(c.command("SORT RETURN (MIN) UTF-8 ALL"))).contains("BAD");
        }
    }

    @Test
    void badSortAndThreadArgumentsAreRejected() throws Exception {
        mailbox();
        try (ImapTestClient c = selected()) {
            assertThat(ImapTestClient.last(c.command("SORT (BOGUS) UTF-8 ALL"))).contains("BAD");
            assertThat(ImapTestClient.last(c.command("SORT (REVERSE) UTF-8 ALL"))).contains("BAD");
            assertThat(ImapTestClient.last(c.command("SORT () UTF-8 ALL"))).contains("BAD");
            assertThat(ImapTestClient.last(c.command("SORT (DATE) KOI8-R ALL"))).contains("NO [BADCHARSET");
            assertThat(ImapTestClient.last(c.command("THREAD FANCY UTF-8 ALL"))).contains("BAD");
            assertThat(ImapTestClient.last(c.command("THREAD REFERENCES UTF-8"))).contains("BAD");
            assertThat(c.command("NOOP")).containsExactly("t9 OK NOOP completed");
        }
    }
}
