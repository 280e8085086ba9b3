package jotmai.store.support;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * What {@link FlagRowsCache} and {@link SelectStateCache} share: per mailbox id one value read from one
 * snapshot, tagged with that snapshot's UIDVALIDITY and HIGHESTMODSEQ, bounded by the total weight of
 * the values (rows, UIDs), least recently used evicted first.
 *
 * <p>Two readers of one mailbox may finish in either order; the value of the newer snapshot (higher
 * MODSEQ at the same UIDVALIDITY) is the one kept. A new UIDVALIDITY (mailbox deleted and created again)
 * always replaces. Values lighter than {@code minWeight} are not kept (cheap to read again), nor values
 * heavier than the whole bound.
 *
 * @param <V> an immutable value; the cache hands out the instance it was given
 */
final class SnapshotCache<V> {
    /** One remembered value and the snapshot it was read in. */
    record Snapshot<V>(long uidValidity, long modSeq, V value) {}

    private final long minWeight;
    private final long maxTotalWeight;
    private final ToLongFunction<V> weigher;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Long, Snapshot<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long totalWeight;

    SnapshotCache(long minWeight, long maxTotalWeight, ToLongFunction<V> weigher) {
        this.minWeight = minWeight;
        this.maxTotalWeight = maxTotalWeight;
        this.weigher = weigher;
    }

    /** The snapshot held for the mailbox (marking it recently used), or {@code null}. */
    Snapshot<V> get(long mailboxId) {
        lock.lock();
        try {
            return entries.get(mailboxId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Remembers {@code value} as the mailbox's at this UIDVALIDITY and MODSEQ, unless a newer snapshot of
     * the same UIDVALIDITY is held already; then evicts the least recently used others beyond the bound.
     */
    void put(long mailboxId, long uidValidity, long modSeq, V value) {
        lock.lock();
        try {
            Snapshot<V> old = entries.get(mailboxId);
            if (old != null && old.uidValidity() == uidValidity && old.modSeq() > modSeq) {
                return; // a concurrent reader already stored a newer snapshot
            }
            if (old != null) {
                entries.remove(mailboxId);
                totalWeight -= weigher.applyAsLong(old.value());
            }
            long weight = weigher.applyAsLong(value);
            if (weight < minWeight || weight > maxTotalWeight) {
                return;
            }
            entries.put(mailboxId, new Snapshot<>(uidValidity, modSeq, value));
            totalWeight += weight;
            Iterator<Map.Entry<Long, Snapshot<V>>> it = entries.entrySet().iterator();
            while (totalWeight > maxTotalWeight && it.hasNext()) {
                Map.Entry<Long, Snapshot<V>> eldest = it.next();
                if (eldest.getKey() != mailboxId) {
                    totalWeight -= weigher.applyAsLong(eldest.getValue().value());
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the held value by {@code change}'s result, at the same snapshot; {@code change} sees the
     * value held at that moment (or is not called when none is) and returns it unchanged to decline. Meant
     * for facts derived from the same snapshot (a size sum), so the weight must not change.
     */
    void update(long mailboxId, UnaryOperator<V> change) {
        lock.lock();
        try {
            Snapshot<V> now = entries.get(mailboxId);
            if (now == null) {
                return;
            }
            V changed = change.apply(now.value());
            if (changed != now.value()) {
                totalWeight += weigher.applyAsLong(changed) - weigher.applyAsLong(now.value());
                entries.put(mailboxId, new Snapshot<>(now.uidValidity(), now.modSeq(), changed));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the mailbox. */
    void remove(long mailboxId) {
        lock.lock();
        try {
            Snapshot<V> old = entries.remove(mailboxId);
            if (old != null) {
                totalWeight -= weigher.applyAsLong(old.value());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets everything. */
    void clear() {
        lock.lock();
        try {
            entries.clear();
            totalWeight = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a value of the mailbox is held (at some MODSEQ); does not count as a use. */
    boolean holds(long mailboxId) {
        lock.lock();
        try {
            return entries.containsKey(mailboxId);
        } finally {
            lock.unlock();
        }
    }

    /** Sum of the weights of the values held now. */
    long totalWeight() {
        lock.lock();
        try {
            return totalWeight;
        } finally {
            lock.unlock();
        }
    }
}
