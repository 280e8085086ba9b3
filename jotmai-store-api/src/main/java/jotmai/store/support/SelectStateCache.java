package jotmai.store.support;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import jotmai.store.SelectState;

/**
 * Remembers the {@link SelectState} a backend read for a big mailbox without its flag rows, so that
 * another SELECT of the unchanged mailbox (same UIDVALIDITY and HIGHESTMODSEQ, read by the caller in the
 * same snapshot) does not read the 100,000 UIDs again (issue 4). Unlike {@link FlagRowsCache} an entry is
 * not brought up to date: any change to the mailbox raises its HIGHESTMODSEQ, and the next SELECT reads
 * again (or answers from the flag rows, once a FETCH or SEARCH has cached them).
 *
 * <p>Bounded like {@link FlagRowsCache}: only mailboxes with at least {@link FlagRowsCache#MIN_ROWS}
 * messages, at most {@link #MAX_TOTAL_UIDS} UIDs in all (8 bytes each), least recently used first out.
 */
public final class SelectStateCache {
    /** UIDs of all remembered mailboxes together (~8 MB). */
    public static final long MAX_TOTAL_UIDS = 1_000_000;

    /** Reads the state in the caller's snapshot ({@code E}: the backend's checked exception). */
    public interface Source<E extends Exception> {
        SelectState read() throws E;
    }

    private record Entry(long uidValidity, long modSeq, SelectState state) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long totalUids;

    /** The remembered state of the mailbox at this UIDVALIDITY and HIGHESTMODSEQ, else {@code source}'s. */
    public <E extends Exception> SelectState state(long mailboxId, long uidValidity, long highestModSeq,
                                                   Source<E> source) throws E {
        lock.lock();
        try {
            Entry e = entries.get(mailboxId);
            if (e != null && e.uidValidity() == uidValidity && e.modSeq() == highestModSeq) {
                return e.state();
            }
        } finally {
            lock.unlock();
        }
        SelectState state = source.read();
        put(mailboxId, new Entry(uidValidity, highestModSeq, state));
        return state;
    }

    /** Forgets the mailbox (its flag rows are cached now and answer instead). */
    public void forget(long mailboxId) {
        lock.lock();
        try {
            Entry old = entries.remove(mailboxId);
            if (old != null) {
                totalUids -= old.state().size();
            }
        } finally {
            lock.unlock();
        }
    }

    private void put(long mailboxId, Entry entry) {
        lock.lock();
        try {
            Entry old = entries.get(mailboxId);
            if (old != null && old.uidValidity() == entry.uidValidity() && old.modSeq() > entry.modSeq()) {
                return; // a concurrent reader already stored a newer snapshot
            }
            if (old != null) {
                entries.remove(mailboxId);
                totalUids -= old.state().size();
            }
            int size = entry.state().size();
            if (size < FlagRowsCache.MIN_ROWS || size > MAX_TOTAL_UIDS) {
                return;
            }
            entries.put(mailboxId, entry);
            totalUids += size;
            Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator();
            while (totalUids > MAX_TOTAL_UIDS && it.hasNext()) {
                Map.Entry<Long, Entry> eldest = it.next();
                if (eldest.getKey() != mailboxId) {
                    totalUids -= eldest.getValue().state().size();
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
