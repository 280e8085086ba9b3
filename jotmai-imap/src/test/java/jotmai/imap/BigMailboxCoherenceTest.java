package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.FlagOperation;
import jotmai.store.MessageMeta;
import jotmai.store.Rights;
import jotmai.store.UidSet;
import jotmai.store.sqlite.SqliteStore;
import jotmai.store.support.FlagRowsCache;

/**
 * Issue 4: a mailbox big enough for the store's flag-row cache ({@link FlagRowsCache#MIN_ROWS}) answers
 * SELECT, flag SEARCH, FETCH (FLAGS) and STATUS from cached rows; every change made elsewhere - another
 * IMAP session, the store API as the CLI uses it, a second store opened on the same data directory as a
 * CLI process would - must show in the next command exactly as the store's message rows say. A reader of
 * another user's mailbox keeps its own \Seen (issue 7) on the same cached rows.
 */
class BigMailboxCoherenceTest extends ImapServerTestBase {
    private static final Pattern FETCH = Pattern.compile("^\\* (\\d+) FETCH \\(UID (\\d+) FLAGS \\(([^)]*)\\)\\)$");
    private static final String BOB_INBOX = "\"Other Users/bob@example.test/INBOX\"";
    private Account bob;
    private long inbox;

    @Override
    void beforeStart() {
        bob = fx.account("bob");
        inbox = fx.inbox(bob).id();
        fx.fillPastFlagRowsCacheMinimum(inbox, i -> i % 5 == 0 ? Set.of() : Set.of("\\Seen"));
        fx.store.acl().setRights(inbox, alice.address(), Rights.of("lrswite"));
    }

    @Test
    void changesByAnotherSessionTheStoreApiAndASecondStoreShowInTheNextSelectSearchFetchAndStatus() throws Exception {
        try (ImapTestClient a = new ImapTestClient(fx.port()).login("bob@example.test");
             ImapTestClient b = new ImapTestClient(fx.port()).login("bob@example.test")) {
            assertMatchesStore(a); // loads the cache
            assertMatchesStore(a); // answered from it

            b.command("SELECT INBOX");
            b.command("STORE 1:10 +FLAGS.SILENT (\\Seen)");
            b.command("UID STORE 25,26 +FLAGS.SILENT (\\Deleted $Work)");
            b.command("UID EXPUNGE 25");
            assertMatchesStore(a);

            // the store API, as the CLI calls it in this process
            fx.deliver(bob, ImapFixture.message(9001));
            fx.store.mail().updateFlags(inbox, UidSet.of(100, 101), FlagOperation.ADD, Set.of("\\Flagged"),
                    OptionalLong.empty());
            assertMatchesStore(a);

            // a CLI process: another store on the same data directory writes; this server learns of it from
            // the mailbox's MODSEQ in the database alone
            try (SqliteStore cli = SqliteStore.open(fx.dataDir)) {
                cli.mail().updateFlags(inbox, UidSet.of(200), FlagOperation.REMOVE, Set.of("\\Seen"),
                        OptionalLong.empty());
                cli.mail().updateFlags(inbox, UidSet.of(300), FlagOperation.ADD, Set.of("\\Deleted"),
                        OptionalLong.empty());
                cli.mail().expunge(inbox, java.util.Optional.empty());
            }
            assertMatchesStore(a);
        }
    }

    @Test
    void aReaderOfASharedBigMailboxKeepsItsOwnSeenBesideTheOwnersCachedFlags() throws Exception {
        try (ImapTestClient owner = new ImapTestClient(fx.port()).login("bob@example.test");
             ImapTestClient reader = new ImapTestClient(fx.port()).login("alice@example.test")) {
            int total = fx.store.mail().messages(inbox).size();
            long ownerUnseen = fx.store.mail().messages(inbox).stream().filter(m -> !m.hasFlag("\\Seen")).count();
            assertMatchesStore(owner);
            assertThat(reader.command("SELECT " + BOB_INBOX)).contains("* " + total + " EXISTS");
            assertThat(uidSearch(reader, "UNSEEN")).hasSize(total); // alice has read nothing yet

            reader.command("STORE 1:100 +FLAGS.SILENT (\\Seen)");
            reader.command("STORE 5 +FLAGS.SILENT (\\Flagged)"); // shared: bob sees it
            assertThat(uidSearch(reader, "UNSEEN")).hasSize(total - 100);
            assertThat(uidSearch(reader, "SEEN")).hasSize(100).startsWith(1L, 2L, 3L);
            assertThat(reader.command("STATUS " + BOB_INBOX + " (MESSAGES UNSEEN)").getFirst())
                    .isEqualTo("* STATUS " + BOB_INBOX + " (MESSAGES " + total + " UNSEEN " + (total - 100) + ")");
            Map<Long, Set<String>> readerFlags = fetchFlags(reader);
            assertThat(readerFlags.get(2L)).containsExactly("\\Seen");
            assertThat(readerFlags.get(5L)).containsExactlyInAnyOrder("\\Seen", "\\Flagged");

            // the owner's flags and counts are the message flags, untouched by alice's \Seen
            assertMatchesStore(owner);
            assertThat(uidSearch(owner, "UNSEEN")).hasSize((int) ownerUnseen);
            assertThat(fetchFlags(owner).get(5L)).containsExactly("\\Flagged");
        }
    }

    /** SELECT, UID SEARCH of each flag key, UID FETCH 1:* (FLAGS) and STATUS agree with the message rows. */
    private void assertMatchesStore(ImapTestClient c) throws Exception {
        List<MessageMeta> metas = fx.store.mail().messages(inbox);
        List<String> select = c.command("SELECT INBOX");
        assertThat(select).contains("* " + metas.size() + " EXISTS");
        int firstUnseen = 0;
        for (int i = 0; i < metas.size() && firstUnseen == 0; i++) {
            firstUnseen = metas.get(i).hasFlag("\\Seen") ? 0 : i + 1;
        }
        assertThat(select).anyMatch(l -> l.startsWith("* OK [UNSEEN ")).contains(
                "* OK [UNSEEN " + (Object) firstUnseen + "] first unseen");
        for (String key : List.of("SEEN", "UNSEEN", "FLAGGED", "DELETED")) {
            boolean present = !key.startsWith("UN");
            String flag = "\\" + key.substring(present ? 0 : 2);
            long[] uids = metas.stream().filter(m -> m.hasFlag(flag) == present).mapToLong(MessageMeta::uid).toArray();
            assertThat(uidSearch(c, key)).as(key).containsExactly(box(uids));
        }
        Map<Long, Set<String>> expected = new TreeMap<>();
        for (MessageMeta m : metas) {
            expected.put(m.uid(), new TreeSet<>(m.flags()));
        }
        assertThat(fetchFlags(c)).isEqualTo(expected);
        long unseen = metas.stream().filter(m -> !m.hasFlag("\\Seen")).count();
        long size = metas.stream().mapToLong(MessageMeta::size).sum();
        assertThat(c.command("STATUS INBOX (MESSAGES UNSEEN SIZE)").getFirst())
                .isEqualTo("* STATUS INBOX (MESSAGES " + metas.size() + " UNSEEN " + unseen + " SIZE " + size + ")");
    }

    private static List<Long> uidSearch(ImapTestClient c, String key) throws Exception {
        List<String> lines = c.command("UID SEARCH " + key);
        assertThat(ImapTestClient.last(lines)).contains("OK");
        String result = lines.stream().filter(l -> l.startsWith("* SEARCH")).findFirst().orElseThrow();
        return Arrays.stream(result.substring("* SEARCH".length()).trim().split(" "))
                .filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
    }

    /** UID → flags (without \Recent) of every FETCH response, checking sequence numbers run 1, 2, 3... */
    private static Map<Long, Set<String>> fetchFlags(ImapTestClient c) throws Exception {
        Map<Long, Set<String>> out = new TreeMap<>();
        int seq = 0;
        for (String line : c.command("UID FETCH 1:* (FLAGS)")) {
            Matcher m = FETCH.matcher(line);
            if (m.matches()) {
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(++seq);
                out.put(Long.parseLong(m.group(2)), Arrays.stream(m.group(3).split(" "))
                        .filter(f -> !f.isEmpty() && !f.equals("\\Recent")).collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        return out;
    }

    private static Long[] box(long[] values) {
        return Arrays.stream(values).boxed().toArray(Long[]::new);
    }
}
