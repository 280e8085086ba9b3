package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jotmai.store.Mailbox;
import jotmai.store.MailboxStatus;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.jdbc.Binder;
import jotmai.store.jdbc.MailboxQueries;
import jotmai.store.jdbc.Sql;

/** SQL for mailbox rows. Every statement filters on account_id first. */
final class MailboxRows {

    /** Largest UID (RFC 9051 §2.3.1.1: nz-number is 32-bit). */
    static final long MAX_UID = 0xFFFF_FFFFL;

    static final MailboxQueries QUERIES = new MailboxQueries("mailboxes", "subscriptions");
    static final String COLUMNS = QUERIES.columns;
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM mailboxes m WHERE m.account_id = ? AND m.id = ?";
    private static final String LOCK = BY_ID + " FOR UPDATE OF m";

    private MailboxRows() {}

    static Mailbox map(ResultSet rs) throws SQLException {
        return QUERIES.map(rs);
    }

    static Optional<Mailbox> byName(Connection c, long accountId, String storedName) throws SQLException {
        return QUERIES.byName(c, accountId, storedName);
    }

    static Optional<Mailbox> byId(Connection c, long mailboxId) throws SQLException {
        return Sql.first(c, BY_ID, ps -> bindId(ps, mailboxId), QUERIES);
    }

    /** Binds the account id (leading every key) and the mailbox id as parameters 1 and 2. */
    private static void bindId(PreparedStatement ps, long mailboxId) throws SQLException {
        ps.setLong(1, MailboxIds.accountOf(mailboxId));
        ps.setLong(2, mailboxId);
    }

    static Mailbox require(Connection c, long mailboxId) throws SQLException {
        return byId(c, mailboxId).orElseThrow(() -> notFound(mailboxId));
    }

    static StoreException.NotFound notFound(long mailboxId) {
        return new StoreException.NotFound("no mailbox " + mailboxId);
    }

    /** Locks the mailbox row until commit (serialises its MODSEQ and UID allocation across nodes). */
    static Mailbox lock(Connection c, long mailboxId) throws SQLException {
        return Sql.first(c, LOCK, ps -> bindId(ps, mailboxId), QUERIES).orElseThrow(() -> notFound(mailboxId));
    }

    static List<Mailbox> ofAccount(Connection c, long accountId) throws SQLException {
        return QUERIES.ofAccount(c, accountId);
    }

    /** UIDVALIDITY and the first of the reserved UIDs, and the MODSEQ of the change. */
    record Allocation(long uidValidity, long firstUid, long modSeq) {}

    /**
     * Reserves {@code count} UIDs (0 for a change without new messages) and one MODSEQ above every
     * earlier one, and applies the change's {@code delta} to the mailbox counters, in a single row update: the row lock it takes is held until commit, so UIDs and
     * MODSEQs of a mailbox are handed out and committed in one order across all nodes (no duplicate,
     * no decreasing UID; RFC 9051 §2.3.1.1, RFC 7162 §3.1).
     */
    static Allocation allocate(Connection c, long mailboxId, int count, Counts delta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE mailboxes SET uid_next = uid_next + ?, highest_modseq = highest_modseq + 1,
                  message_count = message_count + ?, unseen_count = unseen_count + ?,
                  deleted_count = deleted_count + ?, total_size = total_size + ?
                WHERE account_id = ? AND id = ?
                RETURNING uid_validity, uid_next - ?, highest_modseq""")) {
            ps.setInt(1, count);
            ps.setLong(2, delta.messages());
            ps.setLong(3, delta.unseen());
            ps.setLong(4, delta.deleted());
            ps.setLong(5, delta.bytes());
            ps.setLong(6, MailboxIds.accountOf(mailboxId));
            ps.setLong(7, mailboxId);
            ps.setInt(8, count);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(mailboxId);
                }
                Allocation a = new Allocation(rs.getLong(1), rs.getLong(2), rs.getLong(3));
                if (a.firstUid() + count - 1 > MAX_UID) {
                    throw new StoreException.Conflict("mailbox " + mailboxId + " has used up its UIDs");
                }
                return a;
            }
        }
    }

    /** STATUS counters of a mailbox (RFC 9051 §6.3.11, RFC 8438 SIZE), kept by {@link #allocate}. */
    static MailboxStatus status(Connection c, long mailboxId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT message_count, unseen_count, deleted_count, total_size, uid_next, uid_validity, highest_modseq
                FROM mailboxes WHERE account_id = ? AND id = ?""")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(mailboxId);
                }
                return new MailboxStatus(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7));
            }
        }
    }

    /**
     * Inserts a mailbox with the account's next ordinal and a fresh UIDVALIDITY: the current time in
     * seconds, or one more than the account's last one if that is larger, so a mailbox deleted and
     * created again under the same name never gets the old UIDVALIDITY (RFC 9051 §2.3.1.1). The
     * account_state row lock taken here serialises the account's namespace changes.
     */
    static long insert(Tx tx, long accountId, String storedName, Optional<SpecialUse> use) throws SQLException {
        long ordinal;
        long uidValidity;
        try (PreparedStatement ps = tx.c().prepareStatement("""
                UPDATE account_state SET mailbox_seq = mailbox_seq + 1,
                  last_uid_validity = CASE WHEN greatest(?, last_uid_validity + 1) > 4294967295 THEN 1
                                           ELSE greatest(?, last_uid_validity + 1) END
                WHERE account_id = ? RETURNING mailbox_seq, last_uid_validity""")) {
            long seconds = tx.now().getEpochSecond();
            ps.setLong(1, seconds);
            ps.setLong(2, seconds);
            ps.setLong(3, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
                ordinal = rs.getLong(1);
                uidValidity = rs.getLong(2);
            }
        }
        if (byName(tx.c(), accountId, storedName).isPresent()) {
            throw new StoreException.AlreadyExists("mailbox exists: " + storedName);
        }
        long id = MailboxIds.compose(accountId, ordinal);
        try (PreparedStatement ps = tx.c().prepareStatement("""
                INSERT INTO mailboxes(account_id, id, name, special_use, uid_validity, uid_next, highest_modseq)
                VALUES (?, ?, ?, ?, ?, 1, 1)""")) {
            ps.setLong(1, accountId);
            ps.setLong(2, id);
            ps.setString(3, storedName);
            ps.setString(4, use.map(Enum::name).orElse(null));
            ps.setLong(5, uidValidity);
            ps.executeUpdate();
        }
        return id;
    }

    static void subscribe(Connection c, long accountId, String name, boolean subscribed) throws SQLException {
        QUERIES.subscribe(c, accountId, name, subscribed);
    }

    /**
     * Removes the mailbox with its messages (releasing blobs and quota) and tombstones. The caller
     * holds the account_state lock. Sessions learn of it when their mailbox lookup fails; it is rung.
     */
    static void deleteWithMessages(Tx tx, Mailbox mailbox) throws SQLException {
        lock(tx.c(), mailbox.id());
        MessageRows.Removed removed = MessageRows.deleteAll(tx.c(), mailbox);
        AccountRows.addUsage(tx.c(), mailbox.accountId(), -removed.bytes(), -removed.count());
        Binder mailboxKey = ps -> {
            ps.setLong(1, mailbox.accountId());
            ps.setLong(2, mailbox.id());
        };
        Sql.update(tx.c(), "DELETE FROM tombstones WHERE account_id = ? AND mailbox_id = ?", mailboxKey);
        jotmai.store.support.MetadataRows.deleteMailbox(tx.c(), mailbox.id()); // every user's entries
        for (String sql : List.of("DELETE FROM seen_marks WHERE account_id = ? AND mailbox_id = ?",
                "DELETE FROM mailbox_acl WHERE account_id = ? AND mailbox_id = ?",
                "DELETE FROM mailboxes WHERE account_id = ? AND id = ?")) {
            Sql.update(tx.c(), sql, mailboxKey);
        }
        BlobRows.release(tx, removed.blobRefs());
        tx.ring(mailbox.id());
    }
}
