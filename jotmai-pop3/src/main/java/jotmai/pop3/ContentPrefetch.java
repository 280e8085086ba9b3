package jotmai.pop3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.BlobRef;
import jotmai.store.MailStore;
import jotmai.store.MessageMeta;
import jotmai.store.StoreException;

/**
 * Reads small messages ahead, in batches, for RETR/TOP. Desktop clients download the maildrop in order
 * (RETR 1, RETR 2, ...), and reading each small message on its own costs a store round trip that is
 * larger than the message; one {@link MailStore#readContents} for the next run of small messages
 * makes that cost per batch instead.
 *
 * <p>Once a client is seen downloading in order, the batch after the current one is read on a
 * background virtual thread while the current one is sent, so the store read overlaps with the
 * client's round trips instead of stalling every ~25th RETR. The session thread stays the only one
 * that touches the client; the helper only calls the store.
 *
 * <p>Memory is bounded per session by two batches of {@link #MAX_BATCH_OCTETS}; large messages are
 * not read here (they stream through {@link MailStore#openContent}; {@link HeadPrefetch} reads the
 * beginning of the next one ahead). Message contents are
 * immutable, so a cached copy can never be stale; whether the message still exists is checked by the
 * caller (ExpungeWatch).
 */
final class ContentPrefetch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContentPrefetch.class);

    /** Messages up to this size are read ahead; larger ones stream. */
    static final int SMALL_MESSAGE_OCTETS = 64 * 1024;
    /**
     * Bytes read ahead at most at once: 128 KB amortises the store round trip over ~25 typical 5 KB
     * messages; a session holds at most two batches (256 KB), 1,000 downloading sessions 256 MB.
     */
    static final int MAX_BATCH_OCTETS = 128 * 1024;
    /** Messages read ahead at most at once. */
    static final int MAX_BATCH_MESSAGES = 128;

    /** The messages of one batch and the message number right after it. */
    private record Plan(List<BlobRef> blobs, int next) {}

    /** A batch being read in the background. */
    private record Ahead(Plan plan, FutureTask<Map<BlobRef, byte[]>> task) {}

    private final MailStore mail;
    private Map<BlobRef, byte[]> batch = Map.of();
    private int batchNext; // message number after the current batch
    private Ahead ahead;
    private int lastNumber = -1; // the previous message asked for: in order means this one plus one

    ContentPrefetch(MailStore mail) {
        this.mail = mail;
    }

    /**
     * The whole content of message {@code number} if it is small: from the current batch, from the
     * batch read ahead, or by reading a new batch that starts with it. Empty for large messages and for
     * content that is gone (the caller then falls back to streaming, which reports NotFound).
     */
    Optional<byte[]> content(Maildrop drop, int number) {
        boolean inOrder = number == lastNumber + 1;
        lastNumber = number;
        MessageMeta wanted = drop.message(number);
        if (wanted.size() > SMALL_MESSAGE_OCTETS) {
            return Optional.empty();
        }
        byte[] cached = batch.get(wanted.blob());
        if (cached == null && ahead != null && ahead.plan().blobs().contains(wanted.blob())) {
            batch = Map.of(); // let the old batch go
            batch = join(ahead.task());
            batchNext = ahead.plan().next();
            ahead = null;
            cached = batch.get(wanted.blob());
        }
        if (cached == null) {
            cancelAhead(); // the client jumped: what was read ahead is not what it wants
            Plan plan = plan(drop, number);
            batch = Map.of();
            batch = mail.readContents(plan.blobs());
            batchNext = plan.next();
            cached = batch.get(wanted.blob());
        }
        if (inOrder && ahead == null && batchNext <= drop.highestNumber()) {
            readAhead(plan(drop, batchNext));
        }
        return Optional.ofNullable(cached);
    }

    /** The run of small, not deleted messages starting at {@code number}, within the batch bounds. */
    private static Plan plan(Maildrop drop, int number) {
        List<BlobRef> next = new ArrayList<>();
        long octets = 0;
        int n = number;
        for (; n <= drop.highestNumber() && next.size() < MAX_BATCH_MESSAGES; n++) {
            if (drop.isDeleted(n)) {
                continue;
            }
            MessageMeta m = drop.message(n);
            if (m.size() > SMALL_MESSAGE_OCTETS || octets + m.size() > MAX_BATCH_OCTETS) {
                break;
            }
            next.add(m.blob());
            octets += m.size();
        }
        return new Plan(next, n);
    }

    private void readAhead(Plan plan) {
        if (plan.blobs().isEmpty()) {
            return; // a large message comes next: it streams
        }
        FutureTask<Map<BlobRef, byte[]>> task = new FutureTask<>(() -> mail.readContents(plan.blobs()));
        Thread.ofVirtual().name("pop3-prefetch").start(task);
        ahead = new Ahead(plan, task);
    }

    /** The batch read ahead; empty when that read failed (the caller then reads again and reports). */
    private static Map<BlobRef, byte[]> join(FutureTask<Map<BlobRef, byte[]>> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof StoreException)) {
                log.warn("reading ahead failed", e.getCause());
            }
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while reading messages", e);
        }
    }

    private void cancelAhead() {
        if (ahead != null) {
            ahead.task().cancel(false); // a store read under way finishes on its own; its result is dropped
            ahead = null;
        }
    }

    /** Drops what was read; a read still under way ends by itself and its result is discarded. */
    @Override
    public void close() {
        cancelAhead();
        batch = Map.of();
    }
}
