package jotmai.store.postgres;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.StoreException;
import jotmai.store.jdbc.JdbcStore;
import jotmai.store.jdbc.StoreParts;
import jotmai.store.jdbc.TombstonePruner;

/**
 * The scale-out store: PostgreSQL through a HikariCP pool, schema migrated by Flyway at open
 * ({@code classpath:db/postgres}), message bytes in PostgreSQL deduplicated by SHA-256, and a
 * LISTEN/NOTIFY change bus, so several Jotmai nodes can share one database. See
 * {@link jotmai.store.postgres} for the design.
 */
public final class PostgresStore extends JdbcStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresStore.class);

    /** Where the Flyway migrations live. */
    public static final String MIGRATIONS = "classpath:db/postgres";
    /** Least time between two purges of unreferenced blobs started by this node. */
    static final long PURGE_INTERVAL_MILLIS = 60_000;

    private final Db db;
    private final PgChangeBus bus;
    private final MaildropLocks maildropLocks;
    private final BlobStore blobs;
    private final StoreParts parts;
    /** Keeps each mailbox's expunge tombstones bounded (every node runs one; they may overlap safely). */
    private final TombstonePruner pruner;
    private final AtomicBoolean purging = new AtomicBoolean();
    private final AtomicLong lastPurgeNanos = new AtomicLong(System.nanoTime() - PURGE_INTERVAL_MILLIS * 1_000_000);
    private volatile boolean closed;

    private PostgresStore(Db db) {
        this.db = db;
        PostgresConfig config = db.config();
        this.blobs = new PgBlobStore(db);
        this.bus = new PgChangeBus(db, config.schema());
        db.onCommit(tx -> {
            try {
                bus.notify(tx.c(), tx.mailboxesToRing());
            } catch (java.sql.SQLException e) {
                throw new StoreException.Unavailable("cannot queue change notification", e);
            }
        }, bus::ringLocal);
        this.maildropLocks = new MaildropLocks(db, config.schema());
        // throttle shared by every node on this database (table auth_throttle, migration V4)
        this.parts = new StoreParts(new PgAccountStore(db, this::purgeSoon),
                new PgMailStore(db, blobs, maildropLocks, this::purgeSoon), new PgQueueStore(db, blobs), bus,
                new PgAclStore(db), new PgMetadataStore(db), new PgThrottleStore(db));
        this.pruner = TombstonePruner.start(parts.mail(), config.tombstonesKept(), TombstonePruner.DEFAULT_INTERVAL,
                "jotmai-pg-tombstones");
    }

    /**
     * Connects, applies pending migrations and starts listening for changes of other nodes. Fails with
     * {@link StoreException.Unavailable} when the database cannot be reached.
     */
    public static PostgresStore open(PostgresConfig config) {
        Db db = new Db(config);
        try {
            Flyway.configure()
                    .dataSource(db.dataSource())
                    .schemas(config.schema())
                    .defaultSchema(config.schema())
                    .locations(MIGRATIONS)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            db.close();
            throw new StoreException.Unavailable("cannot migrate the PostgreSQL schema " + config.schema(), e);
        }
        PostgresStore store = new PostgresStore(db);
        store.bus.start();
        store.purgeSoon(); // blobs whose grace period ran out while no node was expunging
        log.info("store opened: {} schema {}", config.jdbcUrl(), config.schema());
        return store;
    }

    @Override
    protected StoreParts parts() {
        return parts;
    }

    /** Migration target (issue 8): mailboxes and messages with the source's UIDVALIDITY and UIDs. */
    @Override
    public java.util.Optional<jotmai.store.StoreImport> importer() {
        return java.util.Optional.of(new PgStoreImport(db, blobs));
    }

    /** Whether the LISTEN connection of the change bus is up. */
    public boolean listening() {
        return bus.listening();
    }

    /**
     * Deletes blobs unreferenced for longer than the grace period, at most once per
     * {@link #PURGE_INTERVAL_MILLIS}, on a virtual thread (expunge does not wait for it).
     */
    private void purgeSoon() {
        long now = System.nanoTime();
        long last = lastPurgeNanos.get();
        if (closed || now - last < PURGE_INTERVAL_MILLIS * 1_000_000 || !lastPurgeNanos.compareAndSet(last, now)
                || !purging.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("jotmai-pg-purge").start(() -> {
            try {
                Instant cutoff = Instant.now().minus(db.config().blobGrace());
                int purged = db.tx(tx -> BlobRows.purge(tx, blobs, cutoff));
                if (purged > 0) {
                    log.info("purged {} unreferenced message blobs", purged);
                }
            } catch (StoreException e) {
                log.warn("blob purge failed: {}", e.getMessage());
            } finally {
                purging.set(false);
            }
        });
    }

    /** Stops the change bus and closes the connections; in-flight calls finish or fail Unavailable. */
    @Override
    public void close() {
        closed = true;
        pruner.close();
        bus.close();
        maildropLocks.close();
        db.close();
    }
}
