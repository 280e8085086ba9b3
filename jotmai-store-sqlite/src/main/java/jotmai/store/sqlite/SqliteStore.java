package jotmai.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.StoreException;
import jotmai.store.jdbc.JdbcStore;
import jotmai.store.jdbc.StoreParts;
import jotmai.store.jdbc.TombstonePruner;

/**
 * The embedded default store: SQLite in WAL mode (the WAL fsynced before a durable write returns) in
 * {@code <dataDir>/jotmai.db}, message bytes as chunked blobs in the same database (one transaction and
 * one fsync per group commit covers bytes and metadata; see docs/BENCHMARKS.md "Store"), and an in-JVM
 * change bus.
 *
 * <p>Threading: every write goes through one platform writer thread with group commit; reads use a
 * small pool of reader connections. Safe for any number of virtual threads.
 */
public final class SqliteStore extends JdbcStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

    /** Database file name inside the data directory. */
    public static final String DATABASE_FILE = "jotmai.db";

    /**
     * Tunables with production defaults.
     *
     * @param blobGrace   how long the bytes of an expunged message stay readable for sessions that still
     *                    show it (RFC 9051 §7.5.1 expunge semantics) before they are deleted
     * @param busyTimeout how long a statement waits for a lock held by another process using the same
     *                    data directory (e.g. the admin CLI) before the operation fails with
     *                    {@link StoreException.Unavailable}
     * @param indexDelay  how long a message must have been kept before the background indexer adds its
     *                    text to the SEARCH index (meanwhile SEARCH scans it; see
     *                    {@link SearchIndexer#DEFAULT_DELAY_MS})
     * @param tombstonesKept expunge tombstones kept per mailbox; older ones are pruned in the background
     *                    ({@link TombstonePruner}; QRESYNC below them answers a superset)
     */
    public record Options(Duration blobGrace, Duration busyTimeout, Duration indexDelay, int tombstonesKept) {
        public static final Options DEFAULTS = new Options(Duration.ofMinutes(30));

        public Options(Duration blobGrace) {
            this(blobGrace, Duration.ofMillis(Database.DEFAULT_BUSY_TIMEOUT_MS));
        }

        public Options(Duration blobGrace, Duration busyTimeout) {
            this(blobGrace, busyTimeout, Duration.ofMillis(SearchIndexer.DEFAULT_DELAY_MS));
        }

        public Options(Duration blobGrace, Duration busyTimeout, Duration indexDelay) {
            this(blobGrace, busyTimeout, indexDelay, TombstonePruner.DEFAULT_KEEP);
        }

        public Options {
            if (tombstonesKept < 0) {
                throw new IllegalArgumentException("tombstones kept must not be negative: " + tombstonesKept);
            }
        }

        /** The same with another {@code indexDelay} (tests that search right after delivering: zero). */
        public Options withIndexDelay(Duration delay) {
            return new Options(blobGrace, busyTimeout, delay, tombstonesKept);
        }

        /** The same with another {@code tombstonesKept} ({@code store.tombstones-per-mailbox}). */
        public Options withTombstonesKept(int kept) {
            return new Options(blobGrace, busyTimeout, indexDelay, kept);
        }
    }

    private final Database db;
    private final GroupCommitWriter writer;
    private final InJvmChangeBus bus;
    private final SearchIndexer indexer;
    private final StoreParts parts;
    /** Keeps each mailbox's expunge tombstones bounded; null in a guest process (the owner prunes). */
    private final TombstonePruner pruner;
    /** Null when another process has this data directory open (see {@link RunMarker}). */
    private final RunMarker runMarker;
    /** The owner hears the guests' rings; a guest sends its own (exactly one of the two is set). */
    private final RingReceiver ringReceiver;
    private final RingSender ringSender;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private SqliteStore(Path dataDir, Options options) {
        this.db = new Database(dataDir.resolve(DATABASE_FILE), (int) Math.min(Integer.MAX_VALUE,
                options.busyTimeout().toMillis()));
        this.bus = new InJvmChangeBus();
        this.writer = new GroupCommitWriter(db.writer(), db.checkpointer(), dataDir.resolve(DATABASE_FILE), bus);
        MailboxVersions versions = new MailboxVersions();
        BlobCache blobCache = new BlobCache();
        writer.onCommit(tx -> {
            for (long mailboxId : tx.rings()) {
                versions.invalidate(mailboxId);
            }
            for (long blobId : tx.purgedBlobs()) {
                blobCache.evict(blobId);
            }
        });
        this.runMarker = RunMarker.acquire(dataDir, writer);
        Path rings = dataDir.resolve(RingReceiver.DIRECTORY);
        if (runMarker != null) {
            this.ringReceiver = openReceiver(rings, bus, versions);
            this.ringSender = null;
        } else {
            this.ringReceiver = null;
            this.ringSender = new RingSender(rings);
            bus.forwardTo(ringSender);
        }
        if (ringReceiver == null) {
            versions.disable(); // commits of other processes would go unnoticed
        }
        long graceMs = options.blobGrace().toMillis();
        SqliteAccess access = new SqliteAccess(db, writer);
        this.indexer = new SearchIndexer(db, writer, options.indexDelay().toMillis());
        // throttle in memory: an embedded store serves a single node (issue 8)
        this.parts = new StoreParts(new SqliteAccountStore(access, graceMs),
                new SqliteMailStore(db, writer, graceMs, indexer, versions, blobCache), new SqliteQueueStore(db, writer),
                bus, new SqliteAclStore(access), new SqliteMetadataStore(db, writer), new LocalThrottleStore());
        this.pruner = runMarker == null ? null : TombstonePruner.start(parts.mail(), options.tombstonesKept(),
                TombstonePruner.DEFAULT_INTERVAL, "jotmai-tombstone-pruner");
        // bytes of messages expunged before the last shutdown whose grace period has passed
        int purged = writer.write(tx -> BlobTable.purge(tx, tx.now() - graceMs));
        if (purged > 0) {
            log.info("purged {} unreferenced message blobs", purged);
        }
    }

    private static RingReceiver openReceiver(Path rings, InJvmChangeBus bus, MailboxVersions versions) {
        try {
            return new RingReceiver(rings, mailboxId -> {
                versions.invalidate(mailboxId); // the guest committed before it rang
                bus.ring(mailboxId);
            });
        } catch (IOException e) {
            // sessions still see the CLI's changes, at their next command instead of during IDLE
            log.warn("cannot watch {} for changes made by other processes: {}", rings, e.toString());
            return null;
        }
    }

    /** The single writer (package-private: tests of its durability modes). */
    GroupCommitWriter writer() {
        return writer;
    }

    /** Opens (creating if needed) the store in {@code dataDir}. */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, Options.DEFAULTS);
    }

    public static SqliteStore open(Path dataDir, Options options) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot create data directory " + dataDir, e);
        }
        SqliteStore store = new SqliteStore(dataDir, options);
        log.info("store opened: {}", dataDir.resolve(DATABASE_FILE));
        return store;
    }

    @Override
    protected StoreParts parts() {
        return parts;
    }

    /** Waits for queued writes to commit, then closes the connections. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            indexer.close();
            if (pruner != null) {
                pruner.close();
            }
            writer.close();
            if (ringSender != null) {
                ringSender.close();
            }
            if (ringReceiver != null) {
                ringReceiver.close();
            }
            db.close();
            if (runMarker != null) {
                runMarker.close();
            }
            log.info("store closed");
        }
    }
}
