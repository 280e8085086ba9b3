package jotmai.store.sqlite;

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
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Most tasks committed together; bounds the latency a batch adds to its first task. */
    static final int MAX_BATCH = 256;
    /** Queued tasks beyond this make callers wait (back pressure instead of unbounded memory). */
    static final int MAX_QUEUED = 4_096;

    @FunctionalInterface
    interface WriteWork<T> {
        T run(Tx tx) throws SQLException;
    }

    private record Task<T>(WriteWork<T> work, CompletableFuture<T> done) {}

    private final Connection c;
    private final ChangeBus bus;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private volatile boolean closing;
    // statistics, written by the writer thread only, logged at close
    private long batches;
    private long tasks;
    private long workNanos;
    private long commitNanos;

    GroupCommitWriter(Connection writer, ChangeBus bus) {
        this.c = writer;
        this.bus = bus;
        this.thread = Thread.ofPlatform().name("jotmai-sqlite-writer").daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** Queues the work, waits until its transaction is committed (durable) and returns its result. */
    <T> T write(WriteWork<T> work) {
        if (closing) {
            throw new StoreException.Unavailable("store is closing", null);
        }
        if (Thread.currentThread() == thread) {
            // a change listener (run on this thread after commit) tried to write: it would wait forever
            throw new IllegalStateException("store writes from a change listener would deadlock; only enqueue there");
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>());
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
                first = queue.poll(100, TimeUnit.MILLISECONDS);
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
    }

    private record Outcome(Object value, Throwable failure, Tx tx) {}

    private void runBatch(List<Task<?>> batch) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        long now = System.currentTimeMillis();
        try (Statement s = c.createStatement()) {
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
        if (batches > 0) {
            log.info("writer: {} writes in {} group commits (avg {} per commit), avg work {} µs, avg commit {} µs",
                    tasks, batches, String.format("%.1f", (double) tasks / batches), workNanos / batches / 1000,
                    commitNanos / batches / 1000);
        }
    }
}
