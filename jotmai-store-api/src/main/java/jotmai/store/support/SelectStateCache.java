package jotmai.store.support;

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

    private final SnapshotCache<SelectState> entries =
            new SnapshotCache<>(FlagRowsCache.MIN_ROWS, MAX_TOTAL_UIDS, SelectState::size);

    /** The remembered state of the mailbox at this UIDVALIDITY and HIGHESTMODSEQ, else {@code source}'s. */
    public <E extends Exception> SelectState state(long mailboxId, long uidValidity, long highestModSeq,
                                                   Source<E> source) throws E {
        SnapshotCache.Snapshot<SelectState> e = entries.get(mailboxId);
        if (e != null && e.uidValidity() == uidValidity && e.modSeq() == highestModSeq) {
            return e.value();
        }
        SelectState state = source.read();
        entries.put(mailboxId, uidValidity, highestModSeq, state);
        return state;
    }

    /** Forgets the mailbox (its flag rows are cached now and answer instead). */
    public void forget(long mailboxId) {
        entries.remove(mailboxId);
    }
}
