package jotmai.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.message.ParsedMessage;
import jotmai.message.StructureCodec;
import jotmai.store.MessageSource;
import jotmai.store.TextField;
import jotmai.store.TextMatches;
import jotmai.store.UidSet;
import jotmai.store.support.SearchableText;

/**
 * The SEARCH text index (migration V5): one {@code message_texts} row per blob with its
 * {@link SearchableText}, written in the append transaction (the text is decoded before it starts), and
 * queried with {@code LIKE '%needle%'} on the folded text, which pg_trgm's GIN indexes answer with a
 * recheck, so the matches are exact (RFC 9051 §6.4.4 substring semantics).
 */
final class SearchTexts {
    private static final Logger log = LoggerFactory.getLogger(SearchTexts.class);

    private SearchTexts() {}

    /** Decodes the text of a prepared message on the caller's thread; empty when not indexable. */
    static Optional<SearchableText.Text> extract(MessageStructures.Prepared prepared, MessageSource source) {
        if (prepared.structure() == null) {
            return Optional.empty();
        }
        try {
            ParsedMessage message = StructureCodec.decode(prepared.structure());
            return SearchableText.extract(message, (offset, length) -> {
                InputStream in = source.open();
                in.skipNBytes(Math.min(offset, source.size()));
                return new java.io.FilterInputStream(in) {
                    private long left = length;

                    @Override
                    public int read() throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int b = super.read();
                        left -= b < 0 ? 0 : 1;
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int off, int len) throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = super.read(buffer, off, (int) Math.min(len, left));
                        left -= Math.max(n, 0);
                        return n;
                    }
                };
            });
        } catch (IOException | RuntimeException e) {
            log.warn("cannot index message {}; SEARCH will scan it: {}", prepared.blobId(), e.toString());
            return Optional.empty();
        }
    }

    /** Stores the text of a blob unless it is there already (dedup: same bytes, same text). */
    static void insert(Tx tx, String blobId, Optional<SearchableText.Text> text) throws SQLException {
        if (text.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.c().prepareStatement("""
                INSERT INTO message_texts(blob_id, headers, body) VALUES (?, ?, ?) ON CONFLICT (blob_id) DO NOTHING""")) {
            ps.setString(1, blobId);
            ps.setString(2, text.get().headers());
            ps.setString(3, text.get().body());
            ps.executeUpdate();
        }
    }

    /** Drops the rows of purged blobs (inside the purge transaction). */
    static void forget(Connection c, List<String> blobIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM message_texts WHERE blob_id = ANY (?)")) {
            Array ids = c.createArrayOf("text", blobIds.toArray());
            ps.setArray(1, ids);
            ps.executeUpdate();
        }
    }

    /** See {@link jotmai.store.MailStore#searchText}; call inside one snapshot. */
    static Optional<TextMatches> search(Connection c, long mailboxId, TextField field, String needle)
            throws SQLException {
        Optional<String> folded = SearchableText.indexableNeedle(needle);
        if (folded.isEmpty()) {
            return Optional.empty();
        }
        MailboxRows.require(c, mailboxId);
        String like = "%" + folded.get().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        String condition = switch (field) {
            case HEADERS -> "t.headers LIKE ?";
            case BODY -> "t.body LIKE ?";
            case ALL -> "(t.headers LIKE ? OR t.body LIKE ?)";
        };
        long account = MailboxIds.accountOf(mailboxId);
        UidSet matches = uids(c, "SELECT m.uid FROM messages m JOIN message_texts t ON t.blob_id = m.blob_id"
                + " WHERE m.account_id = ? AND m.mailbox_id = ? AND " + condition + " ORDER BY m.uid",
                account, mailboxId, field == TextField.ALL ? List.of(like, like) : List.of(like));
        UidSet unverified = uids(c, """
                SELECT m.uid FROM messages m WHERE m.account_id = ? AND m.mailbox_id = ?
                  AND NOT EXISTS (SELECT 1 FROM message_texts t WHERE t.blob_id = m.blob_id) ORDER BY m.uid""",
                account, mailboxId, List.of());
        return Optional.of(new TextMatches(matches, unverified));
    }

    private static UidSet uids(Connection c, String sql, long account, long mailboxId, List<String> params)
            throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, account);
            ps.setLong(2, mailboxId);
            for (int i = 0; i < params.size(); i++) {
                ps.setString(3 + i, params.get(i));
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
