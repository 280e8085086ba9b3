package jotmai.store.sqlite;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;

import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.StoreException;

/**
 * The outbound queue in the same database: one blob (not parsed; delivery sends the bytes as they are)
 * plus envelope rows, committed through group commit, so enqueue is durable before SMTP answers 250.
 */
final class SqliteQueueStore implements QueueStore {

    /** Most recipients one queued message may carry (RFC 5321 §4.5.3.1.8 requires at least 100). */
    static final int MAX_RECIPIENTS = 1_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final GroupCommitWriter writer;

    SqliteQueueStore(Database db, GroupCommitWriter writer) {
        this.db = db;
        this.writer = writer;
    }

    @Override
    public String enqueue(String envelopeFrom, List<QueuedRecipient> recipients, MessageSource message, DsnRequest dsn) {
        if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new StoreException.Invalid("a queued message needs 1 to " + MAX_RECIPIENTS + " recipients");
        }
        byte[] idBytes = new byte[12];
        RANDOM.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        long size = message.size();
        return writer.write(tx -> {
            long blobId = BlobTable.insert(tx, message, size, new byte[0], 1);
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_message(id, envelope_from, blob_id, ret, envid, smtputf8, eight_bit, created_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, id);
                ps.setString(2, envelopeFrom == null ? "" : envelopeFrom);
                ps.setLong(3, blobId);
                ps.setString(4, dsn.ret() == null ? "" : dsn.ret());
                ps.setString(5, dsn.envid() == null ? "" : dsn.envid());
                ps.setInt(6, dsn.smtputf8() ? 1 : 0);
                ps.setInt(7, dsn.eightBitMime() ? 1 : 0);
                ps.setLong(8, tx.now());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_recipient(queue_id, position, address, notify_on, orcpt) VALUES (?, ?, ?, ?, ?)""")) {
                for (int i = 0; i < recipients.size(); i++) {
                    QueuedRecipient r = recipients.get(i);
                    ps.setString(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, r.address());
                    ps.setString(4, r.notifyOn() == null ? "" : r.notifyOn());
                    ps.setString(5, r.orcpt() == null ? "" : r.orcpt());
                    ps.executeUpdate();
                }
            }
            return id;
        });
    }

    @Override
    public long size() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM queue_message");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
