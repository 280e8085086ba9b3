package jotmai.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.ChangeBus;
import jotmai.store.StoreException;

/**
 * The only thread that writes to SQLite: a platform thread (so the JNI calls pin no virtual-thread
 * carrier) that batches queued write tasks into one transaction, plus a second platform thread that
 * fsyncs the WAL for them.
 *
 * <p>Group commit: the writer takes one task, then drains whatever else is queued (up to
 * {@link #MAX_BATCH}), runs each task inside its own SAVEPOINT (a failing task is rolled back alone
 * and fails only its own caller) and commits once, with {@code synchronous=NORMAL} (no fsync in the
 * commit). A durable task ({@link #write}) is then handed to the syncer, which fsyncs the WAL file and
 * only after that completes the caller's future and rings the change bus. So a caller learns of
 * success only when its change is on stable storage, and N concurrent appends share one fsync.
 *
 * <p>Pipelining (issue 4, persistent-session throughput): the writer does not wait for the fsync. While
 * the syncer flushes batch N, the writer already runs batch N+1, so a flag change, a \Recent claim or a
 * read-your-write no longer queues behind another session's fsync (~10 ms on the shared VM's disk). The
 * syncer takes every durable task committed before its fsync started; tasks committed during the
 * fsync go into the next one. An fsync of the file covers the frames written through SQLite's own
 * descriptor (fsync works on the file). The WAL is append-only and recovery keeps the longest valid
 * prefix of commits; SQLite's own checkpoints fsync the WAL before copying it into the database, and
 * the WAL is reset only after a complete checkpoint, so a frame is never lost once it was fsynced.
 * What changes compared to a {@code synchronous=FULL} commit: other sessions can read a durable
 * task's change during its fsync (before its caller is answered); after a power loss in that window
 * (not after a process crash: the frames are in the page cache) a message another session already
 * listed may be gone; {@link RunMarker} then moves UIDNEXT and HIGHESTMODSEQ ahead at the next start,
 * so that its UID and MODSEQ are not handed out again.
 *
 * <p>Relaxed durability ({@link #writeRelaxed}): flag-only changes (STORE, \Recent claims, derived
 * data) are acknowledged once committed and visible, as Dovecot does by default (its index updates
 * are not fsynced). The syncer fsyncs them within {@link #RELAXED_SYNC_DELAY_MS}, or with the next
 * durable task, whichever comes first, so a power loss can undo only the most recent relaxed
 * changes, never an acknowledged durable one.
 *
 * <p>Checkpoints: SQLite's automatic checkpoint runs inside the COMMIT that crosses 1000 WAL pages and
 * fsyncs the WAL and the database file there, stalling every queued write (hundreds of milliseconds
 * on a busy disk; with 17 KB messages that was about once a second under imaptest). The writer turns
 * it off; a third thread runs {@code wal_checkpoint(PASSIVE)} on its own connection at most every
 * {@link #CHECKPOINT_INTERVAL_MS} while commits keep coming. PASSIVE never blocks the writer or the
 * readers; it fsyncs the WAL before copying it, and SQLite restarts the WAL only after a checkpoint
 * copied all of it, so the ordering argument above still holds.
 *
 * <p>Bounding the WAL: SQLite writes from the start of the WAL again only when a write transaction
 * begins after a complete checkpoint while no reader still uses a snapshot that includes WAL frames
 * (sqlite.org wal.html, "Avoiding Excessively Large WAL Files", and "checkpoint starvation"). With
 * busy readers back to back that instant rarely comes, and under 10 persistent imaptest sessions the
 * WAL grew to a gigabyte. So when a PASSIVE round reports more than {@code walRestartAboveBytes} of
 * frames in the WAL, the thread runs {@code wal_checkpoint(RESTART)}: it takes the write lock
 * (the writer's next BEGIN IMMEDIATE waits in its busy handler), copies the few frames committed since
 * the PASSIVE round, and then waits, with a busy timeout of only {@link #RESTART_BUSY_TIMEOUT_MS}, for
 * the readers of older snapshots to finish their current short transaction; new readers then read the
 * database file only. If they do not finish in time SQLite gives up (the write lock is released, the
 * result says busy) and the next round tries again. Durability is unchanged: RESTART is a checkpoint
 * like PASSIVE (this connection is {@code synchronous=FULL}: the WAL is fsynced before its frames are
 * copied, the database file after), and the WAL is overwritten only after all of it is in the fsynced
 * database file, so no acknowledged (fsynced) frame is ever lost.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Most tasks committed together; bounds the latency a batch adds to its first task. */
    static final int MAX_BATCH = 256;
    /** Queued tasks beyond this make callers wait (back pressure instead of unbounded memory). */
    static final int MAX_QUEUED = 4_096;
    /** Longest time a relaxed (flag-only) commit stays without fsync when no durable task comes. */
    static final long RELAXED_SYNC_DELAY_MS = 50;
    /** Least time between two checkpoints (see the class comment). */
    static final long CHECKPOINT_INTERVAL_MS = 500;
    /**
     * WAL content (frames not yet overwritten) above which the checkpoint thread restarts the WAL; half
     * of {@code journal_size_limit}, so that under steady load the file stays at that limit.
     */
    static final long WAL_RESTART_ABOVE_BYTES = Database.WAL_SIZE_LIMIT_BYTES / 2;
    /**
     * How long a RESTART checkpoint waits (SQLite busy handler) for the writer and for readers of old
     * snapshots; the writer waits for the checkpoint meanwhile, so this bounds its stall.
     */
    static final int RESTART_BUSY_TIMEOUT_MS = 20;
    /**
     * Most WAL bytes the last PASSIVE round may leave uncopied before a RESTART (which copies and fsyncs
     * them, and what was committed since, while the writer waits); above, the checkpoint thread runs
     * PASSIVE again first, at most {@link #MAX_PASSIVE_BEFORE_RESTART} times in a round. Zero: in
     * WalBoundTest the writer's longest wait was 10-34 ms with 0 against 19-67 ms with 1 MB.
     */
    static final long RESTART_MAX_UNCOPIED_BYTES = 0;
    static final int MAX_PASSIVE_BEFORE_RESTART = 3;
    /** Bytes a WAL frame adds to its page (SQLite WAL format: a 24-byte frame header). */
    static final int WAL_FRAME_HEADER_BYTES = 24;
    /** How long the idle writer waits for work before it checks whether it is closing. */
    static final long IDLE_POLL_MS = 50;

    @FunctionalInterface
    interface WriteWork<T> {
        T run(Tx tx) throws SQLException;
    }

    private record Task<T>(WriteWork<T> work, CompletableFuture<T> done, boolean relaxed) {}

    /** A committed durable task waiting for the syncer's fsync. */
    private record Committed(Task<?> task, Outcome outcome) {}

    private final Connection c;
    private final Path wal;
    private final ChangeBus bus;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private final Thread syncer;
    private final Connection checkpointConnection; // null: SQLite's automatic checkpoints
    private final Thread checkpointer;
    private final Semaphore checkpointWanted = new Semaphore(0);
    private final long walRestartAboveBytes;
    private volatile boolean closing;
    /** Told of every committed task, right after its batch's COMMIT and before any caller is answered. */
    private volatile java.util.function.Consumer<Tx> committedHook = tx -> { };
    // guarded by syncLock: committed durable tasks not yet fsynced, since when (epoch ms) relaxed
    // commits are not fsynced (0 = none), and whether the writer thread has ended
    private final Object syncLock = new Object();
    private final List<Committed> awaitingSync = new ArrayList<>();
    private long unsyncedSince;
    private boolean writerDone;
    // statistics, written by the writer (batches...) or syncer (walSyncs) thread only, logged at close
    private long batches;
    private long tasks;
    private long workNanos;
    private long commitNanos;
    private long relaxedBatches;
    private volatile long longestBeginNanos;
    private volatile long walSyncs;
    private volatile long checkpoints;
    // written by the checkpoint thread only: RESTART checkpoints that reset the WAL / gave up (busy),
    // and the longest one (the writer may have waited that long)
    private volatile long walRestarts;
    private volatile long walRestartsBusy;
    private volatile long longestRestartNanos;
    // commits counted by the writer; the syncer publishes how many of them its last fsync covered
    private volatile long committedBatches;
    private volatile long syncedBatches;

    /**
     * @param writer   the writer connection, in WAL mode (set to {@code synchronous=NORMAL} here)
     * @param checkpoints a connection for checkpoints on a thread of their own, or null to leave them
     *                    to SQLite's automatic checkpoint inside the writer's commits
     * @param database the database file; its {@code -wal} companion is what the syncer fsyncs
     */
    GroupCommitWriter(Connection writer, Connection checkpoints, Path database, ChangeBus bus) {
        this(writer, checkpoints, database, bus, WAL_RESTART_ABOVE_BYTES);
    }

    /** As above, with the WAL content above which checkpoints restart the WAL (tests use a small one). */
    GroupCommitWriter(Connection writer, Connection checkpoints, Path database, ChangeBus bus,
                      long walRestartAboveBytes) {
        this.walRestartAboveBytes = walRestartAboveBytes;
        this.c = writer;
        this.checkpointConnection = checkpoints;
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
        this.bus = bus;
        this.thread = Thread.ofPlatform().name("jotmai-sqlite-writer").daemon(true).unstarted(this::loop);
        this.syncer = Thread.ofPlatform().name("jotmai-sqlite-wal-sync").daemon(true).unstarted(this::syncLoop);
        this.checkpointer = checkpoints == null ? null : Thread.ofPlatform().name("jotmai-sqlite-checkpoint")
                .daemon(true).unstarted(this::checkpointLoop);
        syncer.start();
        if (checkpointer != null) {
            checkpointer.start();
        }
        thread.start();
    }

    /**
     * Sets what hears of each committed task (its rings, its purged blobs), on the writer thread right
     * after the COMMIT, before any caller of that batch is answered ({@link MailboxVersions},
     * {@link BlobCache}). Must be quick and must not write.
     */
    void onCommit(java.util.function.Consumer<Tx> hook) {
        this.committedHook = hook;
    }

    /** Queues the work, waits until its transaction is committed (durable) and returns its result. */
    <T> T write(WriteWork<T> work) {
        return submit(work, false);
    }

    /**
     * Like {@link #write}, but the caller may be answered once the change is committed and visible,
     * before it is on stable storage (at most {@link #RELAXED_SYNC_DELAY_MS} later, or at the next
     * durable commit). Only for changes a crash may undo without losing mail: flags, \Recent.
     */
    <T> T writeRelaxed(WriteWork<T> work) {
        return submit(work, true);
    }

    private <T> T submit(WriteWork<T> work, boolean relaxed) {
        if (closing) {
            throw new StoreException.Unavailable("store is closing", null);
        }
        if (Thread.currentThread() == thread || Thread.currentThread() == syncer) {
            // a change listener (run on this thread after commit) tried to write: it would wait forever
            throw new IllegalStateException("store writes from a change listener would deadlock; only enqueue there");
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>(), relaxed);
        try {
            queue.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted before the write was queued", e);
        }
        if (!thread.isAlive() && queue.remove(task)) {
            // closed between the check above and put(): nobody will run it
            throw new StoreException.Unavailable("store is closed", null);
        }
        try {
            // join() is not interruptible on purpose: once queued, the write may commit, and the
            // caller must not report failure for a change that is in fact durable.
            return task.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException.Unavailable("write failed", e.getCause());
        }
    }

    private void loop() {
        try {
            setNormalSync();
            List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
            while (true) {
                Task<?> first;
                try {
                    first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    first = null;
                }
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.clear();
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                try {
                    runBatch(batch);
                } catch (Throwable t) { // an Error must not kill the only writer and leave callers waiting
                    log.error("writer failed on a batch of {}", batch.size(), t);
                    for (Task<?> task : batch) {
                        task.done().completeExceptionally(new StoreException.Unavailable("write failed", t));
                    }
                    try (Statement s = c.createStatement()) {
                        rollbackQuietly(s);
                    } catch (SQLException | RuntimeException ignored) {
                        // nothing more to do
                    }
                }
            }
        } finally {
            synchronized (syncLock) {
                writerDone = true;
                syncLock.notifyAll();
            }
        }
    }

    /** Commits no longer fsync by themselves: the syncer does (see the class comment). */
    private void setNormalSync() {
        try (Statement s = c.createStatement()) {
            if (checkpointConnection != null) {
                s.execute("PRAGMA wal_autocheckpoint = 0"); // the checkpoint thread does it
            }
            s.execute("PRAGMA synchronous = NORMAL");
        } catch (SQLException e) {
            // still FULL: every commit fsyncs by itself, slower but just as durable
            log.warn("cannot set synchronous=NORMAL on the writer; commits stay synchronous=FULL", e);
        }
    }

    private record Outcome(Object value, Throwable failure, Tx tx) {}

    private void runBatch(List<Task<?>> batch) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        long now = System.currentTimeMillis();
        try (Statement s = c.createStatement()) {
            long t0 = System.nanoTime();
            execute("BEGIN IMMEDIATE"); // cached: no SQL compile per batch
            // waits here (busy handler) while a WAL restart holds the write lock: its stall, for the log
            longestBeginNanos = Math.max(longestBeginNanos, System.nanoTime() - t0);
            try {
                for (Task<?> task : batch) {
                    outcomes.add(runOne(task, now));
                }
                long t1 = System.nanoTime();
                execute("COMMIT");
                commitNanos += System.nanoTime() - t1;
                workNanos += t1 - t0;
                batches++;
                tasks += batch.size();
                committedBatches++; // only this thread writes it
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(s);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            log.error("group commit of {} writes failed", batch.size(), e);
            StoreException failure = e instanceof SQLException sql
                    ? Database.unavailable("commit failed", sql)
                    : new StoreException.Unavailable("commit failed", e);
            for (Task<?> task : batch) {
                task.done().completeExceptionally(failure);
            }
            return;
        }
        java.util.function.Consumer<Tx> hook = committedHook;
        for (Outcome o : outcomes) {
            if (o.failure() == null) {
                hook.accept(o.tx());
            }
        }
        List<Committed> durable = new ArrayList<>();
        boolean relaxed = false;
        for (int i = 0; i < batch.size(); i++) {
            Task<?> task = batch.get(i);
            Outcome o = outcomes.get(i);
            if (o.failure() == null && !task.relaxed()) {
                durable.add(new Committed(task, o));
                continue;
            }
            // relaxed or rolled back: nothing to wait for
            complete(task, o);
            if (o.failure() == null) {
                relaxed = true;
                afterCommit(o.tx());
            }
        }
        if (!relaxed && durable.isEmpty()) {
            return;
        }
        synchronized (syncLock) {
            awaitingSync.addAll(durable);
            if (relaxed && unsyncedSince == 0) {
                unsyncedSince = now;
            }
            syncLock.notifyAll();
        }
        if (durable.isEmpty()) {
            relaxedBatches++;
        }
    }

    private Outcome runOne(Task<?> task, long now) throws SQLException {
        Tx tx = new Tx(c, now);
        execute("SAVEPOINT task");
        try {
            Object value = task.work().run(tx);
            execute("RELEASE task");
            return new Outcome(value, null, tx);
        } catch (SQLException | RuntimeException e) {
            execute("ROLLBACK TO task");
            execute("RELEASE task");
            Throwable failure = e instanceof SQLException sql ? Database.unavailable("write failed", sql) : e;
            if (!(failure instanceof StoreException)) {
                log.error("write task failed", e);
            }
            return new Outcome(null, failure, tx);
        }
    }

    /** Runs a fixed statement through the writer's statement cache (no SQL compile per task). */
    private void execute(String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Outcome o) {
        if (o.failure() != null) {
            task.done().completeExceptionally(o.failure());
        } else {
            task.done().complete((T) o.value());
        }
    }

    private void afterCommit(Tx tx) {
        for (Runnable action : tx.afterCommitActions()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("after-commit action failed", e);
            }
        }
        for (long mailboxId : tx.rings()) {
            bus.ring(mailboxId);
        }
    }

    /**
     * The syncer thread: waits until a durable task is committed (or a relaxed commit is
     * {@link #RELAXED_SYNC_DELAY_MS} old), takes everything committed so far, fsyncs the WAL once for
     * all of it, then answers the durable callers and rings the bus for their changes.
     */
    private void syncLoop() {
        while (true) {
            List<Committed> done;
            synchronized (syncLock) {
                while (true) {
                    if (!awaitingSync.isEmpty()) {
                        break;
                    }
                    long waitMs = IDLE_POLL_MS;
                    if (unsyncedSince != 0) {
                        long age = System.currentTimeMillis() - unsyncedSince;
                        if (age >= RELAXED_SYNC_DELAY_MS || writerDone) {
                            break;
                        }
                        waitMs = RELAXED_SYNC_DELAY_MS - age;
                    } else if (writerDone) {
                        return;
                    }
                    try {
                        syncLock.wait(Math.max(1, waitMs));
                    } catch (InterruptedException e) {
                        // only close() ends this thread, through writerDone
                    }
                }
                done = new ArrayList<>(awaitingSync);
                awaitingSync.clear();
                unsyncedSince = 0;
            }
            long covered = committedBatches; // every one of these finished its COMMIT before the fsync
            Throwable failure = syncWal();
            if (failure == null) {
                syncedBatches = covered;
            }
            if (failure != null) {
                synchronized (syncLock) {
                    if (unsyncedSince == 0) {
                        unsyncedSince = 1; // retry at the next round; relaxed frames stay unsynced
                    }
                }
                try {
                    Thread.sleep(RELAXED_SYNC_DELAY_MS); // no busy loop on a failing disk
                } catch (InterruptedException e) {
                    // keep going: close() ends this thread through writerDone
                }
            }
            if (checkpointer != null && checkpointWanted.availablePermits() == 0) {
                checkpointWanted.release(); // commits happened: the checkpoint thread may copy them
            }
            for (Committed d : done) {
                if (failure == null) {
                    complete(d.task(), d.outcome());
                    afterCommit(d.outcome().tx());
                } else {
                    // committed and visible, but not known to be on stable storage: the caller must not
                    // be told it is acknowledged
                    d.task().done().completeExceptionally(
                            new StoreException.Unavailable("the write could not be made durable", failure));
                }
            }
        }
    }

    /**
     * The checkpoint thread: after commits were synced, copies the WAL into the database file, at most
     * every {@link #CHECKPOINT_INTERVAL_MS}; ends after the writer and the syncer.
     */
    private void checkpointLoop() {
        long frameBytes = walFrameBytes();
        long last = 0;
        while (syncer.isAlive() || checkpointWanted.availablePermits() > 0) {
            try {
                if (!checkpointWanted.tryAcquire(IDLE_POLL_MS, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long wait = last + CHECKPOINT_INTERVAL_MS - System.currentTimeMillis();
                if (wait > 0 && syncer.isAlive()) {
                    checkpointWanted.release(); // not yet: keep the request, look again shortly
                    Thread.sleep(Math.min(wait, IDLE_POLL_MS));
                    continue;
                }
                checkpointWanted.drainPermits();
                try (Statement s = checkpointConnection.createStatement()) {
                    long[] r = checkpointResult(s, "PASSIVE");
                    checkpoints++;
                    if (r[1] * frameBytes > walRestartAboveBytes) {
                        // copy what came meanwhile without the write lock first, so that the RESTART (which
                        // holds it) has only a batch or two left to copy and fsync
                        for (int i = 1; i < MAX_PASSIVE_BEFORE_RESTART
                                && (r[1] - r[2]) * frameBytes > RESTART_MAX_UNCOPIED_BYTES; i++) {
                            r = checkpointResult(s, "PASSIVE");
                            checkpoints++;
                        }
                        if ((r[1] - r[2]) * frameBytes <= RESTART_MAX_UNCOPIED_BYTES) {
                            restartWal(s);
                        } else {
                            walRestartsBusy++; // the writer keeps ahead: the next round tries again
                        }
                    }
                } catch (SQLException e) {
                    // BUSY when another process checkpoints; the next round tries again
                    log.debug("checkpoint failed: {}", e.getMessage());
                }
                last = System.currentTimeMillis();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Runs {@code wal_checkpoint(mode)}; returns what it reports (sqlite.org
     * pragma.html#pragma_wal_checkpoint): busy flag (1 = could not complete), frames in the WAL,
     * frames of it copied into the database file.
     */
    private static long[] checkpointResult(Statement s, String mode) throws SQLException {
        try (java.sql.ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            if (!rs.next()) {
                return new long[] {1, 0, 0};
            }
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    /**
     * A RESTART checkpoint with a short busy timeout (see the class comment): bounded wait for the
     * writer and the readers of old snapshots; gives up (busy) rather than stall the writer.
     */
    private void restartWal(Statement s) throws SQLException {
        long t0 = System.nanoTime();
        long[] r = checkpointResult(s, "RESTART");
        long took = System.nanoTime() - t0;
        longestRestartNanos = Math.max(longestRestartNanos, took);
        if (r[0] == 0) {
            walRestarts++;
        } else {
            walRestartsBusy++;
            log.debug("WAL restart gave up after {} µs: readers or the writer busy", took / 1000);
        }
    }

    /** Bytes per WAL frame; sets this connection's short busy timeout (it only checkpoints). */
    private long walFrameBytes() {
        try (Statement s = checkpointConnection.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + RESTART_BUSY_TIMEOUT_MS);
            try (java.sql.ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                return (rs.next() ? rs.getLong(1) : 4096) + WAL_FRAME_HEADER_BYTES;
            }
        } catch (SQLException e) {
            log.warn("cannot prepare the checkpoint connection; WAL restarts may wait up to its busy timeout", e);
            return 4096 + WAL_FRAME_HEADER_BYTES;
        }
    }

    /** fsyncs the WAL file; null when that worked, else the failure (logged). */
    private Throwable syncWal() {
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
            ch.force(false);
            walSyncs++;
            return null;
        } catch (IOException | RuntimeException e) {
            log.error("fsync of {} failed", wal, e);
            return e;
        }
    }

    /** Batches committed so far (for tests: compare with {@link #syncedBatches}). */
    long committedBatches() {
        return committedBatches;
    }

    /** How many of the first committed batches are known to be on stable storage. */
    long syncedBatches() {
        return syncedBatches;
    }

    /** Whether committed writes are still waiting for their fsync (for tests and monitoring). */
    boolean hasUnsyncedCommits() {
        synchronized (syncLock) {
            return unsyncedSince != 0 || !awaitingSync.isEmpty();
        }
    }

    private static void rollbackQuietly(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the transaction may already be gone; nothing else to do
        }
    }

    /** Finishes queued writes and their fsync, then stops both threads. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(30_000);
            syncer.join(30_000);
            if (checkpointer != null) {
                checkpointer.join(30_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (batches > 0) {
            log.info("writer: {} writes in {} group commits (avg {} per commit, {} relaxed-only, {} WAL syncs, "
                    + "{} checkpoints, {} WAL restarts, {} gave up, longest {} ms; longest BEGIN {} ms), avg work {} µs, "
                    + "avg commit {} µs",
                    tasks, batches, String.format("%.1f", (double) tasks / batches), relaxedBatches, walSyncs,
                    checkpoints, walRestarts, walRestartsBusy, longestRestartNanos / 1_000_000,
                    longestBeginNanos / 1_000_000,
                    workNanos / batches / 1000, commitNanos / batches / 1000);
        }
    }
}
