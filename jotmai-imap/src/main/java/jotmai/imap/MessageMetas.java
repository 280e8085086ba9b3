package jotmai.imap;

import java.lang.ref.Cleaner;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jotmai.store.MessageMeta;

/**
 * The message rows (flags, MODSEQ, size, dates, blob) a session has already received for its selected
 * mailbox, so that a FETCH right after a sync answers from memory instead of a read transaction per
 * command (issue 4: on SQLite every read after another connection's commit re-reads its pages).
 *
 * <p>Exactness: a row is remembered from a store answer only (message read, STORE/\Seen result, or a
 * change record of {@code changesSince}), and every later change of that message comes to the session
 * through {@link ChangeSync} as a change record with the row's current state, which replaces it. So
 * after a sync every remembered row is at least as new as the view's MODSEQ, which is what a read at
 * that moment would have returned. Expunged UIDs are forgotten when the view removes them. Views that
 * show a reader's own \Seen (issue 7, {@link PrivateSeen}) do not remember rows: their flags are
 * composed per reader.
 *
 * <p>Memory: a row read for one session is a few hundred bytes that no other session shares, and a
 * hosting server keeps thousands of sessions open for hours (most of them in IDLE after a first sync
 * that fetched headers of every message). So the rows are bounded per view ({@link #MAX_ROWS}) and for
 * the whole JVM ({@link #MAX_TOTAL_ROWS}); a view gives its share back when it forgets rows, when its
 * session enters IDLE ({@link #clear}) and, at the latest, when it is garbage (a {@link Cleaner}: a view
 * is dropped on SELECT, CLOSE, UNSELECT, LOGOUT and on every way a connection can end). Past either
 * bound FETCH reads the rows it misses, as without this class.
 *
 * <p>Owned by the session thread (and the IDLE fan-out while it holds the session's lock), like the
 * view; only the counts are shared between threads.
 */
final class MessageMetas {
    /** Rows remembered per view at most. */
    static final int MAX_ROWS = 1024;
    /** Rows remembered by all views of the JVM together (about 300 bytes each, so some 40 MB). */
    static final int MAX_TOTAL_ROWS = 131_072;

    private static final AtomicInteger TOTAL = new AtomicInteger();
    private static final Cleaner CLEANER = Cleaner.create();

    private final Map<Long, MessageMeta> rows = new HashMap<>();
    /** This view's share of {@link #TOTAL}; the cleaner gives it back, so it must not refer to this. */
    private final AtomicInteger held = new AtomicInteger();

    MessageMetas() {
        AtomicInteger share = held;
        CLEANER.register(this, () -> TOTAL.addAndGet(-share.getAndSet(0)));
    }

    /** The remembered row of {@code uid}, or null. */
    MessageMeta get(long uid) {
        return rows.get(uid);
    }

    /** Remembers a row the store just returned, unless an equally new or newer one is known. */
    void remember(MessageMeta meta) {
        MessageMeta known = rows.get(meta.uid());
        if (known != null) {
            if (known.modSeq() <= meta.modSeq()) {
                rows.put(meta.uid(), meta);
            }
        } else if (rows.size() < MAX_ROWS && take()) {
            rows.put(meta.uid(), meta);
        }
    }

    void forget(long uid) {
        if (rows.remove(uid) != null) {
            give(1);
        }
    }

    /** Forgets every row (the view stays exact: FETCH reads what it misses). */
    void clear() {
        int n = rows.size();
        rows.clear();
        give(n);
    }

    int size() {
        return rows.size();
    }

    /** Rows remembered by all live views of the JVM (for tests and diagnostics). */
    static int totalRows() {
        return TOTAL.get();
    }

    /** Takes one row of the JVM-wide budget for this view, if any is left. */
    private boolean take() {
        if (TOTAL.incrementAndGet() > MAX_TOTAL_ROWS) {
            TOTAL.decrementAndGet();
            return false;
        }
        held.incrementAndGet();
        return true;
    }

    private void give(int n) {
        if (n > 0) {
            held.addAndGet(-n);
            TOTAL.addAndGet(-n);
        }
    }
}
