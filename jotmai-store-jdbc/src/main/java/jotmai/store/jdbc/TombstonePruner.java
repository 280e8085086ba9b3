package jotmai.store.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.MailStore;

/**
 * Keeps the expunge tombstones of every mailbox bounded: a platform thread that, every
 * {@code interval}, asks the store for mailboxes over the cap and prunes each down to its newest
 * {@code keep} tombstones in small transactions ({@link MailStore#pruneTombstones}), pausing between
 * them so that user writes (SQLite's single writer) never queue behind it for long.
 *
 * <p>Why a count per mailbox rather than an age: tombstones carry no time, only a MODSEQ, and a count
 * bounds the table by (mailboxes x keep) whatever the expunge rate. A client whose MODSEQ falls below
 * the pruned range still resynchronises correctly, with a superset of VANISHED UIDs (RFC 7162 §3.2.6,
 * see {@link jotmai.store.Changes#existing}); Dovecot behaves alike once its transaction log rotated.
 */
public final class TombstonePruner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TombstonePruner.class);

    /**
     * Default tombstones kept per mailbox: a client that missed fewer expunges than this in one
     * mailbox gets an exact VANISHED (EARLIER); at about 30 bytes a row, 30 KB per mailbox at most.
     * A hosting user expunging 50 messages a day stays exact for about three weeks per mailbox.
     */
    public static final int DEFAULT_KEEP = 1_000;
    /** Default time between passes: growth in between is small next to the cap. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(30);
    /** First pass this long after start, so that it does not add to the start-up work. */
    static final long FIRST_PASS_DELAY_MS = 60_000;
    /** Tombstones deleted per transaction. */
    public static final int BATCH = 500;
    /** Mailboxes pruned per pass (the rest wait for the next pass). */
    static final int MAILBOXES_PER_PASS = 1_000;
    /** Transactions per mailbox and pass (BATCH x this = 500,000 rows). */
    static final int MAX_BATCHES_PER_MAILBOX = 1_000;
    /** Pause between two transactions: other writers get the writer in between. */
    static final long PAUSE_MS = 10;
    /** How long close() waits for a batch in progress. */
    static final long CLOSE_WAIT_MS = 10_000;

    private final MailStore mail;
    private final int keep;
    private final long intervalMs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Thread thread;
    private volatile boolean closing;

    private TombstonePruner(MailStore mail, int keep, Duration interval, String name) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative: " + keep);
        }
        this.mail = mail;
        this.keep = keep;
        this.intervalMs = Math.max(1, interval.toMillis());
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
    }

    /** Starts pruning in the background; {@link #close} stops it. */
    public static TombstonePruner start(MailStore mail, int keep, Duration interval, String name) {
        TombstonePruner pruner = new TombstonePruner(mail, keep, interval, name);
        pruner.thread.start();
        return pruner;
    }

    /** One pass over the mailboxes over the cap; returns the tombstones deleted (tests, the CLI). */
    public static long pruneAll(MailStore mail, int keep) {
        return new TombstonePruner(mail, keep, DEFAULT_INTERVAL, "unused").pass();
    }

    private long pass() {
        long deleted = 0;
        List<Long> mailboxes = mail.mailboxesOverTombstoneCap(keep, MAILBOXES_PER_PASS);
        for (long mailboxId : mailboxes) {
            for (int batch = 0; batch < MAX_BATCHES_PER_MAILBOX && !closing; batch++) {
                int n = mail.pruneTombstones(mailboxId, keep, BATCH);
                deleted += n;
                if (n < BATCH) {
                    break;
                }
                pause(PAUSE_MS);
            }
        }
        return deleted;
    }

    private void loop() {
        pause(Math.min(FIRST_PASS_DELAY_MS, intervalMs));
        while (!closing) {
            try {
                long deleted = pass();
                if (deleted > 0) {
                    log.info("pruned {} expunge tombstones (keeping {} per mailbox)", deleted, keep);
                }
            } catch (RuntimeException e) {
                log.warn("tombstone pruning failed, retrying in {} ms: {}", intervalMs, e.toString());
            }
            pause(intervalMs);
        }
    }

    private void pause(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!closing && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops after the transaction in progress (waits for it at most {@link #CLOSE_WAIT_MS}). */
    @Override
    public void close() {
        closing = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
