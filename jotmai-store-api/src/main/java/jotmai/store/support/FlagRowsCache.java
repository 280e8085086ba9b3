package jotmai.store.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jotmai.store.Changes;
import jotmai.store.FlagRows;
import jotmai.store.FlagSetList;
import jotmai.store.MessageMeta;
import jotmai.store.StoreChange;

/**
 * Keeps the {@link FlagRows} of large mailboxes in memory and brings them up to date from
 * {@code changesSince} instead of scanning every message again (issue 4, the 100,000-message mailbox:
 * SELECT and UID SEARCH UNSEEN read UIDs and flags of all messages, which Dovecot answers from its index
 * file; a scan of 100,000 rows through the JNI driver costs a few hundred milliseconds).
 *
 * <p>Correctness rests on the store's own change log, the same one IMAP sessions pull: an entry is the
 * rows of one mailbox at one MODSEQ. A caller passes, from <em>one</em> read snapshot, the mailbox's
 * UIDVALIDITY and highest MODSEQ, a full scan and a {@code changesSince}; when the cached MODSEQ equals
 * the mailbox's, the cached rows are returned as they are (they are immutable), otherwise the changes
 * after the cached MODSEQ are applied (expunges need the backend's tombstones), or, when there are
 * many, or when the cached MODSEQ is below the mailbox's vanished floor (pruned tombstones, see
 * {@link Changes#existing}), the mailbox is scanned again. A mailbox deleted and
 * created again gets another UIDVALIDITY, which is part of the check.
 *
 * <p>Bounded: only mailboxes with at least {@link #MIN_ROWS} messages are kept, at most
 * {@link #MAX_TOTAL_ROWS} rows in all, least recently used evicted first. A row costs 20 bytes: UID and
 * MODSEQ as longs plus an int index into the mailbox's few distinct flag sets ({@link FlagSetList}), so
 * the cap is about 20 MB; a 100,000-message mailbox takes 2 MB.
 */
public final class FlagRowsCache {
    /** Smaller mailboxes are scanned every time: cheap, and not worth the memory. */
    public static final int MIN_ROWS = 5_000;
    /** Rows of all cached mailboxes together (~20 MB at 20 bytes a row). */
    public static final long MAX_TOTAL_ROWS = 1_000_000;
    /** Beyond this many changes (or an eighth of the rows) a rescan is cheaper than applying them. */
    static final int MAX_APPLIED_CHANGES = 10_000;

    /** What the caller reads from its snapshot ({@code E}: the backend's checked exception). */
    public interface Source<E extends Exception> {
        FlagRows scan() throws E;

        Changes changesSince(long modSeq) throws E;
    }

    /** {@code size}: sum of the messages' sizes (STATUS SIZE), or -1 until someone asks for it. */
    private record Held(FlagRows rows, long size) {}

    /** Reads the sum of the mailbox's message sizes in the caller's snapshot. */
    public interface SizeSource<E extends Exception> {
        long sum() throws E;
    }

    private final SnapshotCache<Held> entries = new SnapshotCache<>(MIN_ROWS, MAX_TOTAL_ROWS, h -> h.rows().size());

    /**
     * The rows of the mailbox at {@code highestModSeq}, from the cache, the cache plus changes, or
     * {@code source.scan()}. All arguments must describe one snapshot.
     */
    public <E extends Exception> FlagRows rows(long mailboxId, long uidValidity, long highestModSeq, Source<E> source)
            throws E {
        SnapshotCache.Snapshot<Held> cached = entries.get(mailboxId);
        FlagRows rows;
        long size = -1;
        if (cached != null && cached.uidValidity() == uidValidity && cached.modSeq() == highestModSeq) {
            return cached.value().rows();
        } else if (cached != null && cached.uidValidity() == uidValidity && cached.modSeq() < highestModSeq) {
            Changes changes = source.changesSince(cached.modSeq());
            Held held = cached.value();
            int limit = Math.min(MAX_APPLIED_CHANGES, Math.max(100, held.rows().size() / 8));
            if (!changes.expungesComplete() || changes.changes().size() > limit) {
                // below the vanished floor some expunges are not listed: replaying would keep gone rows
                rows = source.scan();
            } else {
                rows = apply(held.rows(), changes);
                size = sizeAfter(held.size(), changes);
            }
        } else {
            rows = source.scan();
        }
        entries.put(mailboxId, uidValidity, highestModSeq, new Held(rows, size));
        return rows;
    }

    /**
     * The sum of the message sizes for {@code rows}, which the caller just had from {@link #rows} in the
     * same snapshot: remembered with them, so a STATUS SIZE (RFC 8438) of an unchanged mailbox does not
     * sum 100,000 rows again. Appends keep it current; an expunge makes the next call sum again (the
     * change log does not carry the expunged message's size).
     */
    public <E extends Exception> long size(long mailboxId, FlagRows rows, SizeSource<E> source) throws E {
        SnapshotCache.Snapshot<Held> cached = entries.get(mailboxId);
        if (cached != null && cached.value().rows() == rows && cached.value().size() >= 0) {
            return cached.value().size();
        }
        long size = source.sum();
        entries.update(mailboxId, now -> now.rows() == rows ? new Held(rows, size) : now);
        return size;
    }

    private static long sizeAfter(long size, Changes changes) {
        if (size < 0) {
            return -1;
        }
        for (StoreChange change : changes.changes()) {
            switch (change) {
                case StoreChange.Added a -> size += a.meta().size(); // added after the cached MODSEQ: new
                case StoreChange.FlagsChanged f -> { }
                case StoreChange.Expunged e -> {
                    return -1;
                }
            }
        }
        return size;
    }

    /** Forgets everything (tests; a backend that rewrites mailboxes outside the change log). */
    public void clear() {
        entries.clear();
    }

    /** Whether rows of the mailbox are cached (at some MODSEQ): filtering them beats a narrower scan. */
    public boolean holds(long mailboxId) {
        return entries.holds(mailboxId);
    }

    /** Rows held now (for tests and monitoring). */
    public long totalRows() {
        return entries.totalWeight();
    }

    /**
     * The rows after {@code changes}: expunged UIDs removed, changed flags and MODSEQs replaced, added
     * messages inserted in UID order. Flag sets equal to one already in the rows are shared.
     */
    static FlagRows apply(FlagRows rows, Changes changes) {
        if (changes.changes().isEmpty()) {
            return rows; // the MODSEQ moved for something else (another reader's \Seen mark): same rows
        }
        Map<Long, MessageMeta> current = new HashMap<>();
        List<Long> expunged = new ArrayList<>();
        for (StoreChange change : changes.changes()) { // MODSEQ order: the last word on a UID wins
            switch (change) {
                case StoreChange.Added a -> current.put(a.uid(), a.meta());
                case StoreChange.FlagsChanged f -> current.put(f.uid(), f.meta());
                case StoreChange.Expunged e -> {
                    current.remove(e.uid());
                    expunged.add(e.uid());
                }
            }
        }
        Set<Long> gone = new java.util.HashSet<>(expunged);
        FlagSetList oldSets = rows.flagSets();
        List<Set<String>> table = new ArrayList<>(oldSets.table());
        Map<Set<String>, Integer> known = new HashMap<>();
        for (int t = 0; t < table.size(); t++) {
            known.putIfAbsent(table.get(t), t);
        }
        int n = rows.size();
        long[] uids = new long[n + current.size()];
        long[] modSeqs = new long[uids.length];
        int[] index = new int[uids.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            long uid = rows.uids()[i];
            if (gone.contains(uid) && !current.containsKey(uid)) {
                continue;
            }
            MessageMeta changed = current.remove(uid);
            uids[k] = uid;
            modSeqs[k] = changed == null ? rows.modSeqs()[i] : changed.modSeq();
            index[k] = changed == null ? oldSets.setAt(i) : share(known, table, changed.flags());
            k++;
        }
        // what is left is new to these rows; new UIDs are normally above all others, but sort to be safe
        List<MessageMeta> added = new ArrayList<>(current.values());
        added.sort((a, b) -> Long.compare(a.uid(), b.uid()));
        boolean ordered = added.isEmpty() || k == 0 || added.getFirst().uid() > uids[k - 1];
        for (MessageMeta m : added) {
            uids[k] = m.uid();
            modSeqs[k] = m.modSeq();
            index[k] = share(known, table, m.flags());
            k++;
        }
        if (!ordered) {
            return sorted(uids, modSeqs, index, table, k);
        }
        return new FlagRows(Arrays.copyOf(uids, k), Arrays.copyOf(modSeqs, k),
                FlagSetList.of(Arrays.copyOf(index, k), table));
    }

    private static int share(Map<Set<String>, Integer> known, List<Set<String>> table, Set<String> flags) {
        Integer at = known.get(flags);
        if (at != null) {
            return at;
        }
        Set<String> copy = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(flags));
        table.add(copy);
        known.put(copy, table.size() - 1);
        return table.size() - 1;
    }

    private static FlagRows sorted(long[] uids, long[] modSeqs, int[] index, List<Set<String>> table, int k) {
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(uids[a], uids[b]));
        long[] u = new long[k];
        long[] m = new long[k];
        int[] x = new int[k];
        for (int i = 0; i < k; i++) {
            u[i] = uids[order[i]];
            m[i] = modSeqs[order[i]];
            x[i] = index[order[i]];
        }
        return new FlagRows(u, m, FlagSetList.of(x, table));
    }
}
