package jotmai.store.postgres;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jotmai.store.MessageSource;

/**
 * Where message bytes live. Metadata (size, reference count, parse-once structure) stays in the
 * {@code blobs} table, whatever the implementation; this interface only moves bytes, so that an
 * S3-compatible store can replace {@link PgBlobStore} later.
 *
 * <p>Blob ids are the hex SHA-256 of the bytes, so equal messages share one blob across copies,
 * recipients and accounts, and a write under an existing id can be skipped (or repeated harmlessly by
 * a non-transactional store).
 */
public interface BlobStore {

    /**
     * Stores the bytes of {@code source} under {@code id}. Called inside the transaction {@code tx}
     * that inserted the blob's metadata row (a transactional store writes with it; another store may
     * write idempotently before returning and ignore {@code tx}). Throws
     * {@link jotmai.store.StoreException.Invalid} when the bytes do not match {@code id} or {@code size}.
     */
    void write(Connection tx, String id, MessageSource source, long size) throws SQLException;

    /** Streams bytes [start, end) of a stored blob, fetching them piecewise as they are read. */
    InputStream read(String id, long start, long end);

    /**
     * The whole bytes of several stored blobs at once, for clients that download runs of small messages
     * (POP3 RETR); blobs that are not stored (or not completely) are left out. The caller bounds the
     * total size (it knows the sizes). One round trip where the store can.
     */
    Map<String, byte[]> readWhole(Collection<String> ids);

    /** Removes the bytes of blobs being purged (inside the purge transaction {@code tx}). */
    void delete(Connection tx, List<String> ids) throws SQLException;
}
