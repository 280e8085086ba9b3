package jotmai.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import jotmai.store.Account;
import jotmai.store.AppendResult;
import jotmai.store.BlobRef;
import jotmai.store.FlagOperation;
import jotmai.store.MailStore.DeliveryTarget;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.UidSet;

/** PostgreSQL-specific storage of message bytes: dedup by SHA-256, chunking, reference counts. */
class PostgresBlobTest {

    @RegisterExtension
    static final FreshPgStore pg = new FreshPgStore();

    static Account newAccount() {
        String domain = "d" + System.nanoTime() + ".example";
        pg.store().accounts().addDomain(domain);
        return pg.store().accounts().createAccount("user@" + domain, "{PLAIN}x", 0);
    }

    static long inbox(Account a) {
        return pg.store().mail().mailbox(a.id(), Mailbox.INBOX).orElseThrow().id();
    }

    static long queryLong(String sql, String blobId) throws Exception {
        try (Connection c = DriverManager.getConnection(PgTestDatabase.url(), PgTestDatabase.user(),
                PgTestDatabase.password());
             PreparedStatement ps = c.prepareStatement(sql.replace("{s}", pg.config().schema()))) {
            ps.setString(1, blobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static byte[] read(BlobRef blob, long offset, long length) throws IOException {
        try (InputStream in = pg.store().mail().openContent(blob, offset, length)) {
            return in.readAllBytes();
        }
    }

    /** A message of about {@code size} octets with varied content. */
    static byte[] bigMessage(int size) {
        byte[] header = ("Subject: big " + System.nanoTime() + "\r\nContent-Type: text/plain\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] raw = Arrays.copyOf(header, size);
        for (int i = header.length; i < size; i++) {
            raw[i] = (byte) (i % 78 == 76 ? '\r' : i % 78 == 77 ? '\n' : 'A' + (i * 7 + i / 1000) % 26);
        }
        return raw;
    }

    @Test
    void identicalMessagesInDifferentAccountsAndCopiesShareOneStoredBlob() throws Exception {
        Account a = newAccount();
        Account b = newAccount();
        byte[] raw = bigMessage(600_000);
        List<AppendResult> delivered = pg.store().mail().deliver(MessageSource.ofBytes(raw),
                List.of(new DeliveryTarget(inbox(a), Set.of()), new DeliveryTarget(inbox(b), Set.of())), Instant.now());
        AppendResult again = pg.store().mail().append(inbox(b), MessageSource.ofBytes(raw), Set.of(), Instant.now());
        Mailbox archive = pg.store().mail().mailbox(a.id(), "Archive").orElseThrow();
        pg.store().mail().copy(inbox(a), UidSet.ALL, archive.id());

        String blobId = delivered.getFirst().meta().blob().id();
        assertThat(blobId).hasSize(64);
        assertThat(delivered.get(1).meta().blob().id()).isEqualTo(blobId);
        assertThat(again.meta().blob().id()).isEqualTo(blobId);
        assertThat(queryLong("SELECT count(*) FROM {s}.blobs WHERE id = ?", blobId)).isEqualTo(1);
        assertThat(queryLong("SELECT refs FROM {s}.blobs WHERE id = ?", blobId)).isEqualTo(4);
        long chunks = (raw.length + PgBlobStore.CHUNK_SIZE - 1) / PgBlobStore.CHUNK_SIZE;
        assertThat(queryLong("SELECT count(*) FROM {s}.blob_chunks WHERE blob_id = ?", blobId)).isEqualTo(chunks);
        // quota counts each copy in full: the dedup is a storage matter, not an accounting one
        assertThat(pg.store().mail().quota(b.id()).usedBytes()).isEqualTo(2L * raw.length);
    }

    @Test
    void rangesAcrossChunkBoundariesReadOnlyTheBytesAsked() throws Exception {
        Account a = newAccount();
        byte[] raw = bigMessage(3 * PgBlobStore.CHUNK_SIZE + 1234);
        BlobRef blob = pg.store().mail().append(inbox(a), MessageSource.ofBytes(raw), Set.of(), Instant.now()).meta().blob();
        int boundary = PgBlobStore.CHUNK_SIZE;
        for (long[] range : new long[][] {{boundary - 5, 10}, {2L * boundary - 1, boundary + 2}, {0, 1},
                {raw.length - 1, 10}, {boundary, boundary}}) {
            int from = (int) range[0];
            int to = (int) Math.min(raw.length, range[0] + range[1]);
            assertThat(read(blob, range[0], range[1])).as("range %d+%d", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(raw, from, to));
        }
        assertThat(read(blob, 0, Long.MAX_VALUE)).isEqualTo(raw);
        assertThat(pg.store().mail().structure(blob).size()).isEqualTo(raw.length);
    }

    @Test
    void expungingOneCopyDropsOneReferenceAndTheOtherStaysReadable() throws Exception {
        Account a = newAccount();
        byte[] raw = bigMessage(10_000);
        AppendResult first = pg.store().mail().append(inbox(a), MessageSource.ofBytes(raw), Set.of(), Instant.now());
        Mailbox trash = pg.store().mail().mailbox(a.id(), "Trash").orElseThrow();
        pg.store().mail().copy(inbox(a), UidSet.ALL, trash.id());
        pg.store().mail().updateFlags(inbox(a), UidSet.ALL, FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
        String blobId = first.meta().blob().id();
        assertThat(queryLong("SELECT refs FROM {s}.blobs WHERE id = ?", blobId)).isEqualTo(2);
        pg.store().mail().expunge(inbox(a), Optional.empty());
        assertThat(queryLong("SELECT refs FROM {s}.blobs WHERE id = ?", blobId)).isEqualTo(1);
        pg.store().mail().expunge(trash.id(), Optional.empty());
        assertThat(queryLong("SELECT refs FROM {s}.blobs WHERE id = ?", blobId)).isEqualTo(1);
        pg.store().mail().updateFlags(trash.id(), UidSet.ALL, FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
        pg.store().mail().expunge(trash.id(), Optional.empty());
        assertThat(queryLong("SELECT refs FROM {s}.blobs WHERE id = ?", blobId)).isZero();
        assertThat(queryLong("SELECT count(*) FROM {s}.blobs WHERE id = ? AND unreferenced_at IS NOT NULL", blobId))
                .isEqualTo(1);
        // within the grace period an IMAP session that still shows the message can fetch it
        assertThat(read(first.meta().blob(), 0, Long.MAX_VALUE)).isEqualTo(raw);
    }

    @Test
    void aMessageFirstQueuedAndThenAppendedGainsItsParsedStructure() throws Exception {
        Account a = newAccount();
        byte[] raw = bigMessage(5_000);
        pg.store().queue().enqueue("a@example.com", List.of(new QueueStore.QueuedRecipient("b@elsewhere.example", "", "")),
                MessageSource.ofBytes(raw), new QueueStore.DsnRequest("", "", false, false));
        AppendResult r = pg.store().mail().append(inbox(a), MessageSource.ofBytes(raw), Set.of(), Instant.now());
        String blobId = r.meta().blob().id();
        assertThat(queryLong("SELECT refs FROM {s}.blobs WHERE id = ?", blobId)).isEqualTo(2);
        assertThat(queryLong("SELECT count(*) FROM {s}.blobs WHERE id = ? AND structure IS NOT NULL", blobId))
                .isEqualTo(1);
        assertThat(pg.store().mail().structure(r.meta().blob()).envelope().subject()).startsWith("big ");
    }
}
