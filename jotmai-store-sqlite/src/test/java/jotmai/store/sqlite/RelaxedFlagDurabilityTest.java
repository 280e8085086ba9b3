package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.UidSet;

/**
 * Flag-only writes are acknowledged before their fsync (GroupCommitWriter relaxed durability); they
 * must still be visible at once, reach stable storage on their own shortly after, be covered by the
 * next durable commit, and survive a close and reopen.
 */
class RelaxedFlagDurabilityTest {

    private static byte[] message(String subject) {
        return ("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aFlagChangeIsVisibleAtOnceAndSyncedByTheIdleWriterSoonAfter(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account account = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(account.id(), "INBOX").orElseThrow();
            long before = store.writer().committedBatches();
            AppendResult r = store.mail().append(inbox.id(), MessageSource.ofBytes(message("one")), Set.of(),
                    Instant.now());
            // (the search indexer may commit relaxed writes of its own meanwhile: count batches instead)
            assertThat(store.writer().syncedBatches()).as("an APPEND is durable when acknowledged")
                    .isGreaterThan(before);

            store.mail().updateFlags(inbox.id(), UidSet.of(r.uid()), FlagOperation.ADD, Set.of("\\Seen"),
                    OptionalLong.empty());
            long flagged = store.writer().committedBatches();

            assertThat(store.mail().messages(inbox.id(), UidSet.of(r.uid())).getFirst().flags())
                    .contains("\\Seen");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (store.writer().syncedBatches() < flagged && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.writer().syncedBatches()).as("fsynced by the syncer soon after").isGreaterThanOrEqualTo(flagged);
        }
    }

    @Test
    void aDurableWriteAfterFlagChangesLeavesNothingUnsynced(@TempDir Path dir) {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account account = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(account.id(), "INBOX").orElseThrow();
            AppendResult r = store.mail().append(inbox.id(), MessageSource.ofBytes(message("one")), Set.of(),
                    Instant.now());
            for (int i = 0; i < 20; i++) {
                store.mail().updateFlags(inbox.id(), UidSet.of(r.uid()), i % 2 == 0 ? FlagOperation.ADD
                        : FlagOperation.REMOVE, Set.of("\\Flagged"), OptionalLong.empty());
            }
            long flagged = store.writer().committedBatches();
            store.mail().append(inbox.id(), MessageSource.ofBytes(message("two")), Set.of(), Instant.now());
            assertThat(store.writer().syncedBatches()).as("the APPEND's fsync covers the flag commits before it")
                    .isGreaterThan(flagged);
        }
    }

    @Test
    void flagChangesSurviveCloseAndReopen(@TempDir Path dir) {
        long mailboxId;
        long uid;
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account account = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(account.id(), "INBOX").orElseThrow();
            mailboxId = inbox.id();
            uid = store.mail().append(mailboxId, MessageSource.ofBytes(message("one")), Set.of(), Instant.now())
                    .uid();
            store.mail().updateFlags(mailboxId, UidSet.of(uid), FlagOperation.ADD, Set.of("\\Answered", "$Label1"),
                    OptionalLong.empty());
        }
        try (SqliteStore store = SqliteStore.open(dir)) {
            assertThat(store.mail().messages(mailboxId, UidSet.of(uid)).getFirst().flags())
                    .contains("\\Answered", "$Label1");
        }
    }
}
