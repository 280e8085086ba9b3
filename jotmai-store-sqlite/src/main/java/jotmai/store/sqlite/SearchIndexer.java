package jotmai.store.sqlite;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.message.ParsedMessage;
import jotmai.store.StoreException;
import jotmai.store.support.SearchableText;
import jotmai.store.support.StoredStructures;

/**
 * Fills the SEARCH text index after appends commit, so that SMTP and APPEND never wait for it: one
 * platform thread takes queued blobs in batches, decodes their text outside the writer (reads only),
 * and stores each blob with a small write of its own, so user writes never queue behind a long one.
 * Until a blob is indexed, searches report its messages as unverified and the IMAP layer scans them.
 */
final class SearchIndexer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);

    /** Blobs taken from the queue per read (each is then indexed with a write of its own). */
    static final int BATCH = 32;
    /** How often an idle indexer looks for work nobody woke it for (e.g. another process's appends). */
    static final long IDLE_POLL_MS = 5_000;
    /** How long close() waits for the batch in progress. */
    static final long CLOSE_WAIT_MS = 10_000;

    /**
     * Default {@link SqliteStore.Options#indexDelay}: how long a message must have been kept before its
     * text is indexed. Why (issue 4): indexing costs about 5 ms of CPU per 17 KB message (text
     * extraction plus the FTS5 trigram insert on the single writer), more than serving it; mail that is
     * expunged soon after it arrives (POP3 download-and-delete, spam sorted away, imaptest's churn) then
     * never pays for it. Until then SEARCH scans the message, as it does for any unindexed one.
     */
    static final long DEFAULT_DELAY_MS = 60_000;

    private final Database db;
    private final GroupCommitWriter writer;
    private final long delayMs;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean closing;

    SearchIndexer(Database db, GroupCommitWriter writer, long delayMs) {
        this.db = db;
        this.delayMs = delayMs;
        this.writer = writer;
        this.thread = Thread.ofPlatform().name("jotmai-search-indexer").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** Tells the indexer there is new work (cheap; call after a commit that queued blobs). */
    void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    private void loop() {
        while (!closing) {
            try {
                List<SearchIndex.Pending> pending = db.read(c -> SearchIndex.pending(c, BATCH));
                if (pending.isEmpty()) {
                    wake.tryAcquire(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                    continue;
                }
                long now = System.currentTimeMillis();
                long nextReady = Long.MAX_VALUE;
                boolean progressed = false;
                // one write per blob, not per batch: an FTS5 trigram insert costs milliseconds per
                // message on the single writer thread, and a 32-message write held every STORE and
                // APPEND queued behind it for a tenth of a second or more under imaptest (issue 4).
                // Relaxed: derived data; a crash that undoes it leaves the blob in search_pending (same
                // transaction), so it is indexed again, and the indexer does not wait for an fsync.
                for (SearchIndex.Pending p : pending) {
                    long id = p.blobId();
                    if (p.savedMs() < 0) {
                        progressed |= writer.writeRelaxed(tx -> SearchIndex.dropUnreferenced(tx, id));
                        continue;
                    }
                    if (p.savedMs() + delayMs > now) {
                        nextReady = Math.min(nextReady, p.savedMs() + delayMs);
                        continue; // not kept long enough yet (DEFAULT_DELAY_MS)
                    }
                    Optional<SearchableText.Text> text = extract(id);
                    writer.writeRelaxed(tx -> {
                        SearchIndex.store(tx, id, text);
                        return null;
                    });
                    progressed = true;
                }
                if (!progressed) {
                    // only young blobs left: wait for the oldest to come of age; wake-ups by new
                    // appends do not shorten it (they would only find younger blobs)
                    long until = Math.min(nextReady, System.currentTimeMillis() + IDLE_POLL_MS);
                    while (!closing && System.currentTimeMillis() < until) {
                        wake.tryAcquire(Math.max(1, until - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                    }
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                log.warn("search indexing failed; retrying in {} ms", IDLE_POLL_MS, e);
                try {
                    Thread.sleep(IDLE_POLL_MS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** The blob's searchable text; empty (stays scanned) when too large or unreadable. */
    private Optional<SearchableText.Text> extract(long blobId) {
        try {
            Optional<BlobTable.BlobInfo> info = db.read(c -> BlobTable.info(c, blobId));
            if (info.isEmpty()) {
                return Optional.empty(); // purged meanwhile; store() drops it from the queue
            }
            long size = info.get().size();
            ParsedMessage message = StoredStructures.decode(info.get().structure(),
                    () -> new BlobInputStream(db, blobId, 0, size));
            return SearchableText.extract(message, (offset, length) -> new BlobInputStream(db, blobId,
                    Math.min(offset, size), length > size - Math.min(offset, size) ? size : offset + length));
        } catch (IOException | StoreException e) {
            log.warn("cannot index message blob {}; SEARCH will scan it: {}", blobId, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        closing = true;
        wake.release();
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
