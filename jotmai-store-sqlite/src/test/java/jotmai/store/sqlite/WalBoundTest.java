package jotmai.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under continuous short reads (every reader connection busy back to back, as ten IMAP sessions keep
 * them) and continuous durable writes, the WAL must not grow without bound: PASSIVE checkpoints copy
 * it, but SQLite restarts it from its start only when no reader holds a WAL snapshot, which busy
 * readers rarely allow (docs/BENCHMARKS.md, "WAL size under continuous load").
 */
class WalBoundTest {

    /** The load runs until this much is written: twice the bound; without the fix the WAL holds all of it. */
    static final long WRITE_BYTES = 24L * 1024 * 1024;
    /** ... or until this time has passed (a slow disk): bounded in time as well as in count. */
    static final long MAX_LOAD_MS = 20_000;
    /** Bytes per written row: about a small message. */
    static final int ROW_BYTES = 16 * 1024;
    /** Most rows written (a bound in count as well as in time). */
    static final int MAX_ROWS = 40_000;
    /** Rows per durable write: 256 KB per fsync. */
    static final int ROWS_PER_WRITE = 16;
    /**
     * Pause between writes: at most about 8 MB/s, more than 10 imaptest sessions append, and well within what the
     * checkpoints copy on a slow disk (unthrottled, this test measures the disk's bandwidth instead).
     */
    static final long WRITE_PAUSE_MS = 30;
    /** The restart threshold for this test: small, so that seconds of load write many times it. */
    static final long RESTART_ABOVE_BYTES = 1024 * 1024;
    /** Largest WAL file accepted: the threshold plus what a few checkpoint rounds may add on a slow disk. */
    static final long WAL_BOUND_BYTES = 12 * RESTART_ABOVE_BYTES;

    @Test
    void theWalStaysBoundedUnderContinuousReadsAndWrites(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("wal.db");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong maxWal = new AtomicLong();
        long worstWriteNanos = 0;
        int rows = 0;
        try (Database db = new Database(file, Database.DEFAULT_BUSY_TIMEOUT_MS);
             GroupCommitWriter writer = new GroupCommitWriter(db.writer(), db.checkpointer(), file,
                     new InJvmChangeBus(), RESTART_ABOVE_BYTES)) {
            writer.write(tx -> {
                try (Statement s = tx.c().createStatement()) {
                    s.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
                }
                return null;
            });
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < Database.READERS; i++) {
                readers.add(Thread.ofPlatform().name("wal-reader-" + i).start(() -> {
                    while (!stop.get()) {
                        db.read(c -> {
                            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM filler");
                                 ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                            return null;
                        });
                        reads.incrementAndGet();
                    }
                }));
            }
            Thread sizes = Thread.ofPlatform().name("wal-size").start(() -> {
                Path wal = dir.resolve("wal.db-wal");
                while (!stop.get()) {
                    try {
                        maxWal.accumulateAndGet(Files.size(wal), Math::max);
                        Thread.sleep(5);
                    } catch (Exception e) {
                        // the file may be absent for an instant; look again
                    }
                }
            });
            byte[] body = new byte[ROW_BYTES];
            long end = System.currentTimeMillis() + MAX_LOAD_MS;
            try {
                while (System.currentTimeMillis() < end && rows < MAX_ROWS && (long) rows * ROW_BYTES < WRITE_BYTES) {
                    int batch = ROWS_PER_WRITE;
                    long t0 = System.nanoTime();
                    writer.write(tx -> {
                        try (PreparedStatement ps = tx.c().prepareStatement("INSERT INTO filler (body) VALUES (?)")) {
                            for (int i = 0; i < batch; i++) {
                                ps.setBytes(1, body);
                                ps.executeUpdate();
                            }
                        }
                        return null;
                    });
                    worstWriteNanos = Math.max(worstWriteNanos, System.nanoTime() - t0);
                    rows += batch;
                    Thread.sleep(WRITE_PAUSE_MS);
                }
            } finally {
                stop.set(true);
                for (Thread t : readers) {
                    t.join(10_000);
                }
                sizes.join(10_000);
            }
        }
        long written = (long) rows * ROW_BYTES;
        System.out.printf("WalBoundTest: %d rows (%d MB) written, %d reads, largest WAL %d MB, worst durable write %d ms%n",
                rows, written >> 20, reads.get(), maxWal.get() >> 20, worstWriteNanos / 1_000_000);
        // the load must have been heavy enough to show the problem: twice the bound written
        assertThat(written).isGreaterThanOrEqualTo(WRITE_BYTES);
        assertThat(maxWal.get()).isLessThanOrEqualTo(WAL_BOUND_BYTES);
    }
}
