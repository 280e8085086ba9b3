package jotmai.store.sqlite;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last HIGHESTMODSEQ read per mailbox, trusted until the next commit that touches the mailbox, so
 * that {@link SqliteMailStore#changesSince} answers "nothing new" without a read transaction.
 *
 * <p>Why (issue 4): every IMAP command ends with a {@code changesSince} of the selected mailbox (RFC
 * 9051 §7.4: pending changes before the tagged completion), one read transaction each, and most find
 * nothing because nobody else wrote to that mailbox meanwhile.
 *
 * <p>Correctness: the writer calls {@link #invalidate} after the COMMIT of every write that rings a
 * mailbox and before it answers the write's caller (and the owner process does the same for rings of
 * the admin CLI, after the CLI's commit). A read takes the mailbox's stripe generation <em>before</em>
 * its transaction starts and stores its result under that generation; a lookup trusts an entry only
 * while the stripe still has that generation. So a commit that finished before a read started is in the
 * read, and one that finished after it bumped the generation, which makes the entry stale. An entry can
 * only miss a change that is committed but not yet acknowledged to anyone, which an immediate query
 * could equally have missed. Generations are striped (mailbox id modulo {@link #STRIPES}): a collision
 * costs only an extra query.
 */
final class MailboxVersions {

    /** Stripes of generations; more means fewer needless invalidations between busy mailboxes. */
    static final int STRIPES = 4096;
    /** Mailboxes remembered; beyond this the map is emptied (entries are only an optimisation). */
    static final int MAX_ENTRIES = 100_000;
    /**
     * How long an entry is trusted at most. Rings from the admin CLI are doorbells that may be lost (its
     * file could not be written, the owner's watch failed); this bounds how long such a loss can hide
     * the CLI's change from a session that is not woken otherwise, at one query per mailbox per period.
     */
    static final long MAX_TRUST_NANOS = 1_000_000_000L;

    private record Entry(long generation, long highestModSeq, long readAtNanos) {}

    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
    private final ConcurrentHashMap<Long, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean enabled = true;
    private final long maxTrustNanos;

    MailboxVersions() {
        this(MAX_TRUST_NANOS);
    }

    MailboxVersions(long maxTrustNanos) {
        this.maxTrustNanos = maxTrustNanos;
    }

    private static int stripe(long mailboxId) {
        return (int) Math.floorMod(mailboxId, (long) STRIPES);
    }

    /** The generation to pass to {@link #remember}; take it before the read transaction starts. */
    long generation(long mailboxId) {
        return generations.get(stripe(mailboxId));
    }

    /** Records what a read that started at {@code generation} found. */
    void remember(long mailboxId, long generation, long highestModSeq) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(mailboxId, new Entry(generation, highestModSeq, System.nanoTime()));
    }

    /** The mailbox's HIGHESTMODSEQ if known to be current, else -1. */
    long highestModSeq(long mailboxId) {
        if (!enabled) {
            return -1;
        }
        Entry e = entries.get(mailboxId);
        return e != null && e.generation() == generations.get(stripe(mailboxId))
                && System.nanoTime() - e.readAtNanos() < maxTrustNanos ? e.highestModSeq() : -1;
    }

    /** A commit changed the mailbox (or a mailbox list key: harmless). */
    void invalidate(long mailboxId) {
        generations.incrementAndGet(stripe(mailboxId));
    }

    /**
     * Stops trusting entries for good: when this process cannot hear every commit (it is a guest on the
     * data directory, or cannot watch the admin CLI's rings), only a query tells what changed.
     */
    void disable() {
        enabled = false;
    }
}
