package jotmai.imap;

import java.util.HashMap;
import java.util.Map;

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
 * <p>Owned by the session thread (and the IDLE fan-out while it holds the session's lock), like the
 * view.
 */
final class MessageMetas {
    /** Rows remembered per view at most; beyond this, FETCH reads the rows it misses as before. */
    static final int MAX_ROWS = 4096;

    private final Map<Long, MessageMeta> rows = new HashMap<>();

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
        } else if (rows.size() < MAX_ROWS) {
            rows.put(meta.uid(), meta);
        }
    }

    void forget(long uid) {
        rows.remove(uid);
    }

    int size() {
        return rows.size();
    }
}
