package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.BlobRef;
import jotmai.store.ChangeBus;
import jotmai.store.Changes;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * The in-memory shortcuts of the SQLite store (issue 4): {@link BlobCache} (structures and small
 * messages by blob id) and {@link MailboxVersions} (changesSince without a read when nothing was
 * committed). Each must never show stale data.
 */
class StoreCachesTest {
    private static final byte[] FIRST = "Subject: first\r\n\r\nthe first body\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SECOND = "Subject: second\r\n\r\nanother body, longer\r\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] read(SqliteStore store, BlobRef blob, long offset, long length) throws Exception {
        try (InputStream in = store.mail().openContent(blob, offset, length)) {
            return in.readAllBytes();
        }
    }

    @Test
    void theIdOfAPurgedNewestBlobIsNeverIssuedAgainSoCachedBytesStayRight(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, new SqliteStore.Options(Duration.ZERO))) {
            store.accounts().addDomain("example.com");
            Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            AppendResult first = store.mail().append(inbox.id(), MessageSource.ofBytes(FIRST), Set.of("\\Deleted"),
                    Instant.now());
            assertThat(read(store, first.meta().blob(), 0, Long.MAX_VALUE)).isEqualTo(FIRST); // now cached
            assertThat(store.mail().structure(first.meta().blob()).envelope().subject()).contains("first");
            store.mail().expunge(inbox.id(), Optional.empty()); // grace zero: the newest blob is purged

            AppendResult second = store.mail().append(inbox.id(), MessageSource.ofBytes(SECOND), Set.of(),
                    Instant.now());
            assertThat(second.meta().blob()).isNotEqualTo(first.meta().blob());
            assertThat(read(store, second.meta().blob(), 0, Long.MAX_VALUE)).isEqualTo(SECOND);
            assertThat(store.mail().structure(second.meta().blob()).envelope().subject()).contains("second");
        }
    }

    @Test
    void rangesOfACachedMessageAreTheRightBytes(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            BlobRef blob = store.mail().append(inbox.id(), MessageSource.ofBytes(SECOND), Set.of(), Instant.now())
                    .meta().blob();
            for (int round = 0; round < 2; round++) { // the first round fills the cache, the second hits it
                assertThat(read(store, blob, 5, 10)).isEqualTo(Arrays.copyOfRange(SECOND, 5, 15));
                assertThat(read(store, blob, 20, 1_000)).isEqualTo(Arrays.copyOfRange(SECOND, 20, SECOND.length));
                assertThat(read(store, blob, 1_000, 10)).isEmpty();
                assertThat(store.mail().structure(blob).envelope().subject()).contains("second");
            }
        }
    }

    @Test
    void rangesOfALargeMessageAreTheRightBytesWhetherFromItsCachedHeadOrFromTheDatabase(@TempDir Path dir)
            throws Exception {
        // above BlobCache.MAX_CACHED_MESSAGE: only its first chunk is cached (at APPEND, or at the first read)
        byte[] large = new byte[100_000];
        byte[] header = "Subject: large\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) ('a' + i % 26);
        }
        System.arraycopy(header, 0, large, 0, header.length);
        int head = BlobTable.CHUNK_SIZE;
        BlobRef blob;
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            blob = store.mail().append(inbox.id(), MessageSource.ofBytes(large), Set.of(), Instant.now()).meta().blob();
            assertRanges(store, blob, large, head);
            assertThat(store.mail().structure(blob).envelope().subject()).contains("large");
        }
        try (SqliteStore reopened = SqliteStore.open(dir)) { // empty cache: the first read fills the head
            for (int round = 0; round < 2; round++) {
                assertRanges(reopened, blob, large, head);
            }
        }
    }

    private static void assertRanges(SqliteStore store, BlobRef blob, byte[] all, int head) throws Exception {
        assertThat(read(store, blob, 0, 100)).isEqualTo(Arrays.copyOfRange(all, 0, 100));
        assertThat(read(store, blob, head - 10, 10)).isEqualTo(Arrays.copyOfRange(all, head - 10, head));
        assertThat(read(store, blob, head - 10, 20)).isEqualTo(Arrays.copyOfRange(all, head - 10, head + 10));
        assertThat(read(store, blob, head + 5, 7)).isEqualTo(Arrays.copyOfRange(all, head + 5, head + 12));
        assertThat(read(store, blob, 0, Long.MAX_VALUE)).isEqualTo(all);
        assertThat(read(store, blob, 10, Long.MAX_VALUE)).isEqualTo(Arrays.copyOfRange(all, 10, all.length));
    }

    @Test
    void changesSinceShowsEveryWriteAsSoonAsItWasAnswered(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            store.accounts().addDomain("example.com");
            Account a = store.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = store.mail().mailbox(a.id(), "INBOX").orElseThrow();
            long modSeq = store.mail().changesSince(inbox.id(), 0).highestModSeq();
            assertThat(store.mail().changesSince(inbox.id(), modSeq).changes()).isEmpty(); // remembered

            AppendResult added = store.mail().append(inbox.id(), MessageSource.ofBytes(FIRST), Set.of(), Instant.now());
            Changes c1 = store.mail().changesSince(inbox.id(), modSeq);
            assertThat(c1.changes()).singleElement().isInstanceOf(StoreChange.Added.class);
            assertThat(store.mail().changesSince(inbox.id(), c1.highestModSeq()).changes()).isEmpty();

            store.mail().updateFlags(inbox.id(), UidSet.of(added.uid()), FlagOperation.ADD, Set.of("\\Deleted"),
                    OptionalLong.empty());
            Changes c2 = store.mail().changesSince(inbox.id(), c1.highestModSeq());
            assertThat(c2.changes()).singleElement().isInstanceOf(StoreChange.FlagsChanged.class);

            store.mail().expunge(inbox.id(), Optional.empty());
            Changes c3 = store.mail().changesSince(inbox.id(), c2.highestModSeq());
            assertThat(c3.changes()).singleElement().isInstanceOf(StoreChange.Expunged.class);
        }
    }

    @Test
    void changesSinceShowsAnotherProcesssWriteOnceItsRingArrived(@TempDir Path dir) throws Exception {
        try (SqliteStore owner = SqliteStore.open(dir)) {
            owner.accounts().addDomain("example.com");
            Account a = owner.accounts().createAccount("a@example.com", "{PLAIN}x", 0);
            Mailbox inbox = owner.mail().mailbox(a.id(), "INBOX").orElseThrow();
            long modSeq = owner.mail().changesSince(inbox.id(), 0).highestModSeq();
            assertThat(owner.mail().changesSince(inbox.id(), modSeq).changes()).isEmpty(); // remembered
            CountDownLatch rang = new CountDownLatch(1);
            try (ChangeBus.Subscription s = owner.changes().subscribe(inbox.id(), rang::countDown);
                 SqliteStore guest = SqliteStore.open(dir)) {
                guest.mail().append(inbox.id(), MessageSource.ofBytes(FIRST), Set.of(), Instant.now());
                assertThat(rang.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(owner.mail().changesSince(inbox.id(), modSeq).changes())
                        .singleElement().isInstanceOf(StoreChange.Added.class);
                // the guest hears no rings of the owner, so it must not trust what it remembered
                long guestModSeq = guest.mail().changesSince(inbox.id(), 0).highestModSeq();
                owner.mail().append(inbox.id(), MessageSource.ofBytes(SECOND), Set.of(), Instant.now());
                assertThat(guest.mail().changesSince(inbox.id(), guestModSeq).changes())
                        .singleElement().isInstanceOf(StoreChange.Added.class);
            }
        }
    }
}
