package jotmai.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import jotmai.store.QueueStore.DsnRequest;
import jotmai.store.QueueStore.QueuedMessage;
import jotmai.store.QueueStore.QueuedRecipient;
import jotmai.store.QueueStore.RecipientState;
import jotmai.store.QueueStore.RecipientStatus;

/**
 * Outbound queue rows as both backends store them: the same columns, but time columns of each
 * backend's {@link TimeColumn} and booleans that SQLite keeps as 0/1 ({@code getBoolean} reads both).
 * Scheduling, leases and the recipient queries stay with each backend (in-JVM leases on SQLite,
 * {@code FOR UPDATE SKIP LOCKED} on PostgreSQL).
 */
public final class QueueRows {

    /** A queued message without its recipients, as read by {@link #head}. */
    public record Head(String id, String envelopeFrom, DsnRequest dsn, long size, Instant createdAt,
                       Instant nextAttemptAt, boolean delayWarned) {

        public QueuedMessage with(List<RecipientState> recipients) {
            return new QueuedMessage(id, envelopeFrom, dsn, size, createdAt, nextAttemptAt, delayWarned,
                    List.copyOf(recipients));
        }
    }

    private final TimeColumn time;
    private final String insertRecipient;
    private final String count;

    /** @param messages and {@code recipients}: the backend's table names */
    public QueueRows(TimeColumn time, String messages, String recipients) {
        this.time = time;
        insertRecipient = "INSERT INTO " + recipients
                + "(queue_id, position, address, notify_on, orcpt) VALUES (?, ?, ?, ?, ?)";
        count = "SELECT count(*) FROM " + messages;
    }

    /**
     * Columns 1 to 10: id, envelope_from, ret, envid, smtputf8, eight_bit, the blob's size, created,
     * next attempt, delay warned.
     */
    public Head head(ResultSet rs) throws SQLException {
        return new Head(rs.getString(1), rs.getString(2),
                new DsnRequest(rs.getString(3), rs.getString(4), rs.getBoolean(5), rs.getBoolean(6)),
                rs.getLong(7), time.get(rs, 8), time.get(rs, 9), rs.getBoolean(10));
    }

    /**
     * Eight columns from {@code first} on: position, address, notify_on, orcpt, status, attempts,
     * last reply, last attempt (NULL before the first).
     */
    public RecipientState recipient(ResultSet rs, int first) throws SQLException {
        return new RecipientState(rs.getInt(first), rs.getString(first + 1), rs.getString(first + 2),
                rs.getString(first + 3), RecipientStatus.valueOf(rs.getString(first + 4)), rs.getInt(first + 5),
                rs.getString(first + 6), time.find(rs, first + 7));
    }

    /** Inserts the recipients of a new message in one batch, in order (position = index). */
    public void insertRecipients(Connection c, String queueId, List<QueuedRecipient> recipients) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertRecipient)) {
            for (int i = 0; i < recipients.size(); i++) {
                QueuedRecipient r = recipients.get(i);
                ps.setString(1, queueId);
                ps.setInt(2, i);
                ps.setString(3, r.address());
                ps.setString(4, orEmpty(r.notifyOn()));
                ps.setString(5, orEmpty(r.orcpt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Absent DSN parameters are stored as "". */
    public static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Number of queued messages. */
    public long count(Connection c) throws SQLException {
        return Sql.first(c, count, Binder.NONE, rs -> rs.getLong(1)).orElseThrow();
    }
}
