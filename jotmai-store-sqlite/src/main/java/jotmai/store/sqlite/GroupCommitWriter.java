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
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.ChangeBus;
import jotmai.store.StoreException;

/**
 * The only thread that writes to SQLite: a platform thread (so the JNI calls and the fsync pin no
 * virtual-thread carrier) that batches queued write tasks into one transaction and one fsync.
 *
 * <p>Group commit: the thread takes one task, then drains whatever else is queued (up to
 * {@link #MAX_BATCH}), runs each task inside its own SAVEPOINT (a failing task is rolled back alone
 * and fails only its own caller), commits once, and only then completes every caller's future and
 * rings the change bus. So N concurrent appends share one WAL fsync, and a caller learns of success
 * only when its change is on stable storage.
 *
 * <p>Relaxed durability ({@link #writeRelaxed}): flag-only changes (STORE, \Recent claims) may be
 * acknowledged before their WAL frames reach the disk, as Dovecot does by default (its index updates
 * are not fsynced). A batch made only of relaxed tasks commits with {@code synchronous=NORMAL} (no
 * fsync); any batch with an ordinary task commits with {@code synchronous=FULL}, whose fsync of the
 * WAL also covers every earlier relaxed frame. The WAL is append-only and recovery keeps the longest
 * valid prefix, so a crash can lose only the most recent relaxed changes, never a durable one that
 * was acknowledged, and never a relaxed change older than {@link #RELAXED_MAX_DELAY_MS}: the writer
 * fsyncs the WAL itself when it goes idle with unsynced frames, and a batch under steady load is made
 * durable once the oldest unsynced commit is that old.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Most tasks committed together; bounds the latency a batch adds to its first task. */
    static final int MAX_BATCH = 256;
    /** Queued tasks beyond this make callers wait (back pressure instead of unbounded memory). */
    static final int MAX_QUEUED = 4_096;
    /** Longest time a relaxed (flag-only) commit may stay without fsync under steady load. */
    static final long RELAXED_MAX_DELAY_MS = 1_000;
    /** How long the idle writer waits for work before it fsyncs pending relaxed commits. */
    static final long IDLE_POLL_MS = 50;

    @FunctionalInterface
    interface WriteWork<T> {
        T run(Tx tx) throws SQLException;
    }

    private record Task<T>(WriteWork<T> work, CompletableFuture<T> done, boolean relaxed) {}

    private final Connection c;
    private final Path wal;
    private final ChangeBus bus;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private volatile boolean closing;
    // statistics, written by the writer thread only, logged at close
    private long batches;
    private long tasks;
    private long workNanos;
    private long commitNanos;
    private long relaxedBatches;
    private long walSyncs;
    // writer thread only: the connection's current synchronous mode, and since when (epoch ms) WAL
    // frames of relaxed commits are not fsynced (0 = everything committed is on stable storage)
    private boolean fullSync = true;
    private volatile long unsyncedSince; // volatile for hasUnsyncedCommits() only

    /**
     * @param writer   the writer connection, in WAL mode with {@code synchronous=FULL}
     * @param database the database file; its {@code -wal} companion is fsynced after relaxed commits
     */
    GroupCommitWriter(Connection writer, Path database, ChangeBus bus) {
        this.c = writer;
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
        this.bus = bus;
        this.thread = Thread.ofPlatform().name("jotmai-sqlite-writer").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** Queues the work, waits until its transaction is committed (durable) and returns its result. */
    <T> T write(WriteWork<T> work) {
        return submit(work, false);
    }

    /**
     * Like {@link #write}, but the caller may be answered once the change is committed and visible,
     * before it is on stable storage (at most {@link #RELAXED_MAX_DELAY_MS} later, or at the next
     * durable commit). Only for changes a crash may undo without losing mail: flags, \Recent.
     */
    <T> T writeRelaxed(WriteWork<T> work) {
        return submit(work, true);
    }

    private <T> T submit(WriteWork<T> work, boolean relaxed) {
        if (closing) {
            throw new StoreException.Unavailable("store is closing", null);
        }
        if (Thread.currentThread() == thread) {
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
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            Task<?> first;
            try {
                first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                syncWal();
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
    }

    private record Outcome(Object value, Throwable failure, Tx tx) {}

    private void runBatch(List<Task<?>> batch) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        long now = System.currentTimeMillis();
        boolean durable = unsyncedSince > 0 && now - unsyncedSince >= RELAXED_MAX_DELAY_MS;
        for (Task<?> task : batch) {
            durable |= !task.relaxed();
        }
        try (Statement s = c.createStatement()) {
            if (durable != fullSync) {
                // takes effect at this transaction's COMMIT; only legal outside a transaction
                s.execute(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
                fullSync = durable;
            }
            long t0 = System.nanoTime();
            s.execute("BEGIN IMMEDIATE");
            try {
                for (Task<?> task : batch) {
                    outcomes.add(runOne(task, now));
                }
                long t1 = System.nanoTime();
                s.execute("COMMIT");
                commitNanos += System.nanoTime() - t1;
                workNanos += t1 - t0;
                batches++;
                tasks += batch.size();
                if (durable) {
                    unsyncedSince = 0; // the FULL commit fsynced the whole WAL, older frames too
                } else {
                    relaxedBatches++;
                    if (unsyncedSince == 0) {
                        unsyncedSince = now;
                    }
                }
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
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), outcomes.get(i));
        }
        for (Outcome o : outcomes) {
            if (o.failure() == null) {
                afterCommit(o.tx());
            }
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
     * Puts the frames of relaxed commits on stable storage: an fsync of the WAL file (fsync works on
     * the file, not on the descriptor, so SQLite's frames written through its own descriptor are
     * covered). If that fails, the next batch is committed with {@code synchronous=FULL} instead.
     */
    private void syncWal() {
        if (unsyncedSince == 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
            ch.force(false);
            unsyncedSince = 0;
            walSyncs++;
        } catch (IOException e) {
            log.warn("fsync of {} failed; the next commit will be durable", wal, e);
            unsyncedSince = 1; // long ago: the next batch commits with synchronous=FULL
        }
    }

    /** Whether relaxed commits are still waiting for their fsync (for tests and monitoring). */
    boolean hasUnsyncedCommits() {
        return unsyncedSince != 0;
    }

    private static void rollbackQuietly(Statement s) {
        try {
            s.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the transaction may already be gone; nothing else to do
        }
    }

    /** Finishes queued writes, then stops the thread. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            syncWal();
        }
        if (batches > 0) {
            log.info("writer: {} writes in {} group commits (avg {} per commit, {} relaxed, {} WAL syncs), "
                    + "avg work {} µs, avg commit {} µs", tasks, batches,
                    String.format("%.1f", (double) tasks / batches), relaxedBatches, walSyncs,
                    workNanos / batches / 1000, commitNanos / batches / 1000);
        }
    }
}
