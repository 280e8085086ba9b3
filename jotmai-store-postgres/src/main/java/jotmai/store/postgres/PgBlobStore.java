package jotmai.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * Message bytes in PostgreSQL as {@code blob_chunks} rows of {@link #CHUNK_SIZE} octets (stored out of
 * line and uncompressed). A byte range reads only the chunks it spans, and of the first and last only
 * the slice it needs ({@code substring()} on EXTERNAL storage), so serving a range of a 25 MB message
 * never loads the message, and writing one holds a single chunk in memory.
 */
final class PgBlobStore implements BlobStore {

    /** Octets per chunk row. */
    static final int CHUNK_SIZE = 256 * 1024;

    private final Db db;

    PgBlobStore(Db db) {
        this.db = db;
    }

    @Override
    public void write(Connection tx, String id, MessageSource source, long size) throws SQLException {
        MessageDigest sha = MessageStructures.sha256();
        long written = 0;
        try (InputStream in = new DigestInputStream(source.open(), sha);
             PreparedStatement ps = tx.prepareStatement("INSERT INTO blob_chunks(blob_id, seq, data) VALUES (?, ?, ?)")) {
            byte[] buf = new byte[CHUNK_SIZE];
            for (int seq = 0; ; seq++) {
                int n = in.readNBytes(buf, 0, CHUNK_SIZE);
                if (n <= 0) {
                    break;
                }
                ps.setString(1, id);
                ps.setInt(2, seq);
                ps.setBytes(3, n == CHUNK_SIZE ? buf : Arrays.copyOf(buf, n));
                ps.executeUpdate();
                written += n;
                if (n < CHUNK_SIZE) {
                    break;
                }
            }
            in.transferTo(java.io.OutputStream.nullOutputStream()); // hash any rest so that a grown source is detected
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message to store", e);
        }
        if (written != size || !HexFormat.of().formatHex(sha.digest()).equals(id)) {
            throw new StoreException.Invalid("message changed while being stored");
        }
    }

    @Override
    public InputStream read(String id, long start, long end) {
        return new BlobInputStream(db, id, start, end, CHUNK_SIZE);
    }

    /**
     * One statement for the whole batch: the sizes from {@code blobs} and every chunk, in order. A blob
     * whose chunks do not add up to its size (being purged) is left out.
     */
    @Override
    public Map<String, byte[]> readWhole(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return db.read(c -> {
            Map<String, byte[]> whole = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT b.id, b.size, c.seq, c.data FROM blobs b LEFT JOIN blob_chunks c ON c.blob_id = b.id
                    WHERE b.id = ANY (?) ORDER BY b.id, c.seq""")) {
                ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    Assembly current = null;
                    while (rs.next()) {
                        String id = rs.getString(1);
                        if (current == null || !current.id.equals(id)) {
                            if (current != null) {
                                current.finishInto(whole);
                            }
                            current = new Assembly(id, rs.getLong(2));
                        }
                        current.add(rs.getInt(3), rs.getBytes(4));
                    }
                    if (current != null) {
                        current.finishInto(whole);
                    }
                }
            }
            return whole;
        });
    }

    /** One blob's bytes being put together from its chunk rows. */
    private static final class Assembly {
        final String id;
        final byte[] bytes;
        int filled;
        boolean intact;

        Assembly(String id, long size) {
            this.id = id;
            this.intact = size >= 0 && size <= Integer.MAX_VALUE - 8;
            this.bytes = intact ? new byte[(int) size] : null;
        }

        /** A chunk row; null data: the blob has no chunk rows at all (empty, or purged). */
        void add(int seq, byte[] data) {
            if (!intact || data == null) {
                return;
            }
            if ((long) seq * CHUNK_SIZE != filled || data.length > bytes.length - filled) {
                intact = false;
                return;
            }
            System.arraycopy(data, 0, bytes, filled, data.length);
            filled += data.length;
        }

        /** Adds the bytes to {@code whole} if every chunk was there. */
        void finishInto(Map<String, byte[]> whole) {
            if (intact && filled == bytes.length) {
                whole.put(id, bytes);
            }
        }
    }

    @Override
    public void delete(Connection tx, List<String> ids) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("DELETE FROM blob_chunks WHERE blob_id = ANY (?)")) {
            ps.setArray(1, tx.createArrayOf("text", ids.toArray()));
            ps.executeUpdate();
        }
    }
}
