package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import jotmai.message.ParsedMessage;
import jotmai.store.MessageSource;
import jotmai.store.support.StoredStructures;

/**
 * Decoded structures and the bytes of small messages, by blob id, least recently used first out.
 *
 * <p>Why (issue 4, persistent-session throughput): a FETCH of ENVELOPE, BODYSTRUCTURE or a header field
 * cost one read transaction per message for the structure and one more per section for the bytes; under
 * imaptest that was about 5 of the 9 read transactions per IMAP command, and with a busy writer every
 * read transaction starts with an empty SQLite page cache (WAL: a connection drops its cache when the
 * database changed), so each one re-reads its pages with pread. Clients fetch the same recent messages
 * again and again, and a blob never changes once written, so both can be kept.
 *
 * <p>Safe because a blob id always names the same bytes: blobs are immutable, and ids come from a
 * sequence that never hands out an id again, not even the id of a purged blob (schema {@code blob_seq},
 * {@link BlobTable#insert}; this holds for the admin CLI writing the same database too). A purged
 * blob's entry may linger until it ages out; only a session that still shows the expunged message can
 * ask for it, and RFC 9051 §7.5.1 lets a server answer such a fetch. Blobs this process purges are
 * evicted after the purge commits; one purged by the admin CLI may stay until it ages out.
 *
 * <p>Bounded in bytes: {@link #MAX_CONTENT_BYTES} of message bytes (messages up to
 * {@link #MAX_CACHED_MESSAGE} only) and {@link #MAX_STRUCTURE_BYTES} of encoded structures (the decoded
 * objects are a small multiple of that).
 */
final class BlobCache {

    /** Messages larger than this are always streamed from the database, never cached. */
    static final int MAX_CACHED_MESSAGE = 64 * 1024;
    /** Total bytes of cached message content. */
    static final long MAX_CONTENT_BYTES = 16L * 1024 * 1024;
    /** Total bytes of cached heads (first chunk) of messages too large to cache whole. */
    static final long MAX_HEAD_BYTES = 4L * 1024 * 1024;
    /** Total encoded size of the cached structures. */
    static final long MAX_STRUCTURE_BYTES = 4L * 1024 * 1024;

    private final Lru<byte[]> contents = new Lru<>(MAX_CONTENT_BYTES);
    private final Lru<byte[]> heads = new Lru<>(MAX_HEAD_BYTES);
    private final Lru<ParsedMessage> structures = new Lru<>(MAX_STRUCTURE_BYTES);

    byte[] content(long blobId) {
        return contents.get(blobId);
    }

    void putContent(long blobId, byte[] bytes) {
        if (bytes.length <= MAX_CACHED_MESSAGE) {
            contents.put(blobId, bytes, bytes.length);
        }
    }

    /**
     * Caches a message just stored (committed and durable): its bytes if small (else its head), and its
     * structure. Clients
     * fetch new mail soon after it arrives (imaptest fetches every appended message), and the first FETCH
     * of it cost a read transaction for the structure and the bytes, under a busy writer one that starts
     * with an empty page cache. The blob id is never reused, so the entries are what a miss would read.
     *
     * @param content opens the stored bytes, for a structure part decoded lazily (messages too big to cache)
     */
    void putStored(long blobId, MessageSource source, byte[] structure, StoredStructures.ContentOpener content) {
        try (InputStream in = source.open()) {
            if (source.size() <= MAX_CACHED_MESSAGE) {
                putContent(blobId, in.readAllBytes());
            } else {
                putHead(blobId, in.readNBytes(BlobTable.CHUNK_SIZE));
            }
        } catch (IOException e) {
            return; // the source is gone: a FETCH reads the stored copy
        }
        if (structure != null) {
            putStructure(blobId, StoredStructures.decode(structure, content), structure.length);
        }
    }

    /**
     * The first bytes (the first stored chunk) of a message larger than {@link #MAX_CACHED_MESSAGE}, or null.
     * A FETCH of header fields of a large message reads only its head (issue 4: under imaptest, whose
     * mailbox has 8% of messages above 64 KB, those reads were the most frequent read transaction after
     * the message rows); a head is kept as a blob's content is.
     */
    byte[] head(long blobId) {
        return heads.get(blobId);
    }

    void putHead(long blobId, byte[] firstBytes) {
        heads.put(blobId, firstBytes, firstBytes.length);
    }

    void evict(long blobId) {
        contents.remove(blobId);
        heads.remove(blobId);
        structures.remove(blobId);
    }

    ParsedMessage structure(long blobId) {
        return structures.get(blobId);
    }

    /** @param encodedSize the stored structure's size, the weight of the entry */
    void putStructure(long blobId, ParsedMessage structure, int encodedSize) {
        structures.put(blobId, structure, Math.max(64, encodedSize));
    }

    /** A small LRU map bounded by the sum of its entries' weights; one short lock per call. */
    private static final class Lru<V> {
        private record Entry<V>(V value, long weight) {}

        private final long maxWeight;
        private final ReentrantLock lock = new ReentrantLock();
        private final LinkedHashMap<Long, Entry<V>> map = new LinkedHashMap<>(256, 0.75f, true);
        private long weight;

        Lru(long maxWeight) {
            this.maxWeight = maxWeight;
        }

        V get(long key) {
            lock.lock();
            try {
                Entry<V> e = map.get(key);
                return e == null ? null : e.value();
            } finally {
                lock.unlock();
            }
        }

        void remove(long key) {
            lock.lock();
            try {
                Entry<V> old = map.remove(key);
                if (old != null) {
                    weight -= old.weight();
                }
            } finally {
                lock.unlock();
            }
        }

        void put(long key, V value, long w) {
            if (w > maxWeight) {
                return;
            }
            lock.lock();
            try {
                Entry<V> old = map.put(key, new Entry<>(value, w));
                weight += w - (old == null ? 0 : old.weight());
                var it = map.entrySet().iterator();
                while (weight > maxWeight && it.hasNext()) {
                    Map.Entry<Long, Entry<V>> eldest = it.next();
                    weight -= eldest.getValue().weight();
                    it.remove();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
