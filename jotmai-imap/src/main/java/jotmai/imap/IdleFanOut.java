package jotmai.imap;

import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.ChangeBus;
import jotmai.store.Changes;

/**
 * Delivers new-message announcements to the sessions IDLE on one mailbox without waking each of them
 * (issue 4: EXISTS to 1,000 idlers of a mailbox within 200 ms of a delivery, p99).
 *
 * <p>One bus subscription per mailbox with idlers (a {@link Room}). A ring starts one pass on a virtual
 * thread: it takes one {@code changesSince} result (shared through {@link SharedChanges}) and, for each
 * idler whose view takes it without judgement — only new messages, no withheld expunge, no new keyword,
 * same MODSEQ — adds the UIDs to that session's view and writes its {@code * n EXISTS} (and
 * {@code * n RECENT} for IMAP4rev1) itself ({@link ChangeSync#applyNewOnly}). Every other idler is woken
 * as before and runs the full {@link ChangeSync} on its own thread: flag changes, expunges, keywords,
 * private \Seen, and one idler per delivery so that the \Recent claim (RFC 3501 §2.3.2) stays with
 * exactly one session through {@link SharedChanges#claimRecent}.
 *
 * <p>Implementation notes (a deliberate exception to "only the session thread writes", STYLE.md §3.1
 * principle 3, because a thread wake-up per idler was most of the fan-out time):
 * <ul>
 *   <li>Each idler's {@link Waiter#lock} is held by its session thread at all times except while that
 *       thread is parked waiting for IDLE input. The pass only {@code tryLock}s: a session that is
 *       awake (DONE just arrived, a previous wake-up running) is woken instead, never waited for. So
 *       one writer at a time per connection, and the lock orders the view and output buffer between
 *       the two threads. RFC 9051 §7.4.1 is kept: during IDLE no command is in progress, and the fast
 *       path never writes EXPUNGE at all.</li>
 *   <li>The written lines are a few dozen bytes, far below a socket send buffer, and each IDLE gets at
 *       most {@link #MAX_FAST_BYTES_PER_IDLE} of them; beyond that the session writes for itself. A
 *       client that stops reading could still block a write when its buffer is already full: a
 *       watchdog then wakes the room's other idlers the ordinary way after {@link #STALL_MILLIS},
 *       so one such client only delays the others once, and later passes wake them until it is done.</li>
 *   <li>No store lock or transaction is held while writing: the changes are read first.</li>
 * </ul>
 */
final class IdleFanOut implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdleFanOut.class);

    /** Bytes the fan-out may write to one IDLE command's client; afterwards its session writes itself. */
    static final int MAX_FAST_BYTES_PER_IDLE = 2_048;
    /** A write that has not returned after this long is treated as a stalled client (see class notes). */
    static final long STALL_MILLIS = 250;
    /** Threads serving one pass at most: socket writes cost kernel time on every core alike. */
    static final int PARALLELISM = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Idlers per thread at least: below this one thread serves them all. */
    static final int MIN_SLICE = 64;
    private static final Slice[] NO_SLICES = new Slice[0];

    private final ChangeBus bus;
    private final SharedChanges shared;
    private final Map<Long, Room> rooms = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "imap-idle-watchdog");
        t.setDaemon(true);
        return t;
    });

    IdleFanOut(ChangeBus bus, SharedChanges shared) {
        this.bus = bus;
        this.shared = shared;
    }

    /**
     * One session's stay in IDLE on its selected mailbox. Created and locked by the session thread;
     * {@link #park()} before waiting for input, {@link #unpark()} when woken, {@link #leave()} at the end.
     */
    final class Waiter {
        final ReentrantLock lock = new ReentrantLock();
        private final MailboxView view;
        private final ChangeSync sync;
        private final SessionContext ctx;
        private final LongConsumer wake;
        private final Room room;
        /** Written under {@link #lock} only. */
        private boolean active = true;
        private int fastBytes;

        private Waiter(MailboxView view, ChangeSync sync, SessionContext ctx, LongConsumer wake, Room room) {
            this.view = view;
            this.sync = sync;
            this.ctx = ctx;
            this.wake = wake;
            this.room = room;
        }

        /** Hands the view and the output to the fan-out while the session thread waits. */
        void park() {
            lock.unlock();
        }

        /** Takes them back (waits for a fan-out write to this client that is under way). */
        void unpark() {
            lock.lock();
        }

        /** Ends this IDLE: no more fan-out writes. Called by the session thread holding the lock. */
        void leave() {
            active = false;
            rooms.computeIfPresent(room.mailboxId, (id, r) -> {
                r.waiters.remove(this);
                if (r.waiters.isEmpty()) {
                    r.subscription.close();
                    return null;
                }
                return r;
            });
            lock.unlock();
        }
    }

    /** Registers a session entering IDLE; the returned waiter's lock is held by the caller. */
    Waiter enter(MailboxView view, ChangeSync sync, SessionContext ctx, LongConsumer wake) {
        Waiter[] made = new Waiter[1];
        rooms.compute(view.mailboxId, (id, r) -> {
            Room room = r != null ? r : new Room(id);
            made[0] = new Waiter(view, sync, ctx, wake, room);
            made[0].lock.lock();
            room.waiters.add(made[0]);
            return room;
        });
        return made[0];
    }

    /** The single-flight reads and \Recent claims that woken idlers share. */
    SharedChanges shared() {
        return shared;
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** The idlers of one mailbox and the pass that serves its rings. */
    private final class Room {
        final long mailboxId;
        final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
        final ChangeBus.Subscription subscription;
        /** Rings not yet covered by a finished pass; a pass runs while this is above zero. */
        private final AtomicInteger pending = new AtomicInteger();
        private volatile long lastRing;
        /** The slices of the pass under way, read by the watchdog. */
        private volatile Slice[] current = NO_SLICES;
        /** A write stalled: until the pass ends, its other idlers and new rings take the ordinary way. */
        private volatile boolean stalled;

        Room(long mailboxId) {
            this.mailboxId = mailboxId;
            this.subscription = bus.subscribe(mailboxId, this::ring);
        }

        /**
         * Bus listener: records the ring and starts a pass if none runs (never writes here). While a
         * pass is stuck in a stalled write, the idlers are woken the ordinary way instead.
         */
        private void ring() {
            long now = System.nanoTime();
            lastRing = now;
            if (stalled) {
                wakeAll(now);
                return;
            }
            if (pending.getAndIncrement() == 0) {
                Thread.ofVirtual().name("imap-idle-fanout-" + mailboxId).start(this::drain);
            }
        }

        private void drain() {
            int seen;
            do {
                seen = pending.get();
                long rung = lastRing;
                try {
                    pass(rung);
                } catch (RuntimeException e) {
                    log.warn("IDLE fan-out of mailbox {} failed; waking its sessions", mailboxId, e);
                    wakeAll(rung);
                }
            } while (pending.addAndGet(-seen) != 0);
        }

        private void wakeAll(long rung) {
            for (Waiter w : waiters) {
                w.wake.accept(rung);
            }
        }

        /**
         * One pass: the idlers are split into up to {@link #PARALLELISM} slices served at once, since most
         * of the time per idler is the kernel's work for one socket write (on loopback, the receiver's
         * side too), which one thread would do for all of them in turn.
         */
        private void pass(long rung) {
            if (stalled) {
                wakeAll(rung);
                return;
            }
            Waiter[] all = waiters.toArray(Waiter[]::new);
            int parts = Math.max(1, Math.min(PARALLELISM, all.length / MIN_SLICE));
            Slice[] slices = new Slice[parts];
            for (int i = 0; i < parts; i++) {
                slices[i] = new Slice(all, i * all.length / parts, (i + 1) * all.length / parts);
            }
            current = slices;
            AtomicBoolean claimerWoken = new AtomicBoolean();
            ScheduledFuture<?> guard = watchdog.scheduleWithFixedDelay(this::checkStall, STALL_MILLIS / 2,
                    STALL_MILLIS / 2, TimeUnit.MILLISECONDS);
            try {
                Thread[] helpers = new Thread[parts - 1];
                for (int i = 1; i < parts; i++) {
                    Slice slice = slices[i];
                    helpers[i - 1] = Thread.ofVirtual().name("imap-idle-fanout-" + mailboxId)
                            .start(() -> serve(slice, rung, claimerWoken));
                }
                serve(slices[0], rung, claimerWoken);
                for (Thread t : helpers) {
                    joinUninterruptibly(t);
                }
            } finally {
                guard.cancel(false);
                current = NO_SLICES;
                stalled = false; // every write of the pass has returned
            }
        }

        private void serve(Slice slice, long rung, AtomicBoolean claimerWoken) {
            int i = slice.from;
            try {
                for (; i < slice.to; i++) {
                    serve(slice, slice.all[i], rung, claimerWoken);
                }
            } catch (RuntimeException e) {
                log.warn("IDLE fan-out of mailbox {} failed; waking its sessions", mailboxId, e);
                for (; i < slice.to; i++) {
                    slice.all[i].wake.accept(rung);
                }
            }
        }

        private void serve(Slice slice, Waiter w, long rung, AtomicBoolean claimerWoken) {
            if (stalled || !w.lock.tryLock()) {
                w.wake.accept(rung); // awake or being served: it pulls for itself
                return;
            }
            try {
                if (!w.active) {
                    return;
                }
                if (!w.view.readOnly && !claimerWoken.get() && claimerWoken.compareAndSet(false, true)) {
                    // RFC 3501 §2.3.2: the claim stays on the ordinary path of one session
                    w.wake.accept(rung);
                    return;
                }
                if (w.fastBytes >= MAX_FAST_BYTES_PER_IDLE || !ChangeSync.mayApplyNewOnly(w.view)) {
                    w.wake.accept(rung);
                    return;
                }
                // single flight: the first idler's query (started after the ring) serves all of them
                Changes changes = shared.changesSince(mailboxId, w.view.modSeq, rung).changes();
                write(slice, w, changes, rung);
            } finally {
                w.lock.unlock();
            }
        }

        private void write(Slice slice, Waiter w, Changes changes, long rung) {
            slice.writeStarted = System.nanoTime();
            try {
                int bytes = w.sync.applyNewOnly(w.view, changes);
                if (bytes < 0) {
                    w.wake.accept(rung); // not only new messages, or a new keyword (FLAGS first): the full path
                    return;
                }
                w.fastBytes += bytes;
                if (bytes > 0) {
                    w.ctx.out.flush();
                }
            } catch (UncheckedIOException e) {
                w.fastBytes = MAX_FAST_BYTES_PER_IDLE; // its session meets the error itself
                w.wake.accept(rung);
            } finally {
                slice.writeStarted = 0;
            }
        }

        /** Watchdog: a pass is stuck in one client's write; the others must not wait for it. */
        private void checkStall() {
            long now = System.nanoTime();
            for (Slice slice : current) {
                long started = slice.writeStarted;
                if (!stalled && started != 0 && now - started >= TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
                    stalled = true;
                    log.info("IDLE fan-out of mailbox {}: a client does not read; waking the others", mailboxId);
                    wakeAll(lastRing);
                }
            }
        }
    }

    /** A part of one pass's idlers, served by one thread; {@code writeStarted} is read by the watchdog. */
    private static final class Slice {
        final Waiter[] all;
        final int from;
        final int to;
        volatile long writeStarted;

        Slice(Waiter[] all, int from, int to) {
            this.all = all;
            this.from = from;
            this.to = to;
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
