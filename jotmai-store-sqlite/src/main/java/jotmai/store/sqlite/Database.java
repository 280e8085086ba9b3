package jotmai.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import jotmai.store.StoreException;

/**
 * The SQLite connections: one writer (used only by {@link GroupCommitWriter}'s thread) and a small
 * fixed pool of readers, each with its own statement cache ({@link CachingConnection}; a connection is
 * used by one thread at a time).
 *
 * <p>sqlite-jdbc is JNI and pins a virtual thread's carrier for the duration of every call. Bounding
 * the readers to {@link #READERS} connections means at most that many carriers can be pinned by reads;
 * other virtual threads wait in {@link BlockingQueue#take} (unpinned) for a free connection.
 *
 * <p>Durability: WAL; connections open with {@code synchronous=FULL}, and the writer switches its own to
 * {@code NORMAL} because {@link GroupCommitWriter}'s syncer thread fsyncs the WAL before any durable
 * write is acknowledged (survives kill -9 and power loss; the fsync is shared by group commit and
 * overlaps the next batch). Flag-only writes are the exception: {@link GroupCommitWriter#writeRelaxed}
 * acknowledges them before the fsync.
 */
final class Database implements AutoCloseable {

    /** Reader connections; also the maximum number of carriers pinned by reads. */
    static final int READERS = 4;
    /** Size the WAL file is truncated to after checkpoints (SQLite {@code journal_size_limit}). */
    static final long WAL_SIZE_LIMIT_BYTES = 64L * 1024 * 1024;
    /** How long a connection waits for a lock held by another process (e.g. the CLI) before BUSY. */
    static final int DEFAULT_BUSY_TIMEOUT_MS = 5_000;

    private final Path file;
    private final int busyTimeoutMs;
    private Connection writer;
    private final List<Connection> all = new ArrayList<>();
    private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);

    @FunctionalInterface
    interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    Database(Path file, int busyTimeoutMs) {
        this.file = file;
        this.busyTimeoutMs = busyTimeoutMs;
        try {
            Connection w = connect();
            Schema.migrate(w);
            writer = w;
            for (int i = 0; i < READERS; i++) {
                readers.add(connect());
            }
        } catch (SQLException e) {
            close();
            throw unavailable("cannot open " + file, e);
        }
    }

    private Connection connect() throws SQLException {
        Connection c = CachingConnection.open(file);
        all.add(c);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + busyTimeoutMs);
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA foreign_keys = OFF");
            s.execute("PRAGMA temp_store = MEMORY");
            // no mmap_size: memory-mapping the file made POP3 reads of 1 MB messages cheaper, but cut imaptest's
            // persistent-session throughput to a third (10 clients, logout=0: 665 against 1,946 commands/s on a
            // quiet machine, 2026-11-29; mapping for readers only: 863). Cause (SQLite pager.c,
            // pagerBeginReadTransaction): a WAL read transaction that finds the database changed drops the
            // page cache AND unmaps the whole file; every page is then faulted in again. With writes going on,
            // that is every transaction. A separate mapped connection only for large blobs was 2.4x worse
            // under a write every 2 ms too (docs/BENCHMARKS.md, POP3, "Session 8").
            // after a checkpoint, shrink a WAL that a burst (e.g. large messages) made big
            s.execute("PRAGMA journal_size_limit = " + WAL_SIZE_LIMIT_BYTES);
        }
        return c;
    }

    /**
     * A connection of its own for WAL checkpoints (see {@link GroupCommitWriter}), so that the copy of
     * the WAL into the database file and its fsyncs run beside the writer instead of inside a commit.
     */
    Connection checkpointer() {
        try {
            return connect();
        } catch (SQLException e) {
            throw unavailable("cannot open a checkpoint connection to " + file, e);
        }
    }

    /** The writer connection (statements cached; see {@link CachingConnection}): for the writer thread only. */
    Connection writer() {
        return writer;
    }

    /**
     * Runs a read in one transaction (one consistent WAL snapshot) on a pooled reader connection.
     * Waits for a free reader; the wait does not pin a carrier.
     */
    <T> T read(ReadWork<T> work) {
        Connection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while waiting for a database connection", e);
        }
        try {
            execute(c, "BEGIN");
            try {
                return work.run(c);
            } finally {
                execute(c, "COMMIT");
            }
        } catch (SQLException e) {
            throw unavailable("read failed", e);
        } finally {
            readers.add(c);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    /** Every SQLite failure (BUSY, LOCKED, IOERR, FULL, CORRUPT...) is reported as "try again later". */
    static StoreException.Unavailable unavailable(String what, SQLException e) {
        return new StoreException.Unavailable(what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close(); // closes the cached statements, then the connection
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
