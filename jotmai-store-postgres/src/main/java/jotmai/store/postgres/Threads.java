package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jotmai.store.UidSet;
import jotmai.store.support.ThreadKeys;

/**
 * RFC 8474 §5.2 thread ids at store time: a message that references a Message-ID the account knows
 * joins that thread, otherwise it starts one with the next value of the {@code thread_ids} sequence.
 * One indexed read of {@code thread_refs} and a few inserts per stored message and account. Two
 * deliveries racing on one thread may start two threads (the insert keeps the first mapping): a
 * harmless split, never a wrong merge.
 */
final class Threads {

    private Threads() {}

    /** {@link #assign} once per account of a multi-recipient delivery. */
    static long assignOnce(Connection c, Map<Long, Long> perAccount, long accountId, ThreadKeys keys)
            throws SQLException {
        Long known = perAccount.get(accountId);
        if (known != null) {
            return known;
        }
        long threadId = assign(c, accountId, keys);
        perAccount.put(accountId, threadId);
        return threadId;
    }

    static long assign(Connection c, long accountId, ThreadKeys keys) throws SQLException {
        Long threadId = null;
        if (!keys.lookup().isEmpty()) {
            Map<String, Long> found = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT message_id, thread_id FROM thread_refs WHERE account_id = ? AND message_id = ANY (?)")) {
                ps.setLong(1, accountId);
                ps.setArray(2, c.createArrayOf("text", keys.lookup().toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            for (String id : keys.lookup()) {
                threadId = found.get(id);
                if (threadId != null) {
                    break;
                }
            }
        }
        if (threadId == null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT nextval('thread_ids')");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                threadId = rs.getLong(1);
            }
        }
        if (!keys.remember().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO thread_refs(account_id, message_id, thread_id)
                    SELECT ?, id, ? FROM unnest(?::text[]) AS u(id) ON CONFLICT DO NOTHING""")) {
                ps.setLong(1, accountId);
                ps.setLong(2, threadId);
                ps.setArray(3, c.createArrayOf("text", keys.remember().toArray()));
                ps.executeUpdate();
            }
        }
        return threadId;
    }

    /** UID → thread id of the mailbox's messages in {@code uids}, in UID order. */
    static Map<Long, Long> of(Connection c, long mailboxId, UidSet uids) throws SQLException {
        Map<Long, Long> out = new LinkedHashMap<>();
        if (uids.isEmpty()) {
            return out;
        }
        Long[] lo = new Long[uids.ranges().size()];
        Long[] hi = new Long[lo.length];
        for (int r = 0; r < lo.length; r++) {
            lo[r] = uids.ranges().get(r).first();
            hi[r] = uids.ranges().get(r).last();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT m.uid, m.thread_id FROM unnest(?::bigint[], ?::bigint[])"
                + " r(lo, hi) JOIN messages m ON m.account_id = ? AND m.mailbox_id = ? AND m.uid BETWEEN r.lo AND r.hi"
                + " ORDER BY m.uid")) {
            ps.setArray(1, c.createArrayOf("bigint", lo));
            ps.setArray(2, c.createArrayOf("bigint", hi));
            ps.setLong(3, MailboxIds.accountOf(mailboxId));
            ps.setLong(4, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** UIDs of the mailbox's messages in the thread (index messages_thread). */
    static UidSet members(Connection c, long mailboxId, long threadId) throws SQLException {
        java.util.List<Long> uids = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT uid FROM messages WHERE account_id = ? AND mailbox_id = ? AND thread_id = ? ORDER BY uid")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            ps.setLong(3, threadId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    uids.add(rs.getLong(1));
                }
            }
        }
        return UidSet.of(uids);
    }
}
