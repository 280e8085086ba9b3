package jotmai.store.postgres;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
 * The outbound queue shared by all nodes: envelope rows plus one blob reference (the bytes are not
 * parsed; delivery sends them as they are), committed before {@link #enqueue} returns, so SMTP may
 * answer 250.
 *
 * <p>{@link #claimDue} leases due messages with one {@code UPDATE ... WHERE id IN (SELECT ... FOR
 * UPDATE SKIP LOCKED)}: runners on several nodes claim disjoint messages without waiting for each
 * other, and a message whose runner died is claimable again once {@code lease_until} has passed (the
 * lease owner is this node's id, for operators). Per-recipient outcomes are rows of
 * {@code queue_recipients}, committed before {@link #recordOutcome} returns.
 */
final class PgQueueStore implements QueueStore {

    /** Most messages {@link #list} returns at once. */
    static final int MAX_LIST = 10_000;

    private static final QueueRows ROWS = new QueueRows(TimeColumn.TIMESTAMPTZ, "queue_messages", "queue_recipients");

    private final Db db;
    private final BlobStore blobs;
    /** Written into lease_owner, so an operator can tell which node holds a message. */
    private final String nodeId = UUID.randomUUID().toString();

    PgQueueStore(Db db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    @Override
    public String enqueue(String envelopeFrom, List<QueuedRecipient> recipients, MessageSource message, DsnRequest dsn) {
        QueuedMessages.checkRecipientCount(recipients);
        String id = QueuedMessages.newId();
        MessageStructures.Prepared prepared = MessageStructures.hashOnly(message);
        return db.tx(tx -> {
            BlobRows.ensure(tx, blobs, prepared, message);
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_messages(id, envelope_from, blob_id, ret, envid, smtputf8, eight_bit, created_at,
                      next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, id);
                ps.setString(2, orEmpty(envelopeFrom));
                ps.setString(3, prepared.blobId());
                ps.setString(4, orEmpty(dsn.ret()));
                ps.setString(5, orEmpty(dsn.envid()));
                ps.setBoolean(6, dsn.smtputf8());
                ps.setBoolean(7, dsn.eightBitMime());
                ps.setObject(8, BlobRows.timestamp(tx.now()));
                ps.setObject(9, BlobRows.timestamp(tx.now()));
                ps.executeUpdate();
            }
            ROWS.insertRecipients(tx.c(), id, recipients);
            BlobRows.addRefs(tx, Map.of(prepared.blobId(), 1), null);
            return id;
        });
    }

    @Override
    public long size() {
        return db.read(ROWS::count);
    }

    @Override
    public List<QueuedMessage> claimDue(Instant now, int max, Duration lease) {
        int n = Math.max(0, Math.min(max, MAX_LIST));
        if (n == 0) {
            return List.of();
        }
        return db.tx(tx -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE queue_messages SET lease_owner = ?, lease_until = ?
                    WHERE id IN (SELECT id FROM queue_messages
                                 WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
                                 ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING id""")) {
                ps.setString(1, nodeId);
                ps.setObject(2, BlobRows.timestamp(now.plus(lease)));
                ps.setObject(3, BlobRows.timestamp(now));
                ps.setObject(4, BlobRows.timestamp(now));
                ps.setInt(5, n);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return List.<QueuedMessage>of();
            }
            return load(tx.c(), "WHERE m.id = ANY (?) ORDER BY m.next_attempt_at, m.id",
                    ps -> ps.setArray(1, tx.c().createArrayOf("text", ids.toArray())));
        });
    }

    @Override
    public InputStream open(String queueId) {
        record Blob(String id, long size) {}
        Blob blob = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT b.id, b.size FROM queue_messages m JOIN blobs b ON b.id = m.blob_id WHERE m.id = ?")) {
                ps.setString(1, queueId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Blob(rs.getString(1), rs.getLong(2)) : null;
                }
            }
        });
        if (blob == null) {
            throw new StoreException.NotFound("no such queued message: " + queueId);
        }
        return blobs.read(blob.id(), 0, blob.size());
    }

    @Override
    public void recordOutcome(String queueId, int position, RecipientStatus status, String reply, Instant at) {
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE queue_recipients SET status = ?, attempts = attempts + 1, last_reply = ?, last_attempt_at = ?
                    WHERE queue_id = ? AND position = ?""")) {
                ps.setString(1, status.name());
                ps.setString(2, orEmpty(reply));
                ps.setObject(3, BlobRows.timestamp(at));
                ps.setString(4, queueId);
                ps.setInt(5, position);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.NotFound("no recipient " + position + " of queued message " + queueId);
                }
            }
            return null;
        });
    }

    /**
     * Only the lease owner (this node) may renew; after expiry another node may have claimed the
     * message, and then lease_owner names that node and nothing is updated.
     */
    @Override
    public boolean renewLease(String queueId, Instant now, Duration lease) {
        return db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    UPDATE queue_messages SET lease_until = ?
                    WHERE id = ? AND lease_owner = ? AND lease_until IS NOT NULL""")) {
                ps.setObject(1, BlobRows.timestamp(now.plus(lease)));
                ps.setString(2, queueId);
                ps.setString(3, nodeId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void reschedule(String queueId, Instant nextAttemptAt) {
        update("UPDATE queue_messages SET next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
                queueId, BlobRows.timestamp(nextAttemptAt));
    }

    @Override
    public void markDelayWarned(String queueId) {
        update("UPDATE queue_messages SET delay_warned = ? WHERE id = ?", queueId, true);
    }

    private void update(String sql, String queueId, Object value) {
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                ps.setObject(1, value);
                ps.setString(2, queueId);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.NotFound("no such queued message: " + queueId);
                }
            }
            return null;
        });
    }

    @Override
    public boolean remove(String queueId) {
        return db.tx(tx -> {
            String blobId;
            try (PreparedStatement ps = tx.c().prepareStatement(
                    "DELETE FROM queue_messages WHERE id = ? RETURNING blob_id")) {
                ps.setString(1, queueId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    blobId = rs.getString(1);
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM queue_recipients WHERE queue_id = ?")) {
                ps.setString(1, queueId);
                ps.executeUpdate();
            }
            BlobRows.release(tx, Map.of(blobId, 1));
            return true;
        });
    }

    @Override
    public Optional<QueuedMessage> find(String queueId) {
        return db.read(c -> load(c, "WHERE m.id = ?", ps -> ps.setString(1, queueId))).stream().findFirst();
    }

    @Override
    public List<QueuedMessage> list(int limit) {
        int n = Math.max(0, Math.min(limit, MAX_LIST));
        return db.read(c -> load(c, "ORDER BY m.next_attempt_at, m.id LIMIT ?", ps -> ps.setInt(1, n)));
    }

    /** Messages selected by {@code tail} (WHERE / ORDER BY over m = queue_messages), with recipients. */
    private static List<QueuedMessage> load(Connection c, String tail, Binder binder) throws SQLException {
        List<QueueRows.Head> heads = Sql.list(c, """
                SELECT m.id, m.envelope_from, m.ret, m.envid, m.smtputf8, m.eight_bit, b.size, m.created_at,
                  m.next_attempt_at, m.delay_warned
                FROM queue_messages m JOIN blobs b ON b.id = m.blob_id
                """ + tail, binder, ROWS::head);
        if (heads.isEmpty()) {
            return List.of();
        }
        // one query for the recipients of all the messages, not one per message
        Map<String, List<RecipientState>> recipients = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT queue_id, position, address, notify_on, orcpt, status, attempts, last_reply, last_attempt_at
                FROM queue_recipients WHERE queue_id = ANY (?) ORDER BY queue_id, position""")) {
            ps.setArray(1, c.createArrayOf("text", heads.stream().map(QueueRows.Head::id).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recipients.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(ROWS.recipient(rs, 2));
                }
            }
        }
        List<QueuedMessage> out = new ArrayList<>(heads.size());
        for (QueueRows.Head h : heads) {
            out.add(h.with(recipients.getOrDefault(h.id(), List.of())));
        }
        return out;
    }
}
