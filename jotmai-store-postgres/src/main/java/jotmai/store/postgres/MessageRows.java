package jotmai.store.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jotmai.store.FlagRows;
import jotmai.store.Flags;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;
import jotmai.store.support.StoredFlags;

/** SQL for message rows: selection by UID set, insertion, flag updates, removal with tombstones. */
final class MessageRows {

    static final String COLUMNS = "m.mailbox_id, m.uid, m.modseq, m.flags, m.internal_date, m.save_date, m.size, m.blob_id";

    /** Distinct flag lists remembered by {@link #flagRows} (bounds the cache when keywords vary a lot). */
    static final int MAX_SHARED_FLAG_SETS = 1024;

    private MessageRows() {}

    /**
     * UIDs, MODSEQs and flags of the mailbox's messages in UID order, optionally restricted by
     * {@code condition} (SQL over the alias {@code m}, with at most one text parameter). Narrow on
     * purpose: SELECT and flag-only SEARCH on 100,000 messages read three columns of the primary key
     * range (or of a partial index), not dates, sizes and blob ids. The flags come as one string
     * (flag names contain no space: {@link StoredFlags#canonical}), and equal strings share one
     * unmodifiable set, so a big mailbox costs a few distinct sets, not one per message.
     */
    static FlagRows flagRows(Connection c, long mailboxId, String condition, String parameter) throws SQLException {
        long[] uids = new long[64];
        long[] modSeqs = new long[64];
        List<Set<String>> flags = new ArrayList<>();
        Map<String, Set<String>> shared = new HashMap<>();
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT m.uid, m.modseq, array_to_string(m.flags, ' ')"
                + " FROM messages m WHERE m.account_id = ? AND m.mailbox_id = ?" + condition + " ORDER BY m.uid")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            if (parameter != null) {
                ps.setString(3, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == uids.length) {
                        uids = Arrays.copyOf(uids, n * 2);
                        modSeqs = Arrays.copyOf(modSeqs, n * 2);
                    }
                    uids[n] = rs.getLong(1);
                    modSeqs[n] = rs.getLong(2);
                    String stored = rs.getString(3);
                    Set<String> set = shared.get(stored);
                    if (set == null) {
                        set = stored.isEmpty() ? Set.of()
                                : Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(stored.split(" "))));
                        if (shared.size() < MAX_SHARED_FLAG_SETS) {
                            shared.put(stored, set);
                        }
                    }
                    flags.add(set);
                    n++;
                }
            }
        }
        return new FlagRows(Arrays.copyOf(uids, n), Arrays.copyOf(modSeqs, n), Collections.unmodifiableList(flags));
    }

    static MessageMeta map(ResultSet rs) throws SQLException {
        Array flags = rs.getArray(4);
        Set<String> set = new LinkedHashSet<>(Arrays.asList((String[]) flags.getArray()));
        return new MessageMeta(rs.getLong(1), rs.getLong(2), rs.getLong(3), set,
                rs.getObject(5, OffsetDateTime.class).toInstant(), rs.getObject(6, OffsetDateTime.class).toInstant(),
                rs.getLong(7), BlobRows.ref(rs.getString(8)));
    }

    /**
     * Messages of the mailbox whose UID is in {@code uids} (all when null), in UID order, optionally
     * only those flagged \Deleted (callers that change them hold the mailbox row lock). The set's
     * ranges are passed as two arrays and joined, so the SQL text stays the same whatever the set and
     * each range is one index range scan.
     */
    static List<MessageMeta> select(Connection c, long mailboxId, UidSet uids, boolean onlyDeleted)
            throws SQLException {
        if (uids != null && uids.isEmpty()) {
            return List.of();
        }
        String filter = onlyDeleted ? " AND m.deleted" : "";
        String sql;
        if (uids == null) {
            sql = "SELECT " + COLUMNS + " FROM messages m WHERE m.account_id = ? AND m.mailbox_id = ?" + filter
                    + " ORDER BY m.uid";
        } else {
            sql = "SELECT " + COLUMNS + " FROM unnest(?::bigint[], ?::bigint[]) r(lo, hi)"
                    + " JOIN messages m ON m.account_id = ? AND m.mailbox_id = ? AND m.uid BETWEEN r.lo AND r.hi"
                    + filter + " ORDER BY m.uid";
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (uids != null) {
                Long[] lo = new Long[uids.ranges().size()];
                Long[] hi = new Long[lo.length];
                for (int r = 0; r < lo.length; r++) {
                    lo[r] = uids.ranges().get(r).first();
                    hi[r] = uids.ranges().get(r).last();
                }
                ps.setArray(i++, c.createArrayOf("bigint", lo));
                ps.setArray(i++, c.createArrayOf("bigint", hi));
            }
            ps.setLong(i++, MailboxIds.accountOf(mailboxId));
            ps.setLong(i, mailboxId);
            List<MessageMeta> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        }
    }

    static MessageMeta insert(Tx tx, long mailboxId, long uid, long modSeq, Set<String> flags, Instant internalDate,
                              long size, String blobId, long threadId) throws SQLException {
        return insert(tx, mailboxId, uid, modSeq, flags, internalDate, size, blobId, true, threadId);
    }

    /**
     * As above; {@code recent} false only for imported messages a session already saw (RFC 3501 §2.3.2).
     * {@code threadId}: see {@link Threads}.
     */
    static MessageMeta insert(Tx tx, long mailboxId, long uid, long modSeq, Set<String> flags, Instant internalDate,
                              long size, String blobId, boolean recent, long threadId) throws SQLException {
        Instant internal = internalDate.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try (PreparedStatement ps = tx.c().prepareStatement("""
                INSERT INTO messages(account_id, mailbox_id, uid, modseq, added_modseq, flags, seen, deleted, recent,
                  internal_date, save_date, size, blob_id, thread_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            ps.setLong(3, uid);
            ps.setLong(4, modSeq);
            ps.setLong(5, modSeq);
            ps.setArray(6, tx.c().createArrayOf("text", flags.toArray()));
            ps.setBoolean(7, StoredFlags.containsIgnoreCase(flags, Flags.SEEN));
            ps.setBoolean(8, StoredFlags.containsIgnoreCase(flags, Flags.DELETED));
            ps.setBoolean(9, recent);
            ps.setObject(10, BlobRows.timestamp(internal));
            ps.setObject(11, BlobRows.timestamp(tx.now()));
            ps.setLong(12, size);
            ps.setString(13, blobId);
            ps.setLong(14, threadId);
            ps.executeUpdate();
        }
        return new MessageMeta(mailboxId, uid, modSeq, flags, internal, tx.now(), size, BlobRows.ref(blobId));
    }

    /** Sets new flags of many messages of one mailbox with one MODSEQ, in one batch. */
    static void updateFlags(Connection c, long mailboxId, List<MessageMeta> changed, long modSeq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE messages SET flags = ?, seen = ?, deleted = ?, modseq = ?
                WHERE account_id = ? AND mailbox_id = ? AND uid = ?""")) {
            for (MessageMeta m : changed) {
                ps.setArray(1, c.createArrayOf("text", m.flags().toArray()));
                ps.setBoolean(2, StoredFlags.containsIgnoreCase(m.flags(), Flags.SEEN));
                ps.setBoolean(3, StoredFlags.containsIgnoreCase(m.flags(), Flags.DELETED));
                ps.setLong(4, modSeq);
                ps.setLong(5, MailboxIds.accountOf(mailboxId));
                ps.setLong(6, mailboxId);
                ps.setLong(7, m.uid());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** What a removal freed: octets, messages, and references per blob. */
    record Removed(long bytes, long count, Map<String, Integer> blobRefs) {
        static Removed of(List<MessageMeta> rows) {
            long bytes = 0;
            Map<String, Integer> refs = new HashMap<>();
            for (MessageMeta m : rows) {
                bytes += m.size();
                refs.merge(m.blob().id(), 1, Integer::sum);
            }
            return new Removed(bytes, rows.size(), refs);
        }
    }

    /**
     * Deletes the given messages and records a tombstone per UID with {@code modSeq} (RFC 7162 §3.2.5
     * VANISHED (EARLIER); old ones are pruned, {@link PgTombstones}). The caller releases blobs and usage.
     */
    static Removed remove(Connection c, long mailboxId, List<MessageMeta> rows, long modSeq) throws SQLException {
        long accountId = MailboxIds.accountOf(mailboxId);
        Long[] uids = rows.stream().map(MessageMeta::uid).toArray(Long[]::new);
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM messages WHERE account_id = ? AND mailbox_id = ? AND uid = ANY (?)")) {
            ps.setLong(1, accountId);
            ps.setLong(2, mailboxId);
            ps.setArray(3, c.createArrayOf("bigint", uids));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO tombstones(account_id, mailbox_id, uid, modseq) SELECT ?, ?, u, ? FROM unnest(?::bigint[]) u
                ON CONFLICT (account_id, mailbox_id, uid) DO UPDATE SET modseq = excluded.modseq""")) {
            ps.setLong(1, accountId);
            ps.setLong(2, mailboxId);
            ps.setLong(3, modSeq);
            ps.setArray(4, c.createArrayOf("bigint", uids));
            ps.executeUpdate();
        }
        PgSeenMarks.removeMessages(c, mailboxId, uids); // every reader's \Seen (issue 7)
        return Removed.of(rows);
    }

    /** Deletes every message of a mailbox being deleted (no tombstones: they go with the mailbox). */
    static Removed deleteAll(Connection c, Mailbox mailbox) throws SQLException {
        List<MessageMeta> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM messages m WHERE m.account_id = ? AND m.mailbox_id = ?"
                + " RETURNING " + COLUMNS)) {
            ps.setLong(1, mailbox.accountId());
            ps.setLong(2, mailbox.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(map(rs));
                }
            }
        }
        return Removed.of(rows);
    }
}
