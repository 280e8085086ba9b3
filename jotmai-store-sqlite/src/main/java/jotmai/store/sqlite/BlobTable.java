package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jotmai.store.BlobRef;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * Message bytes stored as SQLite rows of {@link #CHUNK_SIZE} octets, with a reference count (copies,
 * moves and multi-recipient deliveries share one blob) and the encoded parse-once structure.
 *
 * <p>A blob whose count drops to zero is not deleted at once: IMAP sessions may still show the expunged
 * message and fetch it (RFC 9051 §7.5.1 lets a server answer such fetches). It gets
 * {@code unreferenced_ms} and is purged once it has been unreferenced for longer than the configured
 * grace period (see {@link SqliteStore.Options#blobGrace}).
 */
final class BlobTable {

    /** Octets per stored chunk: a header fetch reads one chunk, a byte range only the chunks it spans. */
    static final int CHUNK_SIZE = 16 * 1024;

    private BlobTable() {}

    static BlobRef ref(long blobId) {
        return new BlobRef(Long.toString(blobId));
    }

    /** The numeric id of a blob reference; NotFound for references this backend never issued. */
    static long id(BlobRef ref) {
        try {
            return Long.parseLong(ref.id());
        } catch (NumberFormatException e) {
            throw new StoreException.NotFound("no such message content: " + ref.id());
        }
    }

    /**
     * Stores the bytes of {@code source} with {@code refs} references; returns the blob id. Runs on
     * the writer thread inside the group transaction; reads the source one chunk at a time.
     */
    static long insert(Tx tx, MessageSource source, long size, byte[] structure, int refs) throws SQLException {
        long id = nextId(tx.c());
        try (PreparedStatement ps = tx.c().prepareStatement(
                "INSERT INTO blob(id, size, refs, unreferenced_ms, structure) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setLong(2, size);
            ps.setInt(3, refs);
            if (refs == 0) {
                ps.setLong(4, tx.now());
            } else {
                ps.setNull(4, java.sql.Types.INTEGER);
            }
            ps.setBytes(5, structure);
            ps.executeUpdate();
        }
        if (structure != null && structure.length > 0) {
            SearchIndex.queue(tx, id); // a message, not a queued one: index its text after commit
        }
        long written = 0;
        try (InputStream in = source.open();
             PreparedStatement ps = tx.c().prepareStatement(
                     "INSERT INTO blob_chunk(blob_id, seq, data) VALUES (?, ?, ?)")) {
            byte[] buf = new byte[CHUNK_SIZE];
            int seq = 0;
            while (true) {
                int n = in.readNBytes(buf, 0, CHUNK_SIZE);
                if (n <= 0) {
                    break;
                }
                ps.setLong(1, id);
                ps.setInt(2, seq++);
                ps.setBytes(3, n == CHUNK_SIZE ? buf : java.util.Arrays.copyOf(buf, n));
                ps.executeUpdate();
                written += n;
                if (n < CHUNK_SIZE) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message to store", e);
        }
        if (written != size) {
            throw new StoreException.Invalid("message source changed while storing: expected " + size
                    + " octets, read " + written);
        }
        return id;
    }

    /**
     * A blob id never issued before in this database, even if the blob that had the highest id was
     * purged (schema {@code blob_seq}), so that an id names the same bytes for as long as anyone may hold
     * it ({@link BlobCache}). The max(id) term covers rows written by a binary that predates the sequence.
     */
    private static long nextId(Connection c) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(
                "UPDATE blob_seq SET last = max(last, (SELECT coalesce(max(id), 0) FROM blob)) + 1")) {
            up.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT last FROM blob_seq");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("blob_seq is empty");
            }
            return rs.getLong(1);
        }
    }

    static long lastRowId(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_insert_rowid()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Adds {@code n} references (copy, move, multi-delivery). */
    static void addRefs(Tx tx, long blobId, int n) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement(
                "UPDATE blob SET refs = refs + ?, unreferenced_ms = NULL WHERE id = ?")) {
            ps.setInt(1, n);
            ps.setLong(2, blobId);
            ps.executeUpdate();
        }
    }

    /** Drops one reference; at zero the blob waits for {@link #purge}. */
    static void release(Tx tx, long blobId) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                UPDATE blob SET refs = refs - 1,
                  unreferenced_ms = CASE WHEN refs - 1 <= 0 THEN ? ELSE NULL END WHERE id = ?""")) {
            ps.setLong(1, tx.now());
            ps.setLong(2, blobId);
            ps.executeUpdate();
        }
    }

    /** Deletes blobs unreferenced since before {@code cutoffMs}; returns how many. */
    static int purge(Tx tx, long cutoffMs) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement(
                "SELECT id FROM blob WHERE unreferenced_ms IS NOT NULL AND unreferenced_ms <= ?")) {
            ps.setLong(1, cutoffMs);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0;
                }
                do {
                    tx.purged(rs.getLong(1)); // for BlobCache, after the commit
                } while (rs.next());
            }
        }
        try (PreparedStatement chunks = tx.c().prepareStatement("""
                DELETE FROM blob_chunk WHERE blob_id IN
                  (SELECT id FROM blob WHERE unreferenced_ms IS NOT NULL AND unreferenced_ms <= ?)""");
             PreparedStatement blobs = tx.c().prepareStatement(
                     "DELETE FROM blob WHERE unreferenced_ms IS NOT NULL AND unreferenced_ms <= ?")) {
            chunks.setLong(1, cutoffMs);
            chunks.executeUpdate();
            SearchIndex.forgetUnreferenced(tx, cutoffMs);
            blobs.setLong(1, cutoffMs);
            return blobs.executeUpdate();
        }
    }

    record BlobInfo(long size, byte[] structure) {}

    /** The size of a blob, without its structure (reading content needs no more). */
    static Optional<Long> size(Connection c, long blobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT size FROM blob WHERE id = ?")) {
            ps.setLong(1, blobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** A whole blob's bytes (its chunks in order); empty when it is gone or incomplete. */
    static Optional<byte[]> content(Connection c, long blobId) throws SQLException {
        Optional<Long> size = size(c, blobId);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        if (size.get() == 0) {
            return Optional.of(new byte[0]);
        }
        byte[] data = BlobInputStream.readWindow(c, blobId, 0, (int) ((size.get() - 1) / CHUNK_SIZE));
        return data == null || data.length != size.get() ? Optional.empty() : Optional.of(data);
    }

    /**
     * Whole bytes of several blobs in one statement (POP3 reads runs of small messages this way): one
     * execution for the batch instead of two per blob, and each result array is allocated at its exact
     * size (a single-chunk blob is the driver's array itself, no copy). The ids go in as a JSON array
     * ({@code json_each}, built into SQLite since 3.38), so the statement text, and its cached prepared
     * statement, is the same for every batch size. Blobs that are gone or incomplete are left out.
     */
    static Map<Long, byte[]> contents(Connection c, Collection<Long> blobIds) throws SQLException {
        Map<Long, byte[]> out = new HashMap<>();
        if (blobIds.isEmpty()) {
            return out;
        }
        StringBuilder json = new StringBuilder(blobIds.size() * 8).append('[');
        for (long id : blobIds) {
            json.append(json.length() > 1 ? "," : "").append(id);
        }
        json.append(']');
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT b.id, b.size, c.seq, c.data FROM blob b LEFT JOIN blob_chunk c ON c.blob_id = b.id
                WHERE b.id IN (SELECT value FROM json_each(?)) ORDER BY b.id, c.seq""")) {
            ps.setString(1, json.toString());
            try (ResultSet rs = ps.executeQuery()) {
                long current = -1;
                byte[] bytes = null;
                int filled = 0;
                boolean broken = false;
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (id != current) {
                        if (bytes != null && !broken && filled == bytes.length) {
                            out.put(current, bytes);
                        }
                        current = id;
                        long size = rs.getLong(2);
                        broken = size > Integer.MAX_VALUE;
                        bytes = broken ? null : size == 0 ? new byte[0] : null;
                        filled = 0;
                        if (size == 0) {
                            continue; // LEFT JOIN row without a chunk
                        }
                        if (!broken) {
                            bytes = new byte[(int) size];
                        }
                    }
                    if (broken) {
                        continue;
                    }
                    byte[] data = rs.getBytes(4);
                    // chunks must come in order without gaps and add up to exactly the size
                    if (data == null || rs.getInt(3) != filled / CHUNK_SIZE || filled % CHUNK_SIZE != 0
                            || data.length > bytes.length - filled) {
                        broken = true;
                        continue;
                    }
                    if (filled == 0 && data.length == bytes.length) {
                        bytes = data; // one chunk: the driver's array is already the content
                    } else {
                        System.arraycopy(data, 0, bytes, filled, data.length);
                    }
                    filled += data.length;
                }
                if (bytes != null && !broken && filled == bytes.length) {
                    out.put(current, bytes);
                }
            }
        }
        return out;
    }

    static Optional<BlobInfo> info(Connection c, long blobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT size, structure FROM blob WHERE id = ?")) {
            ps.setLong(1, blobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] structure = rs.getBytes(2);
                return Optional.of(new BlobInfo(rs.getLong(1), structure == null ? new byte[0] : structure));
            }
        }
    }

    static void updateStructure(Tx tx, long blobId, byte[] structure) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("UPDATE blob SET structure = ? WHERE id = ?")) {
            ps.setBytes(1, structure);
            ps.setLong(2, blobId);
            ps.executeUpdate();
        }
    }
}
