package jotmai.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.store.Mailbox;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.jdbc.MailboxQueries;
import jotmai.store.jdbc.Sql;

/** SQL for mailbox rows, shared by the account store (default mailboxes) and the mail store. */
final class MailboxRows {

    static final MailboxQueries QUERIES = new MailboxQueries("mailbox", "subscription");
    static final String COLUMNS = QUERIES.columns;
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM mailbox m WHERE m.id = ?";

    private MailboxRows() {}

    static Mailbox map(ResultSet rs) throws SQLException {
        return QUERIES.map(rs);
    }

    static Optional<Mailbox> byName(Connection c, long accountId, String normalizedName) throws SQLException {
        return QUERIES.byName(c, accountId, normalizedName);
    }

    static Optional<Mailbox> byId(Connection c, long mailboxId) throws SQLException {
        return Sql.first(c, BY_ID, ps -> ps.setLong(1, mailboxId), QUERIES);
    }

    static Mailbox require(Connection c, long mailboxId) throws SQLException {
        return byId(c, mailboxId).orElseThrow(() -> new StoreException.NotFound("no mailbox " + mailboxId));
    }

    /** The account owning a mailbox (a cheaper lookup than {@link #require} for the append path). */
    static long accountOf(Connection c, long mailboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT account_id FROM mailbox WHERE id = ?")) {
            ps.setLong(1, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no mailbox " + mailboxId);
                }
                return rs.getLong(1);
            }
        }
    }

    static List<Mailbox> ofAccount(Connection c, long accountId) throws SQLException {
        return QUERIES.ofAccount(c, accountId);
    }

    /**
     * Inserts a mailbox with a fresh UIDVALIDITY. UIDVALIDITY is the current time in seconds, or one
     * more than the last one handed out if that is larger, so a mailbox deleted and created again
     * under the same name never gets the old UIDVALIDITY (RFC 9051 §2.3.1.1).
     */
    static long insert(Tx tx, long accountId, String normalizedName, Optional<SpecialUse> use) throws SQLException {
        if (byName(tx.c(), accountId, normalizedName).isPresent()) {
            throw new StoreException.AlreadyExists("mailbox exists: " + normalizedName);
        }
        long uidValidity = nextUidValidity(tx);
        try (PreparedStatement ps = tx.c().prepareStatement("""
                INSERT INTO mailbox(account_id, name, special_use, uid_validity, uid_next, highest_modseq)
                VALUES (?, ?, ?, ?, 1, 1)""")) {
            ps.setLong(1, accountId);
            ps.setString(2, normalizedName);
            ps.setString(3, use.map(Enum::name).orElse(null));
            ps.setLong(4, uidValidity);
            ps.executeUpdate();
        }
        return BlobTable.lastRowId(tx.c());
    }

    private static long nextUidValidity(Tx tx) throws SQLException {
        long last = 0;
        try (PreparedStatement ps = tx.c().prepareStatement("SELECT value FROM meta WHERE key = 'uid_validity'");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                last = rs.getLong(1);
            }
        }
        long next = Math.max(tx.now() / 1000, last + 1) & 0xFFFF_FFFFL;
        if (next == 0) {
            next = 1;
        }
        try (PreparedStatement ps = tx.c().prepareStatement(
                "INSERT INTO meta(key, value) VALUES ('uid_validity', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")) {
            ps.setLong(1, next);
            ps.executeUpdate();
        }
        return next;
    }

    static void subscribe(Tx tx, long accountId, String name, boolean subscribed) throws SQLException {
        QUERIES.subscribe(tx.c(), accountId, name, subscribed);
    }

    /**
     * Removes every message of the mailbox (releasing blobs and quota) and the mailbox row with its
     * tombstones. Sessions learn of it when their mailbox lookup fails; the bus is rung.
     */
    static void deleteWithMessages(Tx tx, Mailbox mailbox) throws SQLException {
        long bytes = 0;
        long count = 0;
        List<Long> blobs = new ArrayList<>();
        try (PreparedStatement ps = tx.c().prepareStatement("SELECT blob_id, size FROM message WHERE mailbox_id = ?")) {
            ps.setLong(1, mailbox.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    blobs.add(rs.getLong(1));
                    bytes += rs.getLong(2);
                    count++;
                }
            }
        }
        for (long blob : blobs) {
            BlobTable.release(tx, blob);
        }
        Quotas.add(tx, mailbox.accountId(), -bytes, -count);
        for (String sql : List.of("DELETE FROM message WHERE mailbox_id = ?", "DELETE FROM tombstone WHERE mailbox_id = ?",
                "DELETE FROM mailbox_acl WHERE mailbox_id = ?", "DELETE FROM metadata WHERE mailbox_id = ?",
                "DELETE FROM seen_mark WHERE mailbox_id = ?",
                "DELETE FROM mailbox WHERE id = ?")) {
            try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                ps.setLong(1, mailbox.id());
                ps.executeUpdate();
            }
        }
        tx.ring(mailbox.id());
    }
}
