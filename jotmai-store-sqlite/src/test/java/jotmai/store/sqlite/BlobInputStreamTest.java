package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.store.BlobRef;
import jotmai.store.FlagOperation;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.UidSet;

/**
 * Streaming stored bytes chunk by chunk: every way a caller reads (single bytes, odd buffers,
 * readNBytes, transferTo, a mix) returns exactly the stored bytes, for sizes and ranges on both sides of
 * the chunk and window boundaries, and a blob purged while it is being streamed ends the stream with
 * an IOException instead of wrong bytes.
 */
class BlobInputStreamTest {

    static final int CHUNK = BlobTable.CHUNK_SIZE;

    /** Windows grow 1, 2, 4, 8 chunks: their ends fall after chunks 1, 3, 7, 15, 23... */
    static final int[] SIZES = {1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK - 1, 3 * CHUNK,
        3 * CHUNK + 1, 7 * CHUNK, 7 * CHUNK + 1, 15 * CHUNK - 1, 15 * CHUNK, 23 * CHUNK + 7, 40 * CHUNK + 5};

    static byte[] message(int size, int seed) {
        byte[] header = ("Subject: s" + seed + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[size];
        for (int i = 0; i < size; i++) {
            raw[i] = i < header.length ? header[i] : (byte) ('a' + (i * 31 + seed) % 26);
        }
        return raw;
    }

    record Stored(byte[] raw, long blobId) {}

    static List<Stored> storeAll(SqliteStore store, Mailbox inbox) {
        List<Stored> out = new ArrayList<>();
        for (int size : SIZES) {
            byte[] raw = message(size, out.size());
            BlobRef blob = store.mail().append(inbox.id(), MessageSource.ofBytes(raw), Set.of(), Instant.now())
                    .meta().blob();
            out.add(new Stored(raw, BlobTable.id(blob)));
        }
        return out;
    }

    /** Each way of reading, applied to a fresh stream. */
    interface Reader {
        byte[] readAll(InputStream in) throws IOException;
    }

    static final List<Reader> READERS = List.of(
            InputStream::readAllBytes,
            in -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            },
            in -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    out.write(b);
                }
                return out.toByteArray();
            },
            in -> readInPieces(in, 7),
            in -> readInPieces(in, 64 * 1024 + 3),
            in -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(in.readNBytes(CHUNK + 5)); // part of a window, then the rest without copies
                in.transferTo(out);
                return out.toByteArray();
            });

    static byte[] readInPieces(InputStream in, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[piece + 10];
        int n;
        while ((n = in.read(buffer, 5, piece)) >= 0) {
            assertThat(n).isPositive();
            out.write(buffer, 5, n);
        }
        return out.toByteArray();
    }

    @Test
    void everyWayOfReadingReturnsExactlyTheStoredBytesAtEverySizeAroundChunkAndWindowBoundaries(@TempDir Path dir)
            throws Exception {
        try (SqliteStore store = SqliteStore.open(dir);
             Database db = new Database(dir.resolve(SqliteStore.DATABASE_FILE), 5_000)) {
            List<Stored> stored = storeAll(store, StoreTestSupport.inboxOfNewAccount(store));
            for (Stored s : stored) {
                for (int r = 0; r < READERS.size(); r++) {
                    try (InputStream direct = new BlobInputStream(db, s.blobId(), 0, s.raw().length)) {
                        assertThat(READERS.get(r).readAll(direct)).as("size %d reader %d", s.raw().length, r)
                                .isEqualTo(s.raw());
                    }
                    try (InputStream viaStore = store.mail().openContent(BlobTable.ref(s.blobId()))) {
                        assertThat(READERS.get(r).readAll(viaStore)).as("store, size %d reader %d", s.raw().length, r)
                                .isEqualTo(s.raw());
                    }
                }
            }
        }
    }

    @Test
    void rangesStartingAndEndingAroundBoundariesReturnExactlyTheirBytes(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir)) {
            List<Stored> stored = storeAll(store, StoreTestSupport.inboxOfNewAccount(store));
            Stored large = stored.get(stored.size() - 1);
            byte[] raw = large.raw();
            long[] points = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3L * CHUNK - 1, 3L * CHUNK, 7L * CHUNK + 1,
                20L * CHUNK, raw.length - 1L, raw.length};
            long[] lengths = {0, 1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 9L * CHUNK, Long.MAX_VALUE};
            for (long offset : points) {
                for (long length : lengths) {
                    int from = (int) Math.min(offset, raw.length);
                    int to = (int) Math.min(raw.length, from + Math.min(length, raw.length));
                    byte[] expected = Arrays.copyOfRange(raw, from, to);
                    for (int r = 0; r < READERS.size(); r++) {
                        try (InputStream in = store.mail().openContent(BlobTable.ref(large.blobId()), offset, length)) {
                            assertThat(READERS.get(r).readAll(in)).as("offset %d length %d reader %d", offset, length, r)
                                    .isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void skipAndAvailableFollowThePositionAcrossWindows(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir);
             Database db = new Database(dir.resolve(SqliteStore.DATABASE_FILE), 5_000)) {
            List<Stored> stored = storeAll(store, StoreTestSupport.inboxOfNewAccount(store));
            Stored large = stored.get(stored.size() - 1);
            try (InputStream in = new BlobInputStream(db, large.blobId(), 10, large.raw().length)) {
                assertThat(in.available()).isZero(); // nothing read yet
                assertThat(in.read()).isEqualTo(large.raw()[10] & 0xff);
                assertThat(in.available()).isEqualTo(CHUNK - 11); // the rest of the first one-chunk window
                assertThat(in.skip(5L * CHUNK)).isEqualTo(5L * CHUNK);
                assertThat(in.read()).isEqualTo(large.raw()[11 + 5 * CHUNK] & 0xff);
                assertThat(in.skip(Long.MAX_VALUE)).isEqualTo(large.raw().length - 12L - 5 * CHUNK);
                assertThat(in.read()).isEqualTo(-1);
                assertThat(in.available()).isZero();
            }
        }
    }

    @Test
    void aMessagePurgedWhileItIsStreamedEndsTheStreamWithAnIoException(@TempDir Path dir) throws Exception {
        try (SqliteStore store = SqliteStore.open(dir, new SqliteStore.Options(Duration.ZERO))) {
            Mailbox inbox = StoreTestSupport.inboxOfNewAccount(store);
            byte[] raw = message(40 * CHUNK + 5, 1);
            BlobRef blob = store.mail().append(inbox.id(), MessageSource.ofBytes(raw), Set.of(), Instant.now())
                    .meta().blob();
            InputStream reading = store.mail().openContent(blob);
            InputStream transferring = store.mail().openContent(blob);
            assertThat(reading.readNBytes(CHUNK + 1)).isEqualTo(Arrays.copyOf(raw, CHUNK + 1));

            store.mail().updateFlags(inbox.id(), UidSet.ALL, FlagOperation.ADD, Set.of("\\Deleted"), OptionalLong.empty());
            store.mail().expunge(inbox.id(), Optional.empty());
            assertThat(StoreTestSupport.count(dir, "SELECT count(*) FROM blob_chunk")).isZero();

            // what the current window holds may still come; then the stream reports the loss
            assertThatThrownBy(reading::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("gone");
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            assertThatThrownBy(() -> transferring.transferTo(partial)).isInstanceOf(IOException.class)
                    .hasMessageContaining("gone");
            assertThat(partial.toByteArray()).isEqualTo(Arrays.copyOf(raw, partial.size()));
            assertThat(partial.size()).isLessThan(raw.length);
            reading.close();
            transferring.close();
        }
    }
}
