package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import jotmai.store.FlagOperation;
import jotmai.store.UidSet;

/**
 * Expunge tombstones pruned below a client's MODSEQ (the store's vanished floor): QRESYNC and UID FETCH
 * (CHANGEDSINCE ... VANISHED) answer every UID of the client's known range that no longer exists (RFC
 * 7162 §3.2.5.2, §3.2.6: a superset is allowed, a missed expunge never), and a selected session whose
 * view fell below the floor still announces exactly the messages that went away, as EXPUNGE or
 * VANISHED, also when it enters IDLE.
 */
class PrunedTombstonesTest extends ImapServerTestBase {
    private static final Pattern HIGHESTMODSEQ = Pattern.compile("HIGHESTMODSEQ (\\d+)");
    private static final Pattern UIDVALIDITY = Pattern.compile("\\[UIDVALIDITY (\\d+)]");
    private static final Pattern UID = Pattern.compile("UID (\\d+)");

    @Override
    void beforeStart() {
        fx.deliverNumbered(alice, 10);
    }

    private ImapTestClient client() throws Exception {
        return new ImapTestClient(fx.port()).login("alice@example.test");
    }

    private long inbox() {
        return fx.inbox(alice).id();
    }

    /** Another party expunges the UIDs one by one (one MODSEQ each), then the store prunes to {@code keep}. */
    private void expungeAndPrune(int keep, long... uids) {
        for (long uid : uids) {
            fx.store.mail().updateFlags(inbox(), UidSet.of(uid), FlagOperation.ADD, Set.of("\\Deleted"),
                    OptionalLong.empty());
            fx.store.mail().expunge(inbox(), Optional.of(UidSet.of(uid)));
        }
        while (fx.store.mail().pruneTombstones(inbox(), keep, 100) > 0) {
            // until within the cap (bounded: each round deletes rows)
        }
    }

    /** The UIDs named by the VANISHED lines ("2:3,5"). */
    private static TreeSet<Long> vanished(List<String> lines, String prefix) {
        TreeSet<Long> out = new TreeSet<>();
        for (String line : lines) {
            if (line.startsWith(prefix)) {
                out.addAll(ImapTestClient.uids(line.substring(prefix.length())));
            }
        }
        return out;
    }

    private static TreeSet<Long> uids(List<String> fetchLines) {
        TreeSet<Long> out = new TreeSet<>();
        for (String line : fetchLines) {
            Matcher m = UID.matcher(line);
            if (line.contains(" FETCH (") && m.find()) {
                out.add(Long.parseLong(m.group(1)));
            }
        }
        return out;
    }

    /**
     * The next untagged line other than RECENT (IMAP4rev1 sends it after EXISTS) and FETCH (the
     * \Deleted flag set before an expunge may be announced first, RFC 9051 §7.5.2).
     */
    private static String nextUntagged(ImapTestClient c) throws Exception {
        for (int i = 0; i < 20; i++) {
            String line = c.readLine();
            if (line == null || !(line.endsWith(" RECENT") || line.contains(" FETCH ("))) {
                return line;
            }
        }
        throw new AssertionError("only RECENT and FETCH lines");
    }

    @Test
    void qresyncBelowTheFloorReportsEveryGoneUidOfTheKnownRangeAndTheClientEndsUpExact() throws Exception {
        long uidValidity;
        long modSeq;
        try (ImapTestClient before = client()) {
            before.command("ENABLE QRESYNC");
            List<String> select = before.command("SELECT INBOX");
            uidValidity = ImapTestClient.number(UIDVALIDITY, select);
            modSeq = ImapTestClient.number(HIGHESTMODSEQ, select);
        }
        expungeAndPrune(1, 2, 3, 5, 8);
        fx.deliver(alice, ImapFixture.message(11));

        try (ImapTestClient back = client()) {
            back.command("ENABLE QRESYNC");
            List<String> all = back.command("EXAMINE INBOX (QRESYNC (" + uidValidity + " " + modSeq + "))");
            assertThat(ImapTestClient.last(all)).contains("OK");
            assertThat(all).contains("* VANISHED (EARLIER) 2:3,5,8");
            List<String> known = back.command("EXAMINE INBOX (QRESYNC (" + uidValidity + " " + modSeq + " 1:4))");
            assertThat(vanished(known, "* VANISHED (EARLIER) ")).containsExactly(2L, 3L);
            assertThat(uids(back.command("UID FETCH 1:* (UID)"))).containsExactly(1L, 4L, 6L, 7L, 9L, 10L, 11L);
        }
    }

    @Test
    void uidFetchChangedSinceVanishedBelowTheFloorNamesEveryGoneUidOfTheSet() throws Exception {
        try (ImapTestClient c = client()) {
            c.command("ENABLE QRESYNC");
            long modSeq = ImapTestClient.number(HIGHESTMODSEQ, c.command("SELECT INBOX"));
            c.command("LOGOUT");
            expungeAndPrune(0, 4, 9);
            try (ImapTestClient d = client()) {
                d.command("ENABLE QRESYNC");
                d.command("SELECT INBOX");
                List<String> all = d.command("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)");
                assertThat(ImapTestClient.last(all)).contains("OK");
                assertThat(vanished(all, "* VANISHED (EARLIER) ")).containsExactly(4L, 9L);
                List<String> part = d.command("UID FETCH 5:* (FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)");
                assertThat(vanished(part, "* VANISHED (EARLIER) ")).containsExactly(9L);
            }
        }
    }

    @Test
    void aSelectedSessionBelowTheFloorAnnouncesExactlyTheExpungedMessages() throws Exception {
        try (ImapTestClient c = client()) {
            c.command("SELECT INBOX");
            expungeAndPrune(0, 2, 3, 7); // while the session did not look
            List<String> noop = c.command("NOOP");
            // RFC 9051 §7.5.1: each EXPUNGE renumbers the rest: UID 2 is 2, then UID 3 is 2, then UID 7 is 5
            assertThat(noop.stream().filter(l -> l.endsWith(" EXPUNGE")).toList())
                    .containsExactly("* 2 EXPUNGE", "* 2 EXPUNGE", "* 5 EXPUNGE");
            assertThat(uids(c.command("FETCH 1:* (UID)"))).containsExactly(1L, 4L, 5L, 6L, 8L, 9L, 10L);
        }
    }

    @Test
    void aQresyncSessionIdleAcrossPrunesSeesTheRightVanishedAndExists() throws Exception {
        try (ImapTestClient c = client()) {
            c.command("ENABLE QRESYNC");
            c.command("SELECT INBOX");
            expungeAndPrune(0, 1, 6); // before IDLE: its first pull is below the floor
            c.send("i1 IDLE");
            assertThat(c.readLine()).startsWith("+");
            assertThat(nextUntagged(c)).isEqualTo("* VANISHED 1,6");
            // while idle: a delivery, then another expunge and prune
            fx.deliver(alice, ImapFixture.message(11));
            assertThat(nextUntagged(c)).isEqualTo("* 9 EXISTS");
            expungeAndPrune(0, 10);
            assertThat(nextUntagged(c)).isEqualTo("* VANISHED 10");
            c.send("DONE");
            assertThat(c.until("i1")).last().asString().startsWith("i1 OK");
            assertThat(uids(c.command("FETCH 1:* (UID)"))).containsExactly(2L, 3L, 4L, 5L, 7L, 8L, 9L, 11L);
        }
    }
}
