package jotmai.store.postgres;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jotmai.store.MessageSource;
import jotmai.store.QueueStore;
import jotmai.store.StoreException;

/**
 * The shared outbound queue: envelope rows plus one blob reference (the bytes are not parsed;
 * delivery sends them as they are), committed before {@link #enqueue} returns, so SMTP may answer 250.
 * The lease columns are for the delivery module, which claims due messages with
 * {@code FOR UPDATE SKIP LOCKED} so that each is delivered by one node.
 */
final class PgQueueStore implements QueueStore {

    /** Most recipients one queued message may carry (RFC 5321 §4.5.3.1.8 requires at least 100). */
    static final int MAX_RECIPIENTS = 1_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final BlobStore blobs;

    PgQueueStore(Db db, BlobStore blobs) {
        this.db = db;
        this.blobs = blobs;
    }

    @Override
    public String enqueue(String envelopeFrom, List<QueuedRecipient> recipients, MessageSource message, DsnRequest dsn) {
        if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new StoreException.Invalid("a queued message needs 1 to " + MAX_RECIPIENTS + " recipients");
        }
        byte[] idBytes = new byte[12];
        RANDOM.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        MessageStructures.Prepared prepared = MessageStructures.hashOnly(message);
        return db.tx(tx -> {
            BlobRows.ensure(tx, blobs, prepared, message);
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_messages(id, envelope_from, blob_id, ret, envid, smtputf8, eight_bit, created_at,
                      next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, id);
                ps.setString(2, envelopeFrom == null ? "" : envelopeFrom);
                ps.setString(3, prepared.blobId());
                ps.setString(4, dsn.ret() == null ? "" : dsn.ret());
                ps.setString(5, dsn.envid() == null ? "" : dsn.envid());
                ps.setBoolean(6, dsn.smtputf8());
                ps.setBoolean(7, dsn.eightBitMime());
                ps.setObject(8, BlobRows.timestamp(tx.now()));
                ps.setObject(9, BlobRows.timestamp(tx.now()));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO queue_recipients(queue_id, position, address, notify_on, orcpt) VALUES (?, ?, ?, ?, ?)""")) {
                for (int i = 0; i < recipients.size(); i++) {
                    QueuedRecipient r = recipients.get(i);
                    ps.setString(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, r.address());
                    ps.setString(4, r.notifyOn() == null ? "" : r.notifyOn());
                    ps.setString(5, r.orcpt() == null ? "" : r.orcpt());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            BlobRows.addRefs(tx, Map.of(prepared.blobId(), 1), null);
            return id;
        });
    }

    @Override
    public long size() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM queue_messages");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
