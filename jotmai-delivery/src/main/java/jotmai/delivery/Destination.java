package jotmai.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Work waiting for one destination domain, and the count of connection workers serving it.
 *
 * <p>Why: mail submitted one message at a time arrives at the runner one message at a time; handing
 * each its own connection (connect, EHLO, QUIT) made a single busy destination the slow case. Here a
 * worker keeps its connection and takes the next message for the same destination, and stays a short
 * while for more when the queue is empty (as Postfix's on-demand connection cache does), so a steady
 * stream to one domain flows over at most {@code maxWorkers} long-lived connections.
 *
 * <p>Invariants (all under {@code lock}): {@code workers} counts started workers that have not yet been
 * told to stop; a worker is told to stop only when nothing is pending, in the same critical section
 * that decrements the count, so added work is never left without a worker.
 *
 * @param <W> one unit of work (one message's recipients in this domain)
 */
final class Destination<W> {

    /** What a worker got: the work, and whether it had to wait for it (the connection sat idle). */
    record Taken<W>(W work, boolean afterWait) {}

    /** How often an idle worker checks whether it should give its connection up early. */
    private static final long IDLE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<W> pending = new ArrayDeque<>();
    private int workers;
    private int idle;

    /**
     * Waiting items per worker (idle or busy) above which another connection is opened. Why: starting
     * a worker for every item that found all workers busy opened a connection per message under a
     * steady stream (each item is usually taken within milliseconds by a worker finishing its current
     * one), and with many destinations those extra connections exhausted the overall permits, which
     * made idle connections close early: connection churn instead of reuse.
     */
    static final int BACKLOG_PER_WORKER = 3;

    /**
     * Queues the items and returns how many new workers the caller must start: enough that each
     * worker (running or new) carries about {@code perConnection} of the pending items, and one more
     * when the running ones have over {@link #BACKLOG_PER_WORKER} items each waiting (they do not keep
     * up), never more than {@code maxWorkers} in all.
     */
    int add(List<W> items, int maxWorkers, int perConnection) {
        lock.lock();
        try {
            pending.addAll(items);
            arrived.signalAll();
            int wanted = (pending.size() + perConnection - 1) / perConnection - workers;
            if (pending.size() > BACKLOG_PER_WORKER * workers) {
                wanted = Math.max(wanted, 1);
            }
            int start = Math.max(0, Math.min(wanted, maxWorkers - workers));
            workers += start;
            return start;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next item for a worker, or null when the worker must stop (it is then no longer counted).
     * With {@code linger} > 0 (the worker holds an open connection) it waits up to that long for new
     * work, unless {@code giveUp} turns true meanwhile (someone else needs a connection permit, or
     * shutdown).
     */
    Taken<W> next(Duration linger, BooleanSupplier giveUp) throws InterruptedException {
        lock.lock();
        try {
            boolean waited = false;
            if (pending.isEmpty() && !linger.isZero()) {
                long deadline = System.nanoTime() + linger.toNanos();
                idle++;
                try {
                    while (pending.isEmpty() && !giveUp.getAsBoolean()) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        arrived.awaitNanos(Math.min(left, IDLE_CHECK_NANOS));
                        waited = true;
                    }
                } finally {
                    idle--;
                }
            }
            W w = pending.poll();
            if (w == null) {
                workers--;
                return null;
            }
            return new Taken<>(w, waited);
        } finally {
            lock.unlock();
        }
    }

    /** Takes every pending item (the destination failed: they all share the outcome). */
    List<W> drain() {
        lock.lock();
        try {
            List<W> out = new ArrayList<>(pending);
            pending.clear();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** No worker and nothing pending: the entry may be dropped. */
    boolean unused() {
        lock.lock();
        try {
            return workers == 0 && pending.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Workers holding an open connection while they wait for work. */
    int idle() {
        lock.lock();
        try {
            return idle;
        } finally {
            lock.unlock();
        }
    }

    int workers() {
        lock.lock();
        try {
            return workers;
        } finally {
            lock.unlock();
        }
    }
}
