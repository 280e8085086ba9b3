package jotmai.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import jotmai.store.support.ThreadKeys;

/**
 * RFC 8474 §5.2 thread ids at store time. A new thread takes the id of the blob that starts it
 * (blob ids are never reused, so no two threads share an id and no counter is needed); a message
 * that references a known Message-ID of the same account joins that thread. One indexed read and a
 * few inserts into {@code thread_ref} per stored message and account.
 */
final class Threads {
    /** The column, for queries of other classes. */
    static final String THREAD_ID = "thread_id";

    private Threads() {}

    /** {@link #assign} once per account of a multi-recipient delivery. */
    static long assignOnce(Tx tx, Map<Long, Long> perAccount, long accountId, ThreadKeys keys, long newThreadId)
            throws SQLException {
        Long known = perAccount.get(accountId);
        if (known != null) {
            return known;
        }
        long threadId = assign(tx, accountId, keys, newThreadId);
        perAccount.put(accountId, threadId);
        return threadId;
    }

    /** The thread of the first of {@code keys.lookup()} the account knows, else {@code newThreadId}. */
    static long assign(Tx tx, long accountId, ThreadKeys keys, long newThreadId) throws SQLException {
        long threadId = newThreadId;
        if (!keys.lookup().isEmpty()) {
            Map<String, Long> found = new HashMap<>();
            String in = "?,".repeat(keys.lookup().size());
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT message_id, thread_id FROM thread_ref"
                    + " WHERE account_id = ? AND message_id IN (" + in.substring(0, in.length() - 1) + ")")) {
                ps.setLong(1, accountId);
                for (int i = 0; i < keys.lookup().size(); i++) {
                    ps.setString(i + 2, keys.lookup().get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            for (String id : keys.lookup()) {
                Long t = found.get(id);
                if (t != null) {
                    threadId = t;
                    break;
                }
            }
        }
        if (!keys.remember().isEmpty()) {
            try (PreparedStatement ps = tx.c().prepareStatement(
                    "INSERT OR IGNORE INTO thread_ref(account_id, message_id, thread_id) VALUES (?, ?, ?)")) {
                for (String id : keys.remember()) {
                    ps.setLong(1, accountId);
                    ps.setString(2, id);
                    ps.setLong(3, threadId);
                    ps.executeUpdate();
                }
            }
        }
        return threadId;
    }
}
