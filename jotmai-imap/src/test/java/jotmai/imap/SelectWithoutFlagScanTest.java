package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import jotmai.shared.auth.AuthService;
import jotmai.store.Account;
import jotmai.store.FlagOperation;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;
import jotmai.store.sqlite.SqliteStore;
import jotmai.store.support.FlagRowsCache;

/**
 * Issue 4: SELECT and EXAMINE no longer read every message's flags ({@code MailStore.selectState}: UIDs,
 * first unseen UID and keywords). Their untagged responses must be exactly what the message rows say and
 * exactly what the old path (the flag rows, cached once a FETCH FLAGS read them) gives: on a mailbox
 * above {@link FlagRowsCache#MIN_ROWS} with gaps in its UIDs, mixed flags, keywords and some \Recent.
 */
class SelectWithoutFlagScanTest extends ImapServerTestBase {
    private Account bob;
    private long inbox;

    @Override
    void beforeStart() {
        bob = fx.account("bob");
        inbox = fx.inbox(bob).id();
        fx.fillPastFlagRowsCacheMinimum(inbox, i -> switch (i % 8) {
            case 0 -> Set.of();
            case 1 -> Set.of("\\Seen", "\\Flagged");
            case 2 -> Set.of("\\Seen", "$Work");
            case 3 -> Set.of("\\Answered", "\\Seen");
            default -> Set.of("\\Seen");
        });
        // gaps: every seventh UID expunged; the first unseen message moves past the start
        List<Long> gone = new ArrayList<>();
        for (long uid = 1; uid < 6_000; uid += 7) {
            gone.add(uid);
        }
        fx.store.mail().expunge(inbox, Optional.of(UidSet.of(gone)));
        fx.store.mail().updateFlags(inbox, UidSet.range(1, 20), FlagOperation.ADD, Set.of("\\Seen"),
                OptionalLong.empty());
        fx.store.mail().claimRecent(inbox); // only what arrives now is \Recent
        for (int i = 0; i < 3; i++) {
            fx.deliver(bob, ImapFixture.message(9000 + i));
        }
    }

    @Test
    void selectAndExamineAnswerAsTheMessageRowsAndTheCachedFlagRowsDo() throws Exception {
        try (ImapTestClient a = new ImapTestClient(fx.port()).login("bob@example.test");
             ImapTestClient b = new ImapTestClient(fx.port()).login("bob@example.test")) {
            List<String> light = untagged(a.command("EXAMINE INBOX"));
            assertThat(light).containsAll(expected(3));
            assertThat(untagged(a.command("EXAMINE INBOX"))).isEqualTo(light); // remembered, unchanged

            a.command("UID FETCH 1:* (FLAGS)"); // the flag rows are read and cached now
            assertThat(untagged(a.command("EXAMINE INBOX"))).isEqualTo(light);

            // changed by another session: the cached rows are brought up to date, the answer still the rows'
            b.command("SELECT INBOX");
            b.command("STORE 1:3 -FLAGS.SILENT (\\Seen)");
            b.command("UID STORE 30 +FLAGS.SILENT ($Later \\Deleted)");
            b.command("UID EXPUNGE 30");
            b.command("UNSELECT");
            List<String> cached = untagged(a.command("EXAMINE INBOX"));
            assertThat(cached).containsAll(expected(0)); // b's SELECT claimed the three
            assertThat(cached).anyMatch(l -> l.startsWith("* FLAGS (") && !l.contains("$Later"));
        }
        // a second server on its own store over the same data directory, as after a restart: nothing is
        // cached there, the answer must not change
        try (SqliteStore fresh = SqliteStore.open(fx.dataDir)) {
            ImapServer second = new ImapServer(ImapConfig.loopback(), fresh, new AuthService(fresh.accounts()), fx.tls);
            second.start();
            try (ImapTestClient c = new ImapTestClient(second.listeners().get(0).port()).login("bob@example.test")) {
                assertThat(untagged(c.command("EXAMINE INBOX"))).containsAll(expected(0));
            } finally {
                second.close(1000);
            }
        }
    }

    @Test
    void aMailboxWhereEverythingIsReadHasNoUnseenCode() throws Exception {
        fx.store.mail().updateFlags(inbox, UidSet.ALL, FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty());
        try (ImapTestClient a = new ImapTestClient(fx.port()).login("bob@example.test")) {
            List<String> lines = untagged(a.command("SELECT INBOX"));
            assertThat(lines).containsAll(expected(3)).noneMatch(l -> l.contains("[UNSEEN"));
        }
    }

    /** The responses the message rows call for (RFC 9051 §6.3.2, RFC 3501 §6.3.1), rev1 session. */
    private List<String> expected(int recent) {
        List<MessageMeta> metas = fx.store.mail().messages(inbox);
        Set<String> keywords = new TreeSet<>();
        int firstUnseen = 0;
        for (int i = 0; i < metas.size(); i++) {
            if (firstUnseen == 0 && !metas.get(i).hasFlag("\\Seen")) {
                firstUnseen = i + 1;
            }
            metas.get(i).flags().stream().filter(f -> !f.startsWith("\\")).forEach(keywords::add);
        }
        String flags = String.join(" ", List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"));
        for (String k : keywords) {
            flags += " " + k;
        }
        List<String> out = new ArrayList<>(List.of("* FLAGS (" + flags + ")", "* " + metas.size() + " EXISTS",
                "* " + recent + " RECENT"));
        if (firstUnseen > 0) {
            out.add("* OK [UNSEEN " + firstUnseen + "] first unseen");
        }
        return out;
    }

    private static List<String> untagged(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("* ") && !l.contains("[CLOSED]")).toList();
    }
}
