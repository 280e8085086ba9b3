package jotmai.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

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

    @Override
    public void delete(Connection tx, List<String> ids) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("DELETE FROM blob_chunks WHERE blob_id = ANY (?)")) {
            ps.setArray(1, tx.createArrayOf("text", ids.toArray()));
            ps.executeUpdate();
        }
    }
}
