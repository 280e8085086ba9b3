package jotmai.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import jotmai.store.SeenMark;
import jotmai.store.SeenUpdate;
import jotmai.store.UidSet;

/**
 * Per-reader \Seen marks on mailboxes of other accounts (issue 7) in the {@code seen_mark} table: one
 * row per (mailbox, reader, message) the reader has marked seen or cleared again. The primary key
 * serves a reader's SELECT and STATUS, the MODSEQ index its CONDSTORE/QRESYNC resync, the UID index
 * the removal of an expunged message's marks.
 */
final class SeenMarks {

    /** Above this many ranges a UID set is filtered in Java instead of in SQL (bounds the SQL text). */
    private static final int MAX_SQL_RANGES = 100;

    private SeenMarks() {}

    static List<SeenMark> marks(Connection c, long mailboxId, long readerId, UidSet uids) throws SQLException {
        if (uids.isEmpty()) {
            return List.of();
        }
        List<UidSet.Range> ranges = uids.ranges();
        boolean filterInJava = ranges.size() > MAX_SQL_RANGES;
        StringBuilder sql = new StringBuilder(
                "SELECT uid, seen, modseq FROM seen_mark WHERE mailbox_id = ? AND reader_id = ? AND (");
        List<Long> params = new ArrayList<>();
        if (filterInJava) {
            sql.append("uid BETWEEN ? AND ?");
            params.add(ranges.getFirst().first());
            params.add(ranges.getLast().last());
        } else {
            for (int i = 0; i < ranges.size(); i++) {
                sql.append(i == 0 ? "" : " OR ").append("uid BETWEEN ? AND ?");
                params.add(ranges.get(i).first());
                params.add(ranges.get(i).last());
            }
        }
        sql.append(") ORDER BY uid");
        List<SeenMark> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, readerId);
            for (int i = 0; i < params.size(); i++) {
                ps.setLong(i + 3, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SeenMark m = new SeenMark(rs.getLong(1), rs.getInt(2) != 0, rs.getLong(3));
                    if (!filterInJava || uids.contains(m.uid())) {
                        out.add(m);
                    }
                }
            }
        }
        return out;
    }

    static List<SeenMark> changesSince(Connection c, long mailboxId, long readerId, long modSeq) throws SQLException {
        List<SeenMark> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT uid, seen, modseq FROM seen_mark WHERE mailbox_id = ? AND reader_id = ? AND modseq > ?
                ORDER BY modseq, uid""")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, readerId);
            ps.setLong(3, modSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SeenMark(rs.getLong(1), rs.getInt(2) != 0, rs.getLong(3)));
                }
            }
        }
        return out;
    }

    static long seenCount(Connection c, long mailboxId, long readerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM seen_mark WHERE mailbox_id = ? AND reader_id = ? AND seen = 1")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, readerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** See {@link jotmai.store.MailStore#setSeen}; runs in the caller's write transaction. */
    static SeenUpdate set(Tx tx, long mailboxId, long readerId, UidSet uids, boolean seen,
                          OptionalLong unchangedSince) throws SQLException {
        MailboxRows.require(tx.c(), mailboxId);
        List<MessageRows.Row> rows = MessageRows.select(tx.c(), mailboxId, uids, false);
        if (rows.isEmpty()) {
            return new SeenUpdate(List.of(), UidSet.EMPTY);
        }
        Map<Long, SeenMark> current = new HashMap<>();
        for (SeenMark m : marks(tx.c(), mailboxId, readerId, uids)) {
            current.put(m.uid(), m);
        }
        List<Long> modified = new ArrayList<>();
        List<Long> changing = new ArrayList<>();
        for (MessageRows.Row r : rows) {
            long uid = r.meta().uid();
            SeenMark mark = current.get(uid);
            long readersModSeq = Math.max(r.meta().modSeq(), mark == null ? 0 : mark.modSeq());
            if (unchangedSince.isPresent() && readersModSeq > unchangedSince.getAsLong()) {
                modified.add(uid); // RFC 7162 §3.1.3
            } else if ((mark != null && mark.seen()) != seen) {
                changing.add(uid);
            }
        }
        List<SeenMark> updated = new ArrayList<>();
        if (!changing.isEmpty()) {
            long modSeq = MessageRows.allocate(tx, mailboxId, 0).modSeq();
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO seen_mark(mailbox_id, reader_id, uid, seen, modseq) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(mailbox_id, reader_id, uid) DO UPDATE SET seen = excluded.seen, modseq = excluded.modseq""")) {
                for (long uid : changing) {
                    ps.setLong(1, mailboxId);
                    ps.setLong(2, readerId);
                    ps.setLong(3, uid);
                    ps.setInt(4, seen ? 1 : 0);
                    ps.setLong(5, modSeq);
                    ps.executeUpdate();
                    updated.add(new SeenMark(uid, seen, modSeq));
                }
            }
            tx.ring(mailboxId);
        }
        return new SeenUpdate(updated, UidSet.of(modified));
    }

    /** Removes every reader's mark of an expunged message. */
    static void removeMessage(Tx tx, long mailboxId, long uid) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM seen_mark WHERE mailbox_id = ? AND uid = ?")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, uid);
            ps.executeUpdate();
        }
    }
}
