package jotmai.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.BlobRef;
import jotmai.store.MailStore;
import jotmai.store.StoreException;

/**
 * Reads the beginning of the next large message while the current one streams, for clients that
 * download in order (RETR 1, RETR 2, ...). Without it every large RETR waits for a store round trip
 * before its "+OK" (session 8: ~430 us from "RETR n" to "+OK" on 1 MB messages, Dovecot ~250 us),
 * and the client sits idle meanwhile. With it the next RETR answers from memory and the rest of the
 * message follows from the stream opened in the background, positioned after the head.
 *
 * <p>Bounds: one message at a time, {@link #HEAD_OCTETS} plus the one store window the open stream
 * buffers (SQLite: at most 128 KB, in practice its second window, 32 KB; PostgreSQL: one chunk), so
 * under 200 KB per session on top of {@link ContentPrefetch}'s two batches. Measured all told
 * (Pop3MemoryCheck: 200 sessions each blocked mid-way through a 1 MB RETR to a reader that stopped,
 * each with the next head read ahead): 229 KB of heap per session, all of it freed when the clients
 * vanished. Store streams hold no connection between reads (both
 * backends), so a stream opened on the helper thread may be continued by the session thread (the
 * future's get() orders the two), and one that is dropped unread holds nothing but memory.
 *
 * <p>Content is immutable, so a head read ahead cannot be stale; whether the message still exists is
 * checked by the caller ({@link ExpungeWatch}) before it is used, as for any RETR. The helper only
 * calls the store, never the client.
 */
final class HeadPrefetch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeadPrefetch.class);

    /**
     * How much of a large message is read ahead: SQLite's first two windows (16 + 32 KB, two read
     * transactions). With the "+OK" line it stays under {@link ResponseBuffer#MAX_OCTETS}, so status line
     * and head leave in one write; a full 64 KB head split them into 64 KB and a tiny remainder.
     */
    static final int HEAD_OCTETS = 48 * 1024;

    /** The first {@code length} octets of a message, and its stream positioned after them (caller closes). */
    record Head(byte[] bytes, int length, InputStream rest) {}

    private record Ahead(int number, FutureTask<Head> task) {}

    private final MailStore mail;
    private Ahead ahead;
    private int lastNumber = 0; // the previous message asked for: in order means this one plus one (RETR 1 first too)
    private int nextToRead = -1; // the large message to read ahead at the next startReadAhead(), or -1
    private BlobRef nextBlob;

    HeadPrefetch(MailStore mail) {
        this.mail = mail;
    }

    /**
     * The head of message {@code number} if it was read ahead (empty otherwise, or when that read
     * failed: the caller then opens the message itself and reports any error). When the client asks in
     * order, notes the next message not marked deleted, if that one is large, for
     * {@link #startReadAhead()}.
     */
    Optional<Head> take(Maildrop drop, int number) {
        boolean inOrder = number == lastNumber + 1;
        lastNumber = number;
        Optional<Head> ready = Optional.empty();
        if (ahead != null) {
            if (ahead.number() == number) {
                ready = join(ahead.task());
            } else {
                drop(ahead);
            }
            ahead = null;
        }
        nextToRead = -1;
        if (inOrder) {
            int next = nextLive(drop, number);
            if (next > 0 && drop.message(next).size() > ContentPrefetch.SMALL_MESSAGE_OCTETS) {
                nextToRead = next;
                nextBlob = drop.message(next).blob();
            }
        }
        return ready;
    }

    /**
     * Starts reading the head noted by the last {@link #take}, if any. The caller calls this once the
     * current answer's first bytes are on their way: on two busy cores a helper thread started earlier
     * competes with the session thread for the CPU just when the "+OK" should go out.
     */
    void startReadAhead() {
        if (nextToRead > 0 && ahead == null) {
            BlobRef blob = nextBlob;
            FutureTask<Head> task = new FutureTask<>(() -> read(blob));
            Thread.ofVirtual().name("pop3-head-prefetch").start(task);
            ahead = new Ahead(nextToRead, task);
        }
        nextToRead = -1;
        nextBlob = null;
    }

    private static int nextLive(Maildrop drop, int number) {
        for (int n = number + 1; n <= drop.highestNumber(); n++) {
            if (!drop.isDeleted(n)) {
                return n;
            }
        }
        return -1;
    }

    private Head read(BlobRef blob) throws IOException {
        InputStream in = mail.openContent(blob);
        try {
            byte[] head = new byte[HEAD_OCTETS];
            int n = in.readNBytes(head, 0, head.length);
            return new Head(head, n, in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static Optional<Head> join(FutureTask<Head> task) {
        try {
            return Optional.of(task.get());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof StoreException) && !(e.getCause() instanceof IOException)) {
                log.warn("reading a message head ahead failed", e.getCause());
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while reading a message", e);
        }
    }

    /** A head the client did not ask for next: closed if read, else left to finish and be collected. */
    private static void drop(Ahead unused) {
        FutureTask<Head> task = unused.task();
        if (task.isDone() && !task.isCancelled()) {
            join(task).ifPresent(h -> closeQuietly(h.rest()));
        } else {
            task.cancel(false);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing to release but memory
        }
    }

    @Override
    public void close() {
        if (ahead != null) {
            drop(ahead);
            ahead = null;
        }
    }
}
