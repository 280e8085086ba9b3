package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashSet;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import jotmai.store.StoreException;
import jotmai.store.jdbc.JdbcAccess;

/**
 * The connection pool (HikariCP resets auto-commit, isolation and read-only when a connection is
 * returned) and the one place that runs SQL work: transactions with retry of serialization
 * failures and deadlocks, and the mapping of {@link SQLException}s to {@link StoreException}s.
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>Writes run at READ COMMITTED; their correctness comes from row locks taken in one global order
 *       (account_state rows by account id, then mailbox rows by mailbox id, then blob rows by blob id),
 *       so concurrent writers on several nodes queue instead of deadlocking. A deadlock that slips
 *       through (40P01) or a serialization failure (40001) is retried {@link #MAX_ATTEMPTS} times.</li>
 *   <li>Mailboxes to ring are collected in {@link Tx}; the NOTIFY is sent inside the transaction
 *       (PostgreSQL delivers it only on commit) and local subscribers are rung after commit.</li>
 *   <li>Every failure to reach the database is {@link StoreException.Unavailable}: the caller answers
 *       "try again later" and the pool reconnects by itself when the database is back.</li>
 * </ul>
 */
final class Db implements JdbcAccess<Tx>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Db.class);

    /** Attempts of a transaction that fails with a deadlock or serialization failure. */
    static final int MAX_ATTEMPTS = 4;

    private final PostgresConfig config;
    private final HikariDataSource pool;
    private Consumer<Tx> beforeCommit = tx -> {};
    private Consumer<Set<Long>> afterCommit = ids -> {};

    Db(PostgresConfig config) {
        this.config = config;
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("jotmai-pg");
        hc.setJdbcUrl(config.jdbcUrl());
        hc.setUsername(config.user());
        hc.setPassword(config.password());
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(config.poolSize()); // a fixed-size pool: no connection set-up under load
        hc.setSchema(config.schema());
        hc.setConnectionTimeout(config.connectionTimeout().toMillis());
        hc.setValidationTimeout(Math.max(250, config.connectionTimeout().toMillis() / 2));
        // Fail open() at once when the database is not reachable: the caller decides to retry.
        hc.setInitializationFailTimeout(config.connectionTimeout().toMillis());
        hc.setConnectionInitSql("SET synchronous_commit TO " + (config.synchronousCommit() ? "on" : "off"));
        driverProperties(config).forEach((k, v) -> hc.addDataSourceProperty((String) k, v));
        try {
            this.pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException.Unavailable("cannot connect to PostgreSQL at " + config.jdbcUrl(), e);
        }
    }

    /** Driver settings shared by the pool and the dedicated connections. */
    private static Properties driverProperties(PostgresConfig config) {
        Properties p = new Properties();
        p.setProperty("connectTimeout", Long.toString(Math.max(1, config.connectionTimeout().toSeconds())));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "jotmai");
        return p;
    }

    /** A connection outside the pool, for LISTEN and advisory locks (session state must stay put). */
    Connection dedicatedConnection() throws SQLException {
        Properties p = driverProperties(config);
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        Connection c = DriverManager.getConnection(config.jdbcUrl(), p);
        c.setAutoCommit(true);
        return c;
    }

    DataSource dataSource() {
        return pool;
    }

    PostgresConfig config() {
        return config;
    }

    /** Hooks of the change bus: NOTIFY inside the transaction, local rings after commit. */
    void onCommit(Consumer<Tx> beforeCommit, Consumer<Set<Long>> afterCommit) {
        this.beforeCommit = beforeCommit;
        this.afterCommit = afterCommit;
    }

    /** One autocommit statement sequence (no snapshot across statements). */
    @Override
    public <T> T read(ReadWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Several reads in one REPEATABLE READ, read-only snapshot. */
    <T> T snapshot(ReadWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Runs {@code work} in a READ COMMITTED transaction and commits it before returning (durable with
     * synchronous_commit on). StoreExceptions thrown by the work roll back and propagate.
     */
    <T> T tx(WriteWork<Tx, T> work) {
        return tx(work, false);
    }

    /** {@link #tx}, by the name shared store code ({@link JdbcAccess}) knows it. */
    @Override
    public <T> T write(WriteWork<Tx, T> work) {
        return tx(work, false);
    }

    /**
     * As {@link #tx}, but the commit returns before its WAL record is flushed ({@code SET LOCAL
     * synchronous_commit = off}; PostgreSQL manual, "Asynchronous Commit"). Only for flag-only changes
     * (STORE, \Recent claims): the promise SQLite's relaxed group commit makes. The transaction is
     * visible at once and keeps its place in the WAL; the WAL writer flushes it within three times
     * {@code wal_writer_delay} (0.6 s by default), and any later synchronous commit (an APPEND, a
     * delivery) flushes it first. A database crash can so lose the last fraction of a second of flag
     * changes, never a message, and never a flag change older than an acknowledged append. With a
     * synchronous standby the transaction does not wait for the standby either.
     */
    <T> T txRelaxed(WriteWork<Tx, T> work) {
        return tx(work, config.synchronousCommit());
    }

    private <T> T tx(WriteWork<Tx, T> work, boolean relax) {
        for (int attempt = 1; ; attempt++) {
            Set<Long> ring;
            T result;
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                Tx tx = new Tx(c);
                try {
                    if (relax) {
                        // LOCAL: ends with this transaction, the pooled connection stays synchronous
                        try (var s = c.createStatement()) {
                            s.execute("SET LOCAL synchronous_commit TO off");
                        }
                    }
                    result = work.run(tx);
                    if (tx.rollbackOnly()) {
                        c.rollback();
                        return result;
                    }
                    beforeCommit.accept(tx);
                    c.commit();
                    ring = new LinkedHashSet<>(tx.mailboxesToRing());
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            } catch (SQLException e) {
                if (isRetryable(e) && attempt < MAX_ATTEMPTS) {
                    log.debug("retrying transaction after {} (attempt {})", e.getSQLState(), attempt);
                    backoff(attempt);
                    continue;
                }
                throw translate(e);
            } catch (Tx.Retry e) {
                if (attempt < MAX_ATTEMPTS) {
                    backoff(attempt);
                    continue;
                }
                throw new StoreException.Unavailable("transaction kept conflicting: " + e.getMessage(), null);
            }
            afterCommit.accept(ring);
            return result;
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(5L * attempt + (long) (Math.random() * 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted", e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; Hikari evicts it
        }
    }

    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** Class 08 connection exceptions, 57P0x shutdown, 53 resources, pool timeouts: the database is away. */
    static boolean isConnectionProblem(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                || state.equals("55000");
    }

    /**
     * Every SQL failure becomes a temporary error for the client (never a crash). A unique violation
     * that a check before it could not prevent (a concurrent insert on another node) is AlreadyExists.
     */
    static StoreException translate(SQLException e) {
        String state = e.getSQLState();
        if ("23505".equals(state)) {
            return new StoreException.AlreadyExists("already exists");
        }
        if (isConnectionProblem(e)) {
            log.warn("database unavailable: {} ({})", e.getMessage(), state);
        } else {
            log.error("database operation failed with SQL state {}", state, e);
        }
        return new StoreException.Unavailable("database unavailable: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
