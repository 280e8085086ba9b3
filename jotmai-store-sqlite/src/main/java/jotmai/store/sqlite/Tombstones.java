package jotmai.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jotmai.store.UidSet;
import jotmai.store.jdbc.Sql;
import jotmai.store.support.ChangeRows;

/**
 * Bounded expunge tombstones on SQLite (see {@link ChangeRows} for the floor row with UID 0): finds
 * mailboxes over the cap and prunes one batch of the oldest tombstones per write, raising the floor
 * in the same transaction. Runs on the single writer like every write; a batch is small so that user
 * writes queued behind it wait a few milliseconds at most.
 */
final class Tombstones {
    private Tombstones() {}

    /** The mailbox's UIDs in the caller's snapshot (changesSince below the floor). */
    static UidSet existingUids(Connection c, long mailboxId) throws SQLException {
        return UidSet.of(Sql.list(c, "SELECT uid FROM message WHERE mailbox_id = ? ORDER BY uid", ps -> {
            ps.setLong(1, mailboxId);
        }, rs -> rs.getLong(1)));
    }

    /** Mailboxes with more than {@code keep} tombstones (the floor row not counted); one index scan. */
    static List<Long> overCap(Connection c, int keep, int limit) throws SQLException {
        return Sql.list(c, """
                SELECT mailbox_id FROM tombstone WHERE uid <> 0 GROUP BY mailbox_id HAVING count(*) > ?
                LIMIT ?""", ps -> {
            ps.setLong(1, keep);
            ps.setLong(2, limit);
        }, rs -> rs.getLong(1));
    }

    /**
     * Deletes up to {@code maxRows} of the oldest tombstones beyond the newest {@code keep} and raises
     * the floor to the highest MODSEQ deleted. Tombstones of one EXPUNGE share a MODSEQ; a batch may
     * split them, which is fine: the floor only says "at or below this MODSEQ some may be gone".
     */
    static int prune(Tx tx, long mailboxId, int keep, int maxRows) throws SQLException {
        Connection c = tx.c();
        long cutoff;
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT modseq FROM tombstone WHERE mailbox_id = ? AND uid <> 0 ORDER BY modseq DESC
                LIMIT 1 OFFSET ?""")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, keep);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return 0; // within the cap
                }
                cutoff = rs.getLong(1);
            }
        }
        List<long[]> victims = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT uid, modseq FROM tombstone WHERE mailbox_id = ? AND uid <> 0 AND modseq <= ?
                ORDER BY modseq LIMIT ?""")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, cutoff);
            ps.setLong(3, maxRows);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    victims.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        long floor = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM tombstone WHERE mailbox_id = ? AND uid = ?")) {
            for (long[] v : victims) {
                ps.setLong(1, mailboxId);
                ps.setLong(2, v[0]);
                ps.addBatch();
                floor = Math.max(floor, v[1]);
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO tombstone(mailbox_id, uid, modseq) VALUES (?, ?, ?)
                ON CONFLICT(mailbox_id, uid) DO UPDATE SET modseq = max(modseq, excluded.modseq)""")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, ChangeRows.FLOOR_UID);
            ps.setLong(3, floor);
            ps.executeUpdate();
        }
        return victims.size();
    }
}
