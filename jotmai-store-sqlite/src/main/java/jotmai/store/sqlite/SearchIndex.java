package jotmai.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.UidSet;
import jotmai.store.support.SearchableText;

/**
 * SQL of the SEARCH text index (schema V2): {@code search_text} is a contentless FTS5 table with the
 * trigram tokenizer whose rowid is the blob id (copies share one row); it stores
 * {@link SearchableText} (already case-folded, hence {@code case_sensitive 1}). A trigram phrase query
 * checks token positions, so a quoted needle of three or more code points matches exactly the rows
 * whose text contains it (RFC 9051 §6.4.4 substring semantics, no re-check needed).
 * {@code search_pending} lists blobs not indexed yet ({@code skipped = 1}: too large or unreadable;
 * those stay scanned). Rows go when their blob is purged.
 */
final class SearchIndex {

    private SearchIndex() {}

    /** Queues a new message blob for the indexer (same transaction as the blob). */
    static void queue(Tx tx, long blobId) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement(
                "INSERT OR IGNORE INTO search_pending(blob_id) VALUES (?)")) {
            ps.setLong(1, blobId);
            ps.executeUpdate();
        }
    }

    /** Drops the index rows of the blobs {@link BlobTable#purge} is about to delete. */
    static void forgetUnreferenced(Tx tx, long cutoffMs) throws SQLException {
        for (String table : List.of("search_text WHERE rowid", "search_pending WHERE blob_id")) {
            try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM " + table
                    + " IN (SELECT id FROM blob WHERE unreferenced_ms IS NOT NULL AND unreferenced_ms <= ?)")) {
                ps.setLong(1, cutoffMs);
                ps.executeUpdate();
            }
        }
    }

    /**
     * A blob waiting to be indexed and when a message first referenced it (epoch ms; -1: no message
     * references it any more, it was expunged before the indexer got to it).
     */
    record Pending(long blobId, long savedMs) {}

    /** Up to {@code limit} blobs waiting to be indexed, oldest first. */
    static List<Pending> pending(Connection c, int limit) throws SQLException {
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT p.blob_id, coalesce((SELECT min(m.save_ms) FROM message m WHERE m.blob_id = p.blob_id), -1)
                FROM search_pending p WHERE p.skipped = 0 ORDER BY p.blob_id LIMIT ?""")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }

    /**
     * Takes a blob off the queue without indexing it when no message references it (it can gain no new
     * reference then: COPY and MOVE need a message); returns whether it did.
     */
    static boolean dropUnreferenced(Tx tx, long blobId) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                DELETE FROM search_pending WHERE blob_id = ?
                  AND NOT EXISTS (SELECT 1 FROM message WHERE blob_id = ?)""")) {
            ps.setLong(1, blobId);
            ps.setLong(2, blobId);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Stores a blob's text (replacing any earlier row) and takes it off the queue; with no text the
     * blob stays queued as skipped. Does nothing for a blob purged meanwhile.
     */
    static void store(Tx tx, long blobId, Optional<SearchableText.Text> text) throws SQLException {
        try (PreparedStatement exists = tx.c().prepareStatement("SELECT 1 FROM blob WHERE id = ?")) {
            exists.setLong(1, blobId);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    delete(tx.c(), "DELETE FROM search_pending WHERE blob_id = ?", blobId);
                    return;
                }
            }
        }
        if (text.isEmpty()) {
            delete(tx.c(), "UPDATE search_pending SET skipped = 1 WHERE blob_id = ?", blobId);
            return;
        }
        delete(tx.c(), "DELETE FROM search_text WHERE rowid = ?", blobId);
        try (PreparedStatement ps = tx.c().prepareStatement(
                "INSERT INTO search_text(rowid, headers, body) VALUES (?, ?, ?)")) {
            ps.setLong(1, blobId);
            ps.setString(2, text.get().headers());
            ps.setString(3, text.get().body());
            ps.executeUpdate();
        }
        delete(tx.c(), "DELETE FROM search_pending WHERE blob_id = ?", blobId);
    }

    private static void delete(Connection c, String sql, long blobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, blobId);
            ps.executeUpdate();
        }
    }

    /** See {@link jotmai.store.MailStore#searchText}; both sets come from one read snapshot. */
    static Optional<TextMatches> search(Connection c, long mailboxId, TextField field, String needle)
            throws SQLException {
        Optional<String> folded = SearchableText.indexableNeedle(needle);
        if (folded.isEmpty()) {
            return Optional.empty();
        }
        MailboxRows.require(c, mailboxId);
        String phrase = "\"" + folded.get().replace("\"", "\"\"") + "\"";
        String query = switch (field) {
            case HEADERS -> "{headers} : " + phrase;
            case BODY -> "{body} : " + phrase;
            case ALL -> phrase;
        };
        // CROSS JOIN keeps SQLite from scanning the whole mailbox: FTS hits first, then message_blob probes.
        UidSet matches = uids(c, """
                SELECT m.uid FROM (SELECT rowid AS blob_id FROM search_text WHERE search_text MATCH ?2) f
                  CROSS JOIN message m ON m.blob_id = f.blob_id WHERE m.mailbox_id = ?1 ORDER BY m.uid""",
                mailboxId, query);
        UidSet unverified = uids(c, """
                SELECT m.uid FROM message m JOIN search_pending p ON p.blob_id = m.blob_id
                WHERE m.mailbox_id = ? ORDER BY m.uid""", mailboxId, null);
        return Optional.of(new TextMatches(matches, unverified));
    }

    private static UidSet uids(Connection c, String sql, long mailboxId, String query) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, mailboxId);
            if (query != null) {
                ps.setString(2, query);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return UidSet.of(out);
    }
}
