package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.AppendResult;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.UidSet;

/**
 * The indexer waits until a message has been kept for the index delay (issue 4: indexing costs more
 * CPU than serving a message); one expunged before then is taken off the queue without being indexed.
 */
class SearchIndexDelayTest {
    private static final byte[] KEPT = "Subject: kept\r\n\r\nalpaca wool\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GONE = "Subject: gone\r\n\r\nalpaca farm\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void aMessageIsIndexedAfterTheDelayAndOneExpungedBeforeItNever(@TempDir Path dir) throws Exception {
        Duration delay = Duration.ofMillis(1_500);
        try (SqliteStore store = SqliteStore.open(dir, SqliteStore.Options.DEFAULTS.withIndexDelay(delay))) {
            Mailbox inbox = StoreTestSupport.inboxOfNewAccount(store);
            AppendResult kept = store.mail().append(inbox.id(), MessageSource.ofBytes(KEPT), Set.of(), Instant.now());
            store.mail().append(inbox.id(), MessageSource.ofBytes(GONE), Set.of("\\Deleted"), Instant.now());
            store.mail().expunge(inbox.id(), Optional.empty());

            // before the delay: nothing indexed, SEARCH must scan the kept message
            TextMatches early = store.mail().searchText(inbox.id(), TextField.BODY, "alpaca").orElseThrow();
            assertThat(early.unverified()).isEqualTo(UidSet.of(kept.uid()));

            long deadline = System.currentTimeMillis() + 20_000;
            TextMatches late = early;
            while (System.currentTimeMillis() < deadline && !late.unverified().isEmpty()) {
                Thread.sleep(100);
                late = store.mail().searchText(inbox.id(), TextField.BODY, "alpaca").orElseThrow();
            }
            assertThat(late.unverified()).isEqualTo(UidSet.EMPTY);
            assertThat(late.matches()).isEqualTo(UidSet.of(kept.uid()));
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM search_pending")).isZero();
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM search_text WHERE rowid = " + BlobTable.id(kept.meta().blob()))).isEqualTo(1);
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM search_text WHERE rowid <> " + BlobTable.id(kept.meta().blob()))).isZero();
        }
    }
}
