package jotmai.store.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jotmai.store.MetadataStore;
import jotmai.store.MetadataStore.Entry;
import jotmai.store.MetadataStore.Limits;
import jotmai.store.MetadataStore.SetResult;
import jotmai.store.StoreException;

/**
 * The SQL of {@link MetadataStore} on table {@code metadata(account_id, mailbox_id, name, value)}
 * (account id leading, as in every per-account table), written once in the dialect SQLite and
 * PostgreSQL share. Backends call it inside their own read or write transaction.
 */
public final class MetadataRows {
    private MetadataRows() {}

    /** Who owns an entry: the user for /private, the mailbox owner (0 for the server) for /shared. */
    static long owner(String name, long user, long mailboxOwner) {
        return name.startsWith(MetadataStore.PRIVATE) ? user : mailboxOwner;
    }

    public static void checkName(String name) {
        if (!name.equals(name.toLowerCase(Locale.ROOT))
                || !(name.startsWith(MetadataStore.PRIVATE) || name.startsWith(MetadataStore.SHARED))
                || name.endsWith("/") || name.contains("//")) {
            throw new StoreException.Invalid("bad metadata entry name");
        }
    }

    public static List<Entry> entries(Connection c, long user, long mailboxId, long mailboxOwner) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT name, value FROM metadata WHERE mailbox_id = ?
                  AND ((account_id = ? AND name LIKE '/private/%') OR (account_id = ? AND name LIKE '/shared/%'))
                ORDER BY name""")) {
            ps.setLong(1, mailboxId);
            ps.setLong(2, user);
            ps.setLong(3, mailboxOwner);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getString(1), rs.getBytes(2)));
                }
            }
        }
        return entries;
    }

    /** Checks the owners' limits as they would be after the changes, then applies them (or nothing). */
    public static SetResult set(Connection c, long user, long mailboxId, long mailboxOwner,
                                Map<String, byte[]> changes, Limits limits) throws SQLException {
        changes.keySet().forEach(MetadataRows::checkName);
        Map<Long, long[]> usage = new LinkedHashMap<>(); // owner -> {entries, bytes} after the change
        for (Map.Entry<String, byte[]> change : changes.entrySet()) {
            long owner = owner(change.getKey(), user, mailboxOwner);
            long[] u = usage.get(owner);
            if (u == null) {
                u = usage(c, owner);
                usage.put(owner, u);
            }
            long existing = existingLength(c, owner, mailboxId, change.getKey());
            if (existing >= 0) {
                u[0]--;
                u[1] -= existing;
            }
            if (change.getValue() != null) {
                u[0]++;
                u[1] += change.getValue().length;
            }
        }
        for (long[] u : usage.values()) {
            if (u[0] > limits.maxEntries()) {
                return SetResult.TOO_MANY;
            }
            if (u[1] > limits.maxTotalBytes()) {
                return SetResult.TOO_LARGE;
            }
        }
        for (Map.Entry<String, byte[]> change : changes.entrySet()) {
            long owner = owner(change.getKey(), user, mailboxOwner);
            if (change.getValue() == null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM metadata WHERE account_id = ? AND mailbox_id = ? AND name = ?")) {
                    ps.setLong(1, owner);
                    ps.setLong(2, mailboxId);
                    ps.setString(3, change.getKey());
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO metadata(account_id, mailbox_id, name, value) VALUES (?, ?, ?, ?)
                        ON CONFLICT (account_id, mailbox_id, name) DO UPDATE SET value = excluded.value""")) {
                    ps.setLong(1, owner);
                    ps.setLong(2, mailboxId);
                    ps.setString(3, change.getKey());
                    ps.setBytes(4, change.getValue());
                    ps.executeUpdate();
                }
            }
        }
        return SetResult.DONE;
    }

    private static long[] usage(Connection c, long owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*), coalesce(sum(length(value)), 0) FROM metadata WHERE account_id = ?")) {
            ps.setLong(1, owner);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static long existingLength(Connection c, long owner, long mailboxId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT length(value) FROM metadata WHERE account_id = ? AND mailbox_id = ? AND name = ?")) {
            ps.setLong(1, owner);
            ps.setLong(2, mailboxId);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** With the mailbox (DELETE): every user's entries on it. */
    public static void deleteMailbox(Connection c, long mailboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM metadata WHERE mailbox_id = ?")) {
            ps.setLong(1, mailboxId);
            ps.executeUpdate();
        }
    }

    /** With the account: the entries it owns (its private ones anywhere, its server ones). */
    public static void deleteAccount(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM metadata WHERE account_id = ?")) {
            ps.setLong(1, accountId);
            ps.executeUpdate();
        }
    }
}
