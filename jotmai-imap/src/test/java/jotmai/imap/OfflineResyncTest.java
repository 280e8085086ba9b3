package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Issue 7's offline resync (RFC 7162 §3.2.5): a client keeps its view (UID to flags) and HIGHESTMODSEQ,
 * goes away while other sessions change flags, expunge and append, comes back with
 * SELECT (QRESYNC ...) and applies only what it is told; its view must then equal a fresh full fetch.
 * Plus bogus QRESYNC parameters: a BAD or a correct answer, and a usable session.
 */
class OfflineResyncTest extends ImapServerTestBase {
    private static final Pattern UID = Pattern.compile("UID (\\d+)");
    private static final Pattern FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
    private static final Pattern HIGHESTMODSEQ = Pattern.compile("HIGHESTMODSEQ (\\d+)");
    private static final Pattern UIDVALIDITY = Pattern.compile("\\[UIDVALIDITY (\\d+)]");

    private ImapTestClient client() throws Exception {
        return new ImapTestClient(fx.port()).login("alice@example.test");
    }

    /** Applies FETCH lines with UID and FLAGS to the client-side view (\Recent is session state, left out). */
    private static void applyFetches(TreeMap<Long, Set<String>> view, List<String> lines) {
        for (String line : lines) {
            if (!line.startsWith("* ") || !line.contains(" FETCH (")) {
                continue;
            }
            Matcher uid = UID.matcher(line);
            Matcher flags = FLAGS.matcher(line);
            if (uid.find() && flags.find()) {
                Set<String> set = Arrays.stream(flags.group(1).split(" ")).filter(f -> !f.isEmpty())
                        .filter(f -> !f.equals("\\Recent")).collect(Collectors.toCollection(TreeSet::new));
                view.put(Long.parseLong(uid.group(1)), set);
            }
        }
    }

    /** "* VANISHED (EARLIER) 2,4:5" removes those UIDs from the view. */
    private static void applyVanished(TreeMap<Long, Set<String>> view, List<String> lines) {
        for (String line : lines) {
            if (!line.startsWith("* VANISHED (EARLIER) ")) {
                continue;
            }
            view.keySet().removeAll(ImapTestClient.uids(line.substring("* VANISHED (EARLIER) ".length())));
        }
    }

    private TreeMap<Long, Set<String>> fullFetch() throws Exception {
        try (ImapTestClient fresh = client()) {
            fresh.command("EXAMINE INBOX");
            TreeMap<Long, Set<String>> view = new TreeMap<>();
            applyFetches(view, fresh.command("UID FETCH 1:* (FLAGS)"));
            return view;
        }
    }

    @Test
    void aClientBackFromOfflineEndsWithTheSameViewAsAFreshFullFetch() throws Exception {
        for (int i = 1; i <= 8; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
        TreeMap<Long, Set<String>> view = new TreeMap<>();
        long uidValidity;
        long modSeq;
        try (ImapTestClient first = client()) {
            first.command("ENABLE QRESYNC");
            List<String> select = first.command("SELECT INBOX");
            uidValidity = ImapTestClient.number(UIDVALIDITY, select);
            first.command("STORE 1:2 +FLAGS (\\Seen)");
            applyFetches(view, first.command("UID FETCH 1:* (FLAGS)"));
            modSeq = ImapTestClient.number(HIGHESTMODSEQ, first.command("STATUS INBOX (HIGHESTMODSEQ)"));
            first.command("LOGOUT");
        }
        assertThat(view).hasSize(8);

        try (ImapTestClient second = client(); ImapTestClient third = client()) {
            second.command("SELECT INBOX");
            third.command("SELECT INBOX");
            second.command("STORE 3 +FLAGS.SILENT (\\Flagged $Work)");
            third.command("STORE 1 -FLAGS.SILENT (\\Seen)");
            second.command("STORE 4:5,8 +FLAGS.SILENT (\\Deleted)");
            third.command("EXPUNGE");
            fx.deliver(alice, ImapFixture.message(9));
            fx.deliver(alice, ImapFixture.message(10));
            third.command("NOOP");
            third.command("UID STORE 9 +FLAGS.SILENT (\\Answered)");
            second.command("NOOP"); // a session acts on the UIDs it has been told about (its own view)
            second.command("UID STORE 10 +FLAGS.SILENT (\\Deleted)");
            second.command("UID EXPUNGE 10");
        }

        try (ImapTestClient back = client()) {
            back.command("ENABLE QRESYNC");
            List<String> resync = back.command("SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + " 1:8))");
            assertThat(ImapTestClient.last(resync)).contains("OK");
            applyVanished(view, resync);
            applyFetches(view, resync);
            assertThat(resync.stream().filter(l -> l.contains(" FETCH ")).count())
                    .as("only changed and new messages are sent: %s", resync).isLessThanOrEqualTo(3);
        }
        assertThat(view).isEqualTo(fullFetch());
        assertThat(view.keySet()).containsExactly(1L, 2L, 3L, 6L, 7L, 9L);
    }

    @Test
    void bogusQresyncParametersGetABadOrAnExactAnswerAndTheSessionGoesOn() throws Exception {
        for (int i = 1; i <= 3; i++) {
            fx.deliver(alice, ImapFixture.message(i));
        }
        try (ImapTestClient c = client()) {
            c.command("ENABLE QRESYNC");
            long uidValidity = ImapTestClient.number(UIDVALIDITY, c.command("EXAMINE INBOX"));
            // known-uids far beyond the mailbox, reversed ranges, "*": accepted, nothing vanished
            assertThat(c.command("EXAMINE INBOX (QRESYNC (" + uidValidity + " 1 4294967295:1,*))"))
                    .noneMatch(l -> l.startsWith("* VANISHED")).last().asString().contains("OK");
            // seq-match data whose two sets differ in length or name messages that do not exist, as well
            // as plain garbage: whatever the answer, it is tagged and the session stays usable
            for (String bogus : List.of("(QRESYNC (" + uidValidity + " 1 1:3 (1:2 1:3)))",
                    "(QRESYNC (" + uidValidity + " 1 1:3 (7:9 1:3)))", "(QRESYNC (" + uidValidity + " 1 0))", "(QRESYNC (" + uidValidity + " 1 abc))",
                    "(QRESYNC (0 1))", "(QRESYNC (" + uidValidity + " -1))", "(QRESYNC (" + uidValidity + "))",
                    "(QRESYNC (" + uidValidity + " 1 1:3 (1:2)))", "(QRESYNC (" + uidValidity + " 99999999999999999999))",
                    "(QRESYNC (" + uidValidity + " 1 " + "1,".repeat(2000) + "1))")) {
                List<String> answer = c.command("EXAMINE INBOX " + bogus);
                assertThat(ImapTestClient.last(answer)).as(bogus).containsAnyOf(" BAD ", " OK ", " NO ");
            }
            // a wrong UIDVALIDITY: a plain EXAMINE, nothing from the old mailbox
            assertThat(c.command("EXAMINE INBOX (QRESYNC (" + (uidValidity + 1) + " 1 1:3))"))
                    .noneMatch(l -> l.startsWith("* VANISHED") || l.contains(" FETCH "));
            assertThat(c.command("FETCH 1:* (UID)")).hasSize(4);
        }
    }
}
