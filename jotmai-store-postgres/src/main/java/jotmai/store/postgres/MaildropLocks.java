package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.MailStore.MaildropLock;
import jotmai.store.StoreException;

/**
 * POP3 maildrop locks (RFC 1939 §8) that hold across nodes: a session-level
 * {@code pg_try_advisory_lock} per account on one dedicated connection per node, plus an in-JVM set
 * (advisory locks are re-entrant within a database session, so two sessions of this node must be
 * kept apart here).
 *
 * <p>Failure behaviour: PostgreSQL releases advisory locks when the connection ends. If the lock
 * connection breaks while locks are held, the next lock call reconnects and takes the held keys again;
 * a key that another node took meanwhile is logged (both POP3 sessions then run, and their deletions
 * by UID stay safe, only the exclusivity is lost). Lock calls fail with Unavailable while the
 * database is away.
 */
final class MaildropLocks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MaildropLocks.class);

    private final Db db;
    private final String namespace;
    /** Accounts locked by a session of this node (claimed before asking the database). */
    private final Set<Long> held = ConcurrentHashMap.newKeySet();
    /** Accounts whose advisory lock the current lock connection holds (guarded by {@link #guard}). */
    private final Set<Long> serverHeld = new java.util.HashSet<>();
    /** Guards the lock connection; a ReentrantLock so that virtual threads do not pin while waiting. */
    private final ReentrantLock guard = new ReentrantLock();
    private Connection connection;

    MaildropLocks(Db db, String schema) {
        this.db = db;
        this.namespace = "jotmai-maildrop/" + schema + "/";
    }

    Optional<MaildropLock> lock(long accountId) {
        if (!held.add(accountId)) {
            return Optional.empty();
        }
        boolean locked = false;
        try {
            locked = call("SELECT pg_try_advisory_lock(hashtextextended(?, 0))", accountId, true);
        } finally {
            if (!locked) {
                held.remove(accountId);
            }
        }
        if (!locked) {
            return Optional.empty();
        }
        return Optional.of(new MaildropLock() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                }
                try {
                    call("SELECT pg_advisory_unlock(hashtextextended(?, 0))", accountId, false);
                } catch (StoreException e) {
                    // the connection is gone, and with it the server-side lock
                } finally {
                    held.remove(accountId);
                }
            }
        });
    }

    /** Runs a lock ({@code acquire}) or unlock call on the lock connection; true when it succeeded. */
    private boolean call(String sql, long accountId, boolean acquire) {
        guard.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    Connection c = connection();
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setString(1, namespace + accountId);
                        try (ResultSet rs = ps.executeQuery()) {
                            boolean ok = rs.next() && rs.getBoolean(1);
                            if (ok && acquire) {
                                serverHeld.add(accountId);
                            } else if (!acquire) {
                                serverHeld.remove(accountId);
                            }
                            return ok;
                        }
                    }
                } catch (SQLException e) {
                    closeConnection();
                    if (!acquire) {
                        serverHeld.remove(accountId); // the server released it with the connection
                        throw Db.translate(e);
                    }
                    if (attempt >= 2) {
                        throw Db.translate(e);
                    }
                }
            }
        } finally {
            guard.unlock();
        }
    }

    /** The lock connection, reconnected (and the held locks taken again) when it was lost. */
    private Connection connection() throws SQLException {
        if (connection != null && connection.isValid(2)) {
            return connection;
        }
        boolean reconnect = !serverHeld.isEmpty();
        closeConnection();
        connection = db.dedicatedConnection();
        if (reconnect) {
            for (long accountId : List.copyOf(serverHeld)) {
                try (PreparedStatement ps = connection.prepareStatement(
                        "SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
                    ps.setString(1, namespace + accountId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next() || !rs.getBoolean(1)) {
                            serverHeld.remove(accountId);
                            log.warn("maildrop lock of account {} was lost while the database was away", accountId);
                        }
                    }
                }
            }
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        guard.lock();
        try {
            closeConnection();
        } finally {
            guard.unlock();
        }
    }
}
