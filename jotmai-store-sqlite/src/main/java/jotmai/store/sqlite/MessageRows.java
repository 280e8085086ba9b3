package jotmai.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jotmai.store.FlagRows;
import jotmai.store.FlagSetList;
import jotmai.store.Flags;
import jotmai.store.MessageMeta;
import jotmai.store.SelectState;
import jotmai.store.StoreException;
import jotmai.store.UidSet;
import jotmai.store.support.StoredFlags;

/** SQL for message rows: selection by UID set, insertion, UID and MODSEQ allocation. */
final class MessageRows {

    static final String COLUMNS = "mailbox_id, uid, modseq, flags, internal_ms, save_ms, size, blob_id";

    /** Above this many ranges a UID set is filtered in Java instead of in SQL (bounds the SQL text). */
    private static final int MAX_SQL_RANGES = 100;
    /** Largest UID (RFC 9051 §2.3.1.1: nz-number is 32-bit). */
    static final long MAX_UID = 0xFFFF_FFFFL;
    /** Distinct flag strings remembered by {@link #flagRows} (bounds the cache when keywords vary a lot). */
    private static final int MAX_SHARED_FLAG_SETS = 1024;
    /** Up to this many distinct flag strings {@link #flagRows} numbers them in SQL (bounds the CASE). */
    private static final int MAX_NUMBERED_FLAG_SETS = 32;

    private MessageRows() {}

    /**
     * Whether a stored flags string holds a keyword, i.e. a word not starting with a backslash
     * (FlagCodec joins flags with single spaces; in GLOB "[^\]" is any character but a backslash, GLOB
     * has no escape character). Also the condition of the partial index message_keywords: a query must
     * spell it exactly so for SQLite to use that index.
     */
    static final String HAS_KEYWORD = "(' ' || flags) GLOB '* [^\\]*'";

    /** One stored message with the columns that writes need besides its meta. */
    record Row(MessageMeta meta, long blobId, String storedFlags, long threadId) {}

    static MessageMeta map(ResultSet rs) throws SQLException {
        return new MessageMeta(rs.getLong(1), rs.getLong(2), rs.getLong(3), FlagCodec.decode(rs.getString(4)),
                Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), rs.getLong(7),
                BlobTable.ref(rs.getLong(8)));
    }

    /** Whether any message of the mailbox in {@code uids} (all when null) has \Deleted. */
    static boolean anyDeleted(Connection c, long mailboxId, UidSet uids) throws SQLException {
        return !select(c, mailboxId, uids, true).isEmpty();
    }

    /** Messages of the mailbox in {@code uids} (all when null), in UID order, optionally only \Deleted. */
    static List<Row> select(Connection c, long mailboxId, UidSet uids, boolean onlyDeleted) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + ", " + Threads.THREAD_ID
                + " FROM message WHERE mailbox_id = ?");
        if (onlyDeleted) {
            sql.append(" AND deleted = 1");
        }
        boolean filterInJava = false;
        List<Long> params = new ArrayList<>();
        if (uids != null) {
            if (uids.isEmpty()) {
                return List.of();
            }
            List<UidSet.Range> ranges = uids.ranges();
            if (ranges.size() > MAX_SQL_RANGES) {
                filterInJava = true;
                sql.append(" AND uid BETWEEN ? AND ?");
                params.add(ranges.getFirst().first());
                params.add(ranges.getLast().last());
            } else {
                sql.append(" AND (");
                for (int i = 0; i < ranges.size(); i++) {
                    sql.append(i == 0 ? "" : " OR ").append("uid BETWEEN ? AND ?");
                    params.add(ranges.get(i).first());
                    params.add(ranges.get(i).last());
                }
                sql.append(")");
            }
        }
        sql.append(" ORDER BY uid");
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, mailboxId);
            for (int i = 0; i < params.size(); i++) {
                ps.setLong(i + 2, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    MessageMeta meta = map(rs);
                    if (!filterInJava || uids.contains(meta.uid())) {
                        out.add(new Row(meta, rs.getLong(8), rs.getString(4), rs.getLong(9)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * UID, MODSEQ and flags of every message of the mailbox in UID order. Most messages of a big mailbox
     * share a handful of flag strings ("", "\\Seen", ...): each distinct string is decoded once and its
     * unmodifiable set shared, so 100,000 rows cost three arrays rather than 100,000 MessageMeta objects.
     * {@code condition}: empty or a fixed SQL condition of this class's callers (" AND seen = 0").
     */
    static FlagRows flagRows(Connection c, long mailboxId, String condition) throws SQLException {
        // Reading the flags string of every row is most of a 100,000-row scan (a JNI call and a new
        // String per row for a handful of distinct values: ~90 of ~115 ms, BENCHMARKS "First SELECT after
        // a server start"). So: the distinct strings first, then an integer per row. Both statements run
        // in the caller's transaction (one snapshot); a value missing from the first falls back.
        List<String> distinct = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT flags FROM message WHERE mailbox_id = ?"
                + condition + " LIMIT " + (MAX_NUMBERED_FLAG_SETS + 1))) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    distinct.add(rs.getString(1));
                }
            }
        }
        if (distinct.size() <= MAX_NUMBERED_FLAG_SETS) {
            FlagRows numbered = numberedFlagRows(c, mailboxId, condition, distinct);
            if (numbered != null) {
                return numbered;
            }
        }
        return scannedFlagRows(c, mailboxId, condition);
    }

    /** {@link #flagRows} with the flags string read per row (many distinct strings). */
    private static FlagRows scannedFlagRows(Connection c, long mailboxId, String condition) throws SQLException {
        RowBuffer rows = new RowBuffer();
        // the distinct flag strings, each decoded once: a message holds an index into this table
        List<Set<String>> table = new ArrayList<>();
        Map<String, Integer> decoded = new HashMap<>();
        String lastStored = null;
        int lastAt = -1;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT uid, modseq, flags FROM message WHERE mailbox_id = ?" + condition + " ORDER BY uid")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String stored = rs.getString(3);
                    if (!java.util.Objects.equals(stored, lastStored)) {
                        Integer at = decoded.get(stored);
                        if (at == null) {
                            at = table.size();
                            table.add(Collections.unmodifiableSet(FlagCodec.decode(stored)));
                            if (decoded.size() < MAX_SHARED_FLAG_SETS) {
                                decoded.put(stored, at);
                            }
                        }
                        lastStored = stored;
                        lastAt = at;
                    }
                    rows.add(rs.getLong(1), rs.getLong(2), lastAt);
                }
            }
        }
        return rows.toFlagRows(table);
    }

    /**
     * {@link #flagRows} given the mailbox's distinct flag strings: each row carries the string's position
     * ({@code CASE flags WHEN ? THEN 0 ...}, computed inside SQLite). Null when a row has a string not in
     * {@code distinct} (not expected within one snapshot; the caller then scans).
     */
    private static FlagRows numberedFlagRows(Connection c, long mailboxId, String condition, List<String> distinct)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT uid, modseq, CASE flags");
        for (int i = 0; i < distinct.size(); i++) {
            sql.append(" WHEN ? THEN ").append(i);
        }
        sql.append(" ELSE -1 END FROM message WHERE mailbox_id = ?").append(condition).append(" ORDER BY uid");
        if (distinct.isEmpty()) {
            sql = new StringBuilder("SELECT uid, modseq, -1 FROM message WHERE mailbox_id = ?" + condition + " ORDER BY uid");
        }
        List<Set<String>> table = new ArrayList<>(distinct.size());
        for (String stored : distinct) {
            table.add(Collections.unmodifiableSet(FlagCodec.decode(stored)));
        }
        RowBuffer rows = new RowBuffer();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (String stored : distinct) {
                ps.setString(p++, stored);
            }
            ps.setLong(p, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int at = rs.getInt(3);
                    if (at < 0) {
                        return null;
                    }
                    rows.add(rs.getLong(1), rs.getLong(2), at);
                }
            }
        }
        return rows.toFlagRows(table);
    }

    /**
     * What SELECT needs without the flag rows (issue 4, {@link SelectState}): the UIDs, the first
     * unseen UID and the keywords in use. In one snapshot (the caller's transaction):
     * <ul>
     * <li>count, lowest and highest UID (an index count and two primary key seeks); when the UIDs are
     *     dense, as in a mailbox nobody expunged from, the array is filled without reading a row;
     *     otherwise one {@code SELECT uid} over the primary key range, a long per row;
     * <li>the first unseen UID: the first entry of the partial index message_unseen (a mailbox where all
     *     is read would otherwise walk every row);
     * <li>the keywords: the distinct flag strings of the partial index message_keywords, which holds
     *     only the messages with a keyword (without it: a pass over every row's flags, ~20 ms).
     * </ul>
     */
    static SelectState selectState(Connection c, long mailboxId) throws SQLException {
        long count;
        long min;
        long max;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (SELECT count(*) FROM message WHERE mailbox_id = ?1),
                       (SELECT min(uid) FROM message WHERE mailbox_id = ?1),
                       (SELECT max(uid) FROM message WHERE mailbox_id = ?1),
                       (SELECT min(uid) FROM message INDEXED BY message_unseen
                          WHERE mailbox_id = ?1 AND seen = 0)""")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
                min = rs.getLong(2);
                max = rs.getLong(3);
                long firstUnseen = rs.getLong(4); // NULL reads as 0: no unseen message
                long[] uids = count > 0 && max - min + 1 == count ? dense(min, (int) count)
                        : uids(c, mailboxId, (int) count);
                return new SelectState(uids, firstUnseen, keywords(c, mailboxId));
            }
        }
    }

    private static long[] dense(long min, int count) {
        long[] uids = new long[count];
        for (int i = 0; i < count; i++) {
            uids[i] = min + i;
        }
        return uids;
    }

    private static long[] uids(Connection c, long mailboxId, int count) throws SQLException {
        long[] uids = new long[count];
        int n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT uid FROM message WHERE mailbox_id = ? ORDER BY uid")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == uids.length) {
                        uids = Arrays.copyOf(uids, n + 16); // not expected within one snapshot
                    }
                    uids[n++] = rs.getLong(1);
                }
            }
        }
        return n == uids.length ? uids : Arrays.copyOf(uids, n);
    }

    private static Set<String> keywords(Connection c, long mailboxId) throws SQLException {
        Set<String> keywords = new java.util.TreeSet<>();
        // the partial index message_keywords holds exactly these rows (same expression, Schema)
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT flags FROM message WHERE mailbox_id = ?"
                + " AND " + HAS_KEYWORD)) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SelectState.addKeywords(keywords, FlagCodec.decode(rs.getString(1)));
                }
            }
        }
        return Collections.unmodifiableSet(keywords);
    }

    /** The mailbox's UIDVALIDITY and first of {@code count} new UIDs, and a new MODSEQ for the change. */
    record Allocation(long uidValidity, long firstUid, long modSeq) {}

    /**
     * Reserves {@code count} UIDs (0 for a change without new messages) and one MODSEQ above every
     * earlier one (RFC 7162 §3.1: all messages changed by one operation may share it).
     */
    static Allocation allocate(Tx tx, long mailboxId, int count) throws SQLException {
        long uidValidity;
        long uidNext;
        long modSeq;
        try (PreparedStatement ps = tx.c().prepareStatement(
                "SELECT uid_validity, uid_next, highest_modseq FROM mailbox WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no mailbox " + mailboxId);
                }
                uidValidity = rs.getLong(1);
                uidNext = rs.getLong(2);
                modSeq = rs.getLong(3) + 1;
            }
        }
        if (uidNext + count - 1 > MAX_UID) {
            throw new StoreException.Conflict("mailbox " + mailboxId + " has used up its UIDs");
        }
        try (PreparedStatement ps = tx.c().prepareStatement(
                "UPDATE mailbox SET uid_next = ?, highest_modseq = ? WHERE id = ?")) {
            ps.setLong(1, uidNext + count);
            ps.setLong(2, modSeq);
            ps.setLong(3, mailboxId);
            ps.executeUpdate();
        }
        return new Allocation(uidValidity, uidNext, modSeq);
    }

    static MessageMeta insert(Tx tx, long mailboxId, long uid, long modSeq, Set<String> flags, long internalMs,
                              long size, long blobId, long threadId) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("""
                INSERT INTO message(mailbox_id, uid, modseq, added_modseq, flags, seen, deleted, recent,
                  internal_ms, save_ms, size, blob_id, thread_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)""")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            ps.setLong(3, modSeq);
            ps.setLong(4, modSeq);
            ps.setString(5, FlagCodec.encode(flags));
            ps.setInt(6, StoredFlags.containsIgnoreCase(flags, Flags.SEEN) ? 1 : 0);
            ps.setInt(7, StoredFlags.containsIgnoreCase(flags, Flags.DELETED) ? 1 : 0);
            ps.setLong(8, internalMs);
            ps.setLong(9, tx.now());
            ps.setLong(10, size);
            ps.setLong(11, blobId);
            ps.setLong(12, threadId);
            ps.executeUpdate();
        }
        return new MessageMeta(mailboxId, uid, modSeq, flags, Instant.ofEpochMilli(internalMs),
                Instant.ofEpochMilli(tx.now()), size, BlobTable.ref(blobId));
    }

    static void updateFlags(Tx tx, long mailboxId, long uid, long modSeq, Set<String> flags) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement(
                "UPDATE message SET flags = ?, seen = ?, deleted = ?, modseq = ? WHERE mailbox_id = ? AND uid = ?")) {
            ps.setString(1, FlagCodec.encode(flags));
            ps.setInt(2, StoredFlags.containsIgnoreCase(flags, Flags.SEEN) ? 1 : 0);
            ps.setInt(3, StoredFlags.containsIgnoreCase(flags, Flags.DELETED) ? 1 : 0);
            ps.setLong(4, modSeq);
            ps.setLong(5, mailboxId);
            ps.setLong(6, uid);
            ps.executeUpdate();
        }
    }

    /**
     * Removes the rows, records a tombstone per UID (so that QRESYNC can report VANISHED, RFC 7162
     * §3.2.10; old ones are pruned, {@link Tombstones}), releases their blobs and their quota.
     */
    static void remove(Tx tx, long mailboxId, long accountId, List<Row> rows, long modSeq) throws SQLException {
        long bytes = 0;
        try (PreparedStatement del = tx.c().prepareStatement("DELETE FROM message WHERE mailbox_id = ? AND uid = ?");
             PreparedStatement tomb = tx.c().prepareStatement(
                     "INSERT OR REPLACE INTO tombstone(mailbox_id, uid, modseq) VALUES (?, ?, ?)")) {
            for (Row row : rows) {
                del.setLong(1, mailboxId);
                del.setLong(2, row.meta().uid());
                del.executeUpdate();
                tomb.setLong(1, mailboxId);
                tomb.setLong(2, row.meta().uid());
                tomb.setLong(3, modSeq);
                tomb.executeUpdate();
                SeenMarks.removeMessage(tx, mailboxId, row.meta().uid()); // every reader's \Seen (issue 7)
                BlobTable.release(tx, row.blobId());
                bytes += row.meta().size();
            }
        }
        Quotas.add(tx, accountId, -bytes, -rows.size());
    }

    /** The uid, modseq and flag-set index columns of {@link #flagRows}, grown as rows arrive. */
    private static final class RowBuffer {
        private long[] uids = new long[64];
        private long[] modSeqs = new long[64];
        private int[] index = new int[64];
        private int n;

        void add(long uid, long modSeq, int flagSet) {
            if (n == uids.length) {
                uids = Arrays.copyOf(uids, n * 2);
                modSeqs = Arrays.copyOf(modSeqs, n * 2);
                index = Arrays.copyOf(index, n * 2);
            }
            uids[n] = uid;
            modSeqs[n] = modSeq;
            index[n] = flagSet;
            n++;
        }

        FlagRows toFlagRows(List<Set<String>> table) {
            return new FlagRows(Arrays.copyOf(uids, n), Arrays.copyOf(modSeqs, n),
                    FlagSetList.of(Arrays.copyOf(index, n), table));
        }
    }
}
