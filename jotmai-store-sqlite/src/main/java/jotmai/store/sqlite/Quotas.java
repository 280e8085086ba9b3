package jotmai.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import jotmai.store.QuotaUsage;
import jotmai.store.StoreException;

/** Per-account usage counters, kept in the same transaction as the message rows they count. */
final class Quotas {

    private Quotas() {}

    static QuotaUsage usage(java.sql.Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT used_bytes, message_count, quota_bytes, quota_messages FROM account WHERE id = ?")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
                return new QuotaUsage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    /**
     * Throws QuotaExceeded when {@code bytes} more in {@code messages} more messages would exceed the
     * account's storage or message-count quota (RFC 9208 §5.1, §5.2); {@code messageTooLargeAlone} when
     * {@code largestMessage} alone is over the whole storage quota.
     */
    static void check(Tx tx, long accountId, long bytes, long messages, long largestMessage) throws SQLException {
        QuotaUsage usage = usage(tx.c(), accountId);
        if (usage.wouldExceed(bytes)) {
            boolean alone = largestMessage > usage.limitBytes();
            throw new StoreException.QuotaExceeded("quota of account " + accountId + " exceeded ("
                    + usage.usedBytes() + " + " + bytes + " > " + usage.limitBytes() + " octets)", alone);
        }
        if (usage.wouldExceedMessages(messages)) {
            throw new StoreException.QuotaExceeded("message quota of account " + accountId + " exceeded ("
                    + usage.messages() + " + " + messages + " > " + usage.limitMessages() + " messages)", false);
        }
    }

    static void add(Tx tx, long accountId, long bytes, long messages) throws SQLException {
        try (PreparedStatement ps = tx.c().prepareStatement(
                "UPDATE account SET used_bytes = used_bytes + ?, message_count = message_count + ? WHERE id = ?")) {
            ps.setLong(1, bytes);
            ps.setLong(2, messages);
            ps.setLong(3, accountId);
            ps.executeUpdate();
        }
    }
}
