package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.Mailbox;
import jotmai.store.MailStore;
import jotmai.store.MessageSource;
import jotmai.store.UidSet;
import jotmai.store.jdbc.TombstonePruner;

/** The background {@link TombstonePruner} on a real SQLite store: it prunes to the cap by itself. */
class TombstonePrunerTest {

    @TempDir
    Path dir;

    private static long expungeSome(MailStore mail, long mailboxId, int n) {
        long before = mail.mailbox(mailboxId).orElseThrow().highestModSeq();
        for (int i = 0; i < n; i++) {
            long uid = mail.append(mailboxId, MessageSource.ofBytes(("Subject: " + i + "\r\n\r\nx\r\n").getBytes()),
                    Set.of("\\Deleted"), Instant.now()).uid();
            mail.expunge(mailboxId, Optional.of(UidSet.of(uid)));
        }
        return before;
    }

    @Test
    void theBackgroundPrunerBringsAMailboxDownToTheCapAndStopsOnClose() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, SqliteStore.Options.DEFAULTS.withTombstonesKept(Integer.MAX_VALUE))) {
            store.accounts().addDomain("p.test");
            Account a = store.accounts().createAccount("u@p.test", "{PLAIN}x", 0);
            long inbox = store.mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow().id();
            long start = expungeSome(store.mail(), inbox, 8);
            assertThat(TombstonePruner.pruneAll(store.mail(), 5)).isEqualTo(3);
            assertThat(store.mail().changesSince(inbox, start).expungesComplete()).isFalse();

            long later = store.mail().mailbox(inbox).orElseThrow().highestModSeq();
            expungeSome(store.mail(), inbox, 4);
            try (TombstonePruner pruner = TombstonePruner.start(store.mail(), 2, Duration.ofMillis(20), "test-pruner")) {
                for (int i = 0; i < 500 && store.mail().mailboxesOverTombstoneCap(2, 10).contains(inbox); i++) {
                    Thread.sleep(20);
                }
            }
            assertThat(store.mail().mailboxesOverTombstoneCap(2, 10)).doesNotContain(inbox);
            assertThat(store.mail().changesSince(inbox, later).expungesComplete()).isFalse();
            assertThat(store.mail().changesSince(inbox, store.mail().mailbox(inbox).orElseThrow().highestModSeq() - 1)
                    .expungesComplete()).isTrue();
        }
    }
}
