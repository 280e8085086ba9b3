package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.FlagRows;
import jotmai.store.Flags;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;

/**
 * {@code MessageRows.flagRows} numbers a mailbox's few distinct flag strings in SQL and falls back to
 * reading the string per row when there are many: both give every message its own flags.
 */
class FlagRowsReadTest {
    @TempDir
    Path dir;

    @Test
    void fewAndManyDistinctFlagSetsBothReadBackPerMessage() {
        try (SqliteStore store = SqliteStore.open(dir)) {
            Mailbox inbox = StoreTestSupport.inboxOfNewAccount(store);
            append(store, inbox, Set.of());
            append(store, inbox, Set.of(Flags.SEEN));
            append(store, inbox, Set.of(Flags.SEEN, "$Work"));
            assertFlags(store.mail().flagRows(inbox.id()), 0, 3);
            // more distinct strings than are numbered in SQL: the per-row read
            for (int i = 0; i < 40; i++) {
                append(store, inbox, Set.of("$k" + i));
            }
            FlagRows rows = store.mail().flagRows(inbox.id());
            assertFlags(rows, 0, 3);
            for (int i = 0; i < 40; i++) {
                assertThat(rows.flags().get(3 + i)).containsExactly("$k" + i);
            }
            assertThat(store.mail().flagRows(inbox.id(), Flags.SEEN, true).uids()).containsExactly(2, 3);
        }
    }

    private static void assertFlags(FlagRows rows, int from, int count) {
        assertThat(rows.uids()).startsWith(1, 2, 3);
        assertThat(rows.flags().get(from)).isEmpty();
        assertThat(rows.flags().get(from + 1)).containsExactly(Flags.SEEN);
        assertThat(rows.flags().get(from + 2)).containsExactlyInAnyOrder(Flags.SEEN, "$Work");
    }

    private static void append(SqliteStore store, Mailbox inbox, Set<String> flags) {
        store.mail().append(inbox.id(), MessageSource.ofBytes("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)),
                flags, Instant.parse("2026-11-20T10:00:00Z"));
    }
}
