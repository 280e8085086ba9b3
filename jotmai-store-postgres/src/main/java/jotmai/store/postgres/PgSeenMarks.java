package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import jotmai.store.MessageMeta;
import jotmai.store.SeenMark;
import jotmai.store.SeenUpdate;
import jotmai.store.UidSet;

/**
 * Per-reader \Seen marks on mailboxes of other accounts (issue 7) in {@code seen_marks} (V9). Every
 * query filters on the owner's account id first (the distribution column), derived from the mailbox id.
 */
final class PgSeenMarks {

    private PgSeenMarks() {}

    static List<SeenMark> marks(Connection c, long mailboxId, long readerId, UidSet uids) throws SQLException {
        if (uids.isEmpty()) {
            return List.of();
        }
        Long[] lo = new Long[uids.ranges().size()];
        Long[] hi = new Long[lo.length];
        for (int r = 0; r < lo.length; r++) {
            lo[r] = uids.ranges().get(r).first();
            hi[r] = uids.ranges().get(r).last();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.uid, s.seen, s.modseq FROM unnest(?::bigint[], ?::bigint[]) r(lo, hi)
                JOIN seen_marks s ON s.account_id = ? AND s.mailbox_id = ? AND s.reader_id = ?
                  AND s.uid BETWEEN r.lo AND r.hi
                ORDER BY s.uid""")) {
            ps.setArray(1, c.createArrayOf("bigint", lo));
            ps.setArray(2, c.createArrayOf("bigint", hi));
            ps.setLong(3, MailboxIds.accountOf(mailboxId));
            ps.setLong(4, mailboxId);
            ps.setLong(5, readerId);
            return read(ps);
        }
    }

    static List<SeenMark> changesSince(Connection c, long mailboxId, long readerId, long modSeq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT uid, seen, modseq FROM seen_marks
                WHERE account_id = ? AND mailbox_id = ? AND reader_id = ? AND modseq > ?
                ORDER BY modseq, uid""")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            ps.setLong(3, readerId);
            ps.setLong(4, modSeq);
            return read(ps);
        }
    }

    static long seenCount(Connection c, long mailboxId, long readerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(*) FROM seen_marks WHERE account_id = ? AND mailbox_id = ? AND reader_id = ? AND seen""")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            ps.setLong(3, readerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * See {@link jotmai.store.MailStore#setSeen}. Takes the mailbox row lock first (as every flag change
     * does), so the check against UNCHANGEDSINCE and the new MODSEQ are consistent across nodes.
     */
    static SeenUpdate set(Tx tx, long mailboxId, long readerId, UidSet uids, boolean seen,
                          OptionalLong unchangedSince) throws SQLException {
        MailboxRows.lock(tx.c(), mailboxId);
        List<MessageMeta> rows = MessageRows.select(tx.c(), mailboxId, uids, false);
        Map<Long, SeenMark> current = new HashMap<>();
        for (SeenMark m : marks(tx.c(), mailboxId, readerId, uids)) {
            current.put(m.uid(), m);
        }
        List<Long> modified = new ArrayList<>();
        List<Long> changing = new ArrayList<>();
        for (MessageMeta r : rows) {
            SeenMark mark = current.get(r.uid());
            long readersModSeq = Math.max(r.modSeq(), mark == null ? 0 : mark.modSeq());
            if (unchangedSince.isPresent() && readersModSeq > unchangedSince.getAsLong()) {
                modified.add(r.uid()); // RFC 7162 §3.1.3
            } else if ((mark != null && mark.seen()) != seen) {
                changing.add(r.uid());
            }
        }
        if (changing.isEmpty()) {
            tx.setRollbackOnly();
            return new SeenUpdate(List.of(), UidSet.of(modified));
        }
        // the owner's counters (unseen_count is the owner's view) do not change
        long modSeq = MailboxRows.allocate(tx.c(), mailboxId, 0, Counts.NONE).modSeq();
        try (PreparedStatement ps = tx.c().prepareStatement("""
                INSERT INTO seen_marks(account_id, mailbox_id, reader_id, uid, seen, modseq)
                SELECT ?, ?, ?, u, ?, ? FROM unnest(?::bigint[]) u
                ON CONFLICT (account_id, mailbox_id, reader_id, uid)
                DO UPDATE SET seen = excluded.seen, modseq = excluded.modseq""")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            ps.setLong(3, readerId);
            ps.setBoolean(4, seen);
            ps.setLong(5, modSeq);
            ps.setArray(6, tx.c().createArrayOf("bigint", changing.toArray(Long[]::new)));
            ps.executeUpdate();
        }
        tx.ring(mailboxId);
        List<SeenMark> updated = new ArrayList<>();
        for (long uid : changing) {
            updated.add(new SeenMark(uid, seen, modSeq));
        }
        return new SeenUpdate(updated, UidSet.of(modified));
    }

    /** Removes every reader's marks of expunged messages. */
    static void removeMessages(Connection c, long mailboxId, Long[] uids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM seen_marks WHERE account_id = ? AND mailbox_id = ? AND uid = ANY (?)")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            ps.setArray(3, c.createArrayOf("bigint", uids));
            ps.executeUpdate();
        }
    }

    private static List<SeenMark> read(PreparedStatement ps) throws SQLException {
        List<SeenMark> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new SeenMark(rs.getLong(1), rs.getBoolean(2), rs.getLong(3)));
            }
        }
        return out;
    }
}
