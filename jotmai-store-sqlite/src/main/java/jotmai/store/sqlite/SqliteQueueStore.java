package jotmai.store.sqlite;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.StoreException;
import jotmai.store.jdbc.Binder;
import jotmai.store.jdbc.QueueRows;
import jotmai.store.jdbc.Sql;
import jotmai.store.jdbc.TimeColumn;
import jotmai.store.support.QueuedMessages;

import static jotmai.store.jdbc.QueueRows.orEmpty;

/**
 * The outbound queue in the same database: one blob (not parsed; delivery sends the bytes as they are)
 * plus envelope rows, committed through group commit, so enqueue is durable before SMTP answers 250.
 *
 * <p>Delivery state lives in two tables this class creates itself (idempotently, so the store's
 * schema file stays untouched): {@code queue_schedule} (next attempt, delay warning sent) and
 * {@code queue_recipient_state} (status, attempts, last reply). A missing row means "pending, due at
 * creation". Leases are held in this JVM only: an embedded store has one process, and a restart after
 * kill -9 must make every message claimable at once.
 */
final class SqliteQueueStore implements QueueStore {

    /** Most messages {@link #list} returns at once. */
    static final int MAX_LIST = 10_000;

    private static final List<String> STATE_TABLES = List.of("""
            CREATE TABLE IF NOT EXISTS queue_schedule(queue_id TEXT PRIMARY KEY, next_attempt_ms INTEGER NOT NULL,
              delay_warned INTEGER NOT NULL DEFAULT 0)""", """
            CREATE TABLE IF NOT EXISTS queue_recipient_state(queue_id TEXT NOT NULL, position INTEGER NOT NULL,
              status TEXT NOT NULL, attempts INTEGER NOT NULL, last_reply TEXT NOT NULL, last_attempt_ms INTEGER,
              PRIMARY KEY(queue_id, position))""",
            "CREATE INDEX IF NOT EXISTS queue_schedule_due ON queue_schedule(next_attempt_ms)");

    private static final QueueRows ROWS = new QueueRows(TimeColumn.EPOCH_MILLIS, "queue_message", "queue_recipient");

    private final Database db;
    private final GroupCommitWriter writer;
    /** queue id → lease end (epoch ms); guarded by {@link #claimLock} for claims. */
    private final Map<String, Long> leases = new ConcurrentHashMap<>();
    private final ReentrantLock claimLock = new ReentrantLock();

    SqliteQueueStore(Database db, GroupCommitWriter writer) {
        this.db = db;
        this.writer = writer;
        writer.write(tx -> {
            try (Statement s = tx.c().createStatement()) {
                for (String sql : STATE_TABLES) {
                    s.execute(sql);
                }
            }
            return null;
        });
    }

    @Override
    public String enqueue(String envelopeFrom, List<QueuedRecipient> recipients, MessageSource message, DsnRequest dsn) {
        QueuedMessages.checkRecipientCount(recipients);
        String id = QueuedMessages.newId();
        long size = message.size();
        return writer.write(tx -> {
            long blobId = BlobTable.insert(tx, message, size, new byte[0], 1);
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_message(id, envelope_from, blob_id, ret, envid, smtputf8, eight_bit, created_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, id);
                ps.setString(2, orEmpty(envelopeFrom));
                ps.setLong(3, blobId);
                ps.setString(4, orEmpty(dsn.ret()));
                ps.setString(5, orEmpty(dsn.envid()));
                ps.setInt(6, dsn.smtputf8() ? 1 : 0);
                ps.setInt(7, dsn.eightBitMime() ? 1 : 0);
                ps.setLong(8, tx.now());
                ps.executeUpdate();
            }
            ROWS.insertRecipients(tx.c(), id, recipients);
            return id;
        });
    }

    @Override
    public long size() {
        return db.read(ROWS::count);
    }

    @Override
    public List<QueuedMessage> claimDue(Instant now, int max, Duration lease) {
        long nowMs = now.toEpochMilli();
        claimLock.lock();
        try {
            leases.values().removeIf(until -> until <= nowMs);
            List<String> leased = List.copyOf(leases.keySet());
            // Ids first, full rows (one recipient query each) only for the ones claimed: the leased
            // messages in flight sort first and are skipped, and loading them on every claim made a
            // backlog of N in flight cost O(N) recipient queries per claim.
            List<String> dueIds = db.read(c -> {
                List<String> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("""
                        SELECT m.id FROM queue_message m LEFT JOIN queue_schedule s ON s.queue_id = m.id
                        WHERE coalesce(s.next_attempt_ms, m.created_ms) <= ?
                        ORDER BY coalesce(s.next_attempt_ms, m.created_ms), m.id LIMIT ?""")) {
                    ps.setLong(1, nowMs);
                    ps.setInt(2, max + leased.size());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getString(1));
                        }
                    }
                }
                return ids;
            });
            List<String> pick = new ArrayList<>();
            for (String id : dueIds) {
                if (pick.size() < max && !leases.containsKey(id)) {
                    pick.add(id);
                }
            }
            if (pick.isEmpty()) {
                return List.of();
            }
            // Due again at load time: a message rescheduled after the ids were read (its lease removed
            // after that commit, see reschedule) is no longer due and is not claimed twice.
            List<QueuedMessage> claimed = db.read(c -> load(c, "WHERE m.id IN ("
                    + String.join(",", java.util.Collections.nCopies(pick.size(), "?"))
                    + ") AND coalesce(s.next_attempt_ms, m.created_ms) <= ?"
                    + " ORDER BY coalesce(s.next_attempt_ms, m.created_ms), m.id", ps -> {
                        for (int i = 0; i < pick.size(); i++) {
                            ps.setString(i + 1, pick.get(i));
                        }
                        ps.setLong(pick.size() + 1, nowMs);
                    }));
            for (QueuedMessage m : claimed) {
                leases.put(m.id(), nowMs + lease.toMillis());
            }
            return claimed;
        } finally {
            claimLock.unlock();
        }
    }

    @Override
    public InputStream open(String queueId) {
        long[] blob = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT m.blob_id, b.size FROM queue_message m JOIN blob b ON b.id = m.blob_id WHERE m.id = ?")) {
                ps.setString(1, queueId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
                }
            }
        });
        if (blob == null) {
            throw new StoreException.NotFound("no such queued message: " + queueId);
        }
        return new BlobInputStream(db, blob[0], 0, blob[1]);
    }

    @Override
    public void recordOutcome(String queueId, int position, RecipientStatus status, String reply, Instant at) {
        writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_recipient_state(queue_id, position, status, attempts, last_reply, last_attempt_ms)
                    SELECT ?, ?, ?, 1, ?, ? WHERE EXISTS
                      (SELECT 1 FROM queue_recipient WHERE queue_id = ?1 AND position = ?2)
                    ON CONFLICT(queue_id, position) DO UPDATE SET status = excluded.status,
                      attempts = attempts + 1, last_reply = excluded.last_reply,
                      last_attempt_ms = excluded.last_attempt_ms""")) {
                ps.setString(1, queueId);
                ps.setInt(2, position);
                ps.setString(3, status.name());
                ps.setString(4, orEmpty(reply));
                ps.setLong(5, at.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Leases live in this JVM (one node per SQLite file): renewing moves the end of a live lease. */
    @Override
    public boolean renewLease(String queueId, Instant now, Duration lease) {
        claimLock.lock();
        try {
            return leases.computeIfPresent(queueId, (id, until) -> now.toEpochMilli() + lease.toMillis()) != null;
        } finally {
            claimLock.unlock();
        }
    }

    /**
     * Not under {@link #claimLock}: holding it across the commit (and its fsync) serialized every
     * delivered message's removal and every reschedule behind one fsync each, and the claims behind
     * them. Safe without it because the lease goes only after the commit is visible: a claim that
     * finds the lease gone loads the message after that commit, and {@link #claimDue} loads only
     * messages still there and still due; a claim that still sees the lease skips the message.
     */
    @Override
    public void reschedule(String queueId, Instant nextAttemptAt) {
        writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_schedule(queue_id, next_attempt_ms) VALUES (?, ?)
                    ON CONFLICT(queue_id) DO UPDATE SET next_attempt_ms = excluded.next_attempt_ms""")) {
                ps.setString(1, queueId);
                ps.setLong(2, nextAttemptAt.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
        leases.remove(queueId);
    }

    @Override
    public void markDelayWarned(String queueId) {
        writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_schedule(queue_id, next_attempt_ms, delay_warned)
                      SELECT id, created_ms, 1 FROM queue_message WHERE id = ?
                    ON CONFLICT(queue_id) DO UPDATE SET delay_warned = 1""")) {
                ps.setString(1, queueId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Not under {@link #claimLock}, see {@link #reschedule}. */
    @Override
    public boolean remove(String queueId) {
        boolean removed = writer.write(tx -> {
            Long blobId = null;
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT blob_id FROM queue_message WHERE id = ?")) {
                ps.setString(1, queueId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        blobId = rs.getLong(1);
                    }
                }
            }
            if (blobId == null) {
                return false;
            }
            for (String table : List.of("queue_message WHERE id", "queue_recipient WHERE queue_id",
                    "queue_schedule WHERE queue_id", "queue_recipient_state WHERE queue_id")) {
                try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM " + table + " = ?")) {
                    ps.setString(1, queueId);
                    ps.executeUpdate();
                }
            }
            BlobTable.release(tx, blobId);
            return true;
        });
        leases.remove(queueId);
        return removed;
    }

    @Override
    public Optional<QueuedMessage> find(String queueId) {
        return db.read(c -> load(c, "WHERE m.id = ?", ps -> ps.setString(1, queueId))).stream().findFirst();
    }

    @Override
    public List<QueuedMessage> list(int limit) {
        int n = Math.max(0, Math.min(limit, MAX_LIST));
        return db.read(c -> load(c, "ORDER BY coalesce(s.next_attempt_ms, m.created_ms), m.id LIMIT ?",
                ps -> ps.setInt(1, n)));
    }

    /** Messages selected by {@code tail} (a WHERE/ORDER BY over m = queue_message, s = queue_schedule). */
    private static List<QueuedMessage> load(Connection c, String tail, Binder binder) throws SQLException {
        List<QueueRows.Head> heads = Sql.list(c, """
                SELECT m.id, m.envelope_from, m.ret, m.envid, m.smtputf8, m.eight_bit, b.size, m.created_ms,
                  coalesce(s.next_attempt_ms, m.created_ms), coalesce(s.delay_warned, 0)
                FROM queue_message m JOIN blob b ON b.id = m.blob_id
                LEFT JOIN queue_schedule s ON s.queue_id = m.id
                """ + tail, binder, ROWS::head);
        List<QueuedMessage> out = new ArrayList<>(heads.size());
        for (QueueRows.Head h : heads) {
            out.add(h.with(Sql.list(c, """
                    SELECT r.position, r.address, r.notify_on, r.orcpt, coalesce(st.status, 'PENDING'),
                      coalesce(st.attempts, 0), coalesce(st.last_reply, ''), st.last_attempt_ms
                    FROM queue_recipient r
                    LEFT JOIN queue_recipient_state st ON st.queue_id = r.queue_id AND st.position = r.position
                    WHERE r.queue_id = ? ORDER BY r.position""", ps -> ps.setString(1, h.id()),
                    rs -> ROWS.recipient(rs, 1))));
        }
        return out;
    }
}
