package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import jotmai.store.QuotaUsage;
import jotmai.store.StoreException;

/**
 * SQL for accounts and their account_state row (usage counters kept in the same transaction as the
 * message rows they count, so quota checks need no scan).
 */
final class AccountRows {

    private AccountRows() {}

    static QuotaUsage usage(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.used_bytes, s.message_count, a.quota_bytes, a.quota_messages
                FROM account_state s JOIN accounts a ON a.id = s.account_id WHERE s.account_id = ?""")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
                return new QuotaUsage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    /** Locks the account's state row until commit: the first lock of every account-changing write. */
    static void lock(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM account_state WHERE account_id = ? FOR UPDATE")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
            }
        }
    }

    /**
     * Charges {@code bytes} and {@code messages} to the account, failing with QuotaExceeded when that
     * goes over its storage or message-count quota (RFC 9208 §5.1, §5.2; {@code messageTooLargeAlone}
     * when {@code largestMessage} alone is over the whole storage quota). The row update locks the account's state until commit, so concurrent deliveries on
     * several nodes cannot both slip under the limit.
     */
    static void charge(Connection c, long accountId, long bytes, long messages, long largestMessage)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE account_state s SET used_bytes = s.used_bytes + ?, message_count = s.message_count + ?
                FROM accounts a WHERE s.account_id = ? AND a.id = s.account_id
                RETURNING s.used_bytes, a.quota_bytes, s.message_count, a.quota_messages""")) {
            ps.setLong(1, bytes);
            ps.setLong(2, messages);
            ps.setLong(3, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
                long used = rs.getLong(1);
                long limit = rs.getLong(2);
                if (limit > 0 && bytes > 0 && used > limit) {
                    throw quotaExceeded(accountId, used - bytes, bytes, limit, largestMessage);
                }
                long count = rs.getLong(3);
                long messageLimit = rs.getLong(4);
                if (messageLimit > 0 && messages > 0 && count > messageLimit) {
                    throw messageQuotaExceeded(accountId, count - messages, messages, messageLimit);
                }
            }
        }
    }

    static StoreException.QuotaExceeded quotaExceeded(long accountId, long used, long bytes, long limit,
                                                      long largestMessage) {
        return new StoreException.QuotaExceeded("quota of account " + accountId + " exceeded (" + used + " + "
                + bytes + " > " + limit + " octets)", largestMessage > limit);
    }

    static StoreException.QuotaExceeded messageQuotaExceeded(long accountId, long count, long messages, long limit) {
        return new StoreException.QuotaExceeded("message quota of account " + accountId + " exceeded (" + count
                + " + " + messages + " > " + limit + " messages)", false);
    }

    /** Adjusts usage without a quota check (expunge, delete, a move within the account). */
    static void addUsage(Connection c, long accountId, long bytes, long messages) throws SQLException {
        if (bytes == 0 && messages == 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE account_state SET used_bytes = used_bytes + ?, message_count = message_count + ?
                WHERE account_id = ?""")) {
            ps.setLong(1, bytes);
            ps.setLong(2, messages);
            ps.setLong(3, accountId);
            ps.executeUpdate();
        }
    }
}
