package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jotmai.store.BlobRef;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * The {@code blobs} metadata rows: dedup by content hash, reference counts, parse-once structure, and
 * the purge of blobs nobody references any more.
 *
 * <p>Lock order: a new blob row is inserted first in a transaction (while it holds no other lock);
 * reference counts change last, in blob-id order (see {@link Db}). A blob whose count drops to zero
 * stays readable for the grace period, since IMAP sessions may still show the expunged message.
 */
final class BlobRows {

    /** Most blobs deleted by one purge transaction. */
    static final int PURGE_BATCH = 500;

    private BlobRows() {}

    static BlobRef ref(String id) {
        return new BlobRef(id);
    }

    static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /**
     * Makes sure the bytes exist: inserts the row and writes the bytes when the hash is new, does
     * nothing when a blob with these bytes exists (the dedup). References are added later with
     * {@link #addRefs}.
     */
    static void ensure(Tx tx, BlobStore store, MessageStructures.Prepared prepared, MessageSource source)
            throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                INSERT INTO blobs(id, size, refs, structure, created_at) VALUES (?, ?, 0, ?, ?)
                ON CONFLICT (id) DO NOTHING""")) {
            ps.setString(1, prepared.blobId());
            ps.setLong(2, prepared.size());
            ps.setBytes(3, prepared.structure());
            ps.setObject(4, timestamp(tx.now()));
            if (ps.executeUpdate() == 1) {
                store.write(tx.c(), prepared.blobId(), source, prepared.size());
            }
        }
    }

    /**
     * Adds references, in blob-id order. A blob purged since {@link #ensure} saw it makes the whole
     * transaction run again ({@link Tx.Retry}); it then inserts the bytes anew.
     */
    static void addRefs(Tx tx, Map<String, Integer> refs, byte[] structure) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                UPDATE blobs SET refs = refs + ?, unreferenced_at = NULL, structure = coalesce(structure, ?)
                WHERE id = ?""")) {
            for (Map.Entry<String, Integer> e : new TreeMap<>(refs).entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setBytes(2, structure);
                ps.setString(3, e.getKey());
                if (ps.executeUpdate() == 0) {
                    throw new Tx.Retry("blob " + e.getKey() + " was purged meanwhile");
                }
            }
        }
    }

    /** Drops references, in blob-id order; at zero the grace period starts. */
    static void release(Tx tx, Map<String, Integer> refs) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                UPDATE blobs SET refs = refs - ?, unreferenced_at = CASE WHEN refs - ? <= 0 THEN ? END
                WHERE id = ?""")) {
            for (Map.Entry<String, Integer> e : new TreeMap<>(refs).entrySet()) {
                ps.setInt(1, e.getValue());
                ps.setInt(2, e.getValue());
                ps.setObject(3, timestamp(tx.now()));
                ps.setString(4, e.getKey());
                ps.executeUpdate();
            }
        }
    }

    record Info(long size, byte[] structure) {}

    /** Blob ids are hex SHA-256; anything else was never issued (and may not even be storable text). */
    private static final java.util.regex.Pattern BLOB_ID = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /** Whether {@code id} has the form of a blob id (one we could ever have issued). */
    static boolean wellFormed(String id) {
        return BLOB_ID.matcher(id).matches();
    }

    static Optional<Info> info(Connection c, String id) throws SQLException {
        if (!wellFormed(id)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT size, structure FROM blobs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Info(rs.getLong(1), rs.getBytes(2))) : Optional.empty();
            }
        }
    }

    static Info require(Connection c, BlobRef ref) throws SQLException {
        return info(c, ref.id()).orElseThrow(() -> new StoreException.NotFound("no such message content: " + ref.id()));
    }

    /**
     * Deletes up to {@link #PURGE_BATCH} blobs unreferenced since before {@code cutoff}. SKIP LOCKED:
     * a blob that a concurrent append is just referencing again is left for the next purge.
     */
    static int purge(Tx tx, BlobStore store, Instant cutoff) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = tx.c().prepareStatement("""
                DELETE FROM blobs WHERE id IN (
                  SELECT id FROM blobs WHERE unreferenced_at IS NOT NULL AND unreferenced_at < ? AND refs <= 0
                  LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING id""")) {
            ps.setObject(1, timestamp(cutoff));
            ps.setInt(2, PURGE_BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        if (!ids.isEmpty()) {
            SearchTexts.forget(tx.c(), ids);
            store.delete(tx.c(), ids);
        }
        return ids.size();
    }
}
