package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import jotmai.store.UidSet;
import jotmai.store.jdbc.Sql;
import jotmai.store.support.ChangeRows;

/**
 * Bounded expunge tombstones on PostgreSQL (see {@link ChangeRows} for the floor row with UID 0).
 * Several nodes may prune the same mailbox at once: each transaction first takes a KEY SHARE lock on
 * the mailbox row (so a concurrent DELETE of the mailbox either finishes first, leaving nothing to
 * prune, or waits and then removes the floor row too), deletes with RETURNING and raises the floor
 * with GREATEST to the highest MODSEQ it actually deleted. Rows deleted by another node are not
 * returned twice, and every deleted MODSEQ ends up at or below the floor, in the deleting transaction.
 */
final class PgTombstones {
    private PgTombstones() {}

    /** The mailbox's UIDs in the caller's snapshot (changesSince below the floor). */
    static UidSet existingUids(Connection c, long mailboxId) throws SQLException {
        return UidSet.of(Sql.list(c, "SELECT uid FROM messages WHERE account_id = ? AND mailbox_id = ? ORDER BY uid",
                ps -> {
                    ps.setLong(1, MailboxIds.accountOf(mailboxId));
                    ps.setLong(2, mailboxId);
                }, rs -> rs.getLong(1)));
    }

    /** Mailboxes with more than {@code keep} tombstones (the floor row not counted). */
    static List<Long> overCap(Connection c, int keep, int limit) throws SQLException {
        return Sql.list(c, """
                SELECT mailbox_id FROM tombstones WHERE uid <> 0 GROUP BY account_id, mailbox_id
                HAVING count(*) > ? LIMIT ?""", ps -> {
            ps.setLong(1, keep);
            ps.setLong(2, limit);
        }, rs -> rs.getLong(1));
    }

    /** One batch: the oldest tombstones beyond the newest {@code keep}, then the floor. */
    static int prune(Connection c, long mailboxId, int keep, int maxRows) throws SQLException {
        long accountId = MailboxIds.accountOf(mailboxId);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM mailboxes WHERE account_id = ? AND id = ? FOR KEY SHARE")) {
            ps.setLong(1, accountId);
            ps.setLong(2, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0; // deleted meanwhile: its tombstones went with it
                }
            }
        }
        int deleted = 0;
        long floor = 0;
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM tombstones WHERE account_id = ? AND mailbox_id = ? AND uid IN (
                  SELECT uid FROM tombstones WHERE account_id = ? AND mailbox_id = ? AND uid <> 0
                    AND modseq <= (SELECT modseq FROM tombstones WHERE account_id = ? AND mailbox_id = ?
                                   AND uid <> 0 ORDER BY modseq DESC OFFSET ? LIMIT 1)
                  ORDER BY modseq LIMIT ?)
                RETURNING modseq""")) {
            for (int i = 0; i < 3; i++) {
                ps.setLong(1 + 2 * i, accountId);
                ps.setLong(2 + 2 * i, mailboxId);
            }
            ps.setLong(7, keep);
            ps.setLong(8, maxRows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted++;
                    floor = Math.max(floor, rs.getLong(1));
                }
            }
        }
        if (deleted > 0) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO tombstones(account_id, mailbox_id, uid, modseq) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id, mailbox_id, uid)
                    DO UPDATE SET modseq = greatest(tombstones.modseq, excluded.modseq)""")) {
                ps.setLong(1, accountId);
                ps.setLong(2, mailboxId);
                ps.setLong(3, ChangeRows.FLOOR_UID);
                ps.setLong(4, floor);
                ps.executeUpdate();
            }
        }
        return deleted;
    }
}
