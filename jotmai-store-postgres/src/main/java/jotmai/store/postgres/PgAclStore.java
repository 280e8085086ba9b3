package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.store.Account;
import jotmai.store.AclStore;
import jotmai.store.ChangeBus;
import jotmai.store.Mailbox;
import jotmai.store.Rights;
import jotmai.store.StoreException;
import jotmai.store.support.AclRules;

/**
 * RFC 4314 access control lists in {@code mailbox_acl}. Every query on one mailbox filters on the
 * owner's account id, taken from the mailbox id ({@link MailboxIds}); only {@link #sharedWith} looks
 * across accounts (by identifier).
 */
final class PgAclStore implements AclStore {
    private final Db db;

    PgAclStore(Db db) {
        this.db = db;
    }

    @Override
    public void setRights(long mailboxId, String identifier, Rights rights) {
        String id = AclRules.identifier(identifier);
        long owner = MailboxIds.accountOf(mailboxId);
        db.tx(tx -> {
            MailboxRows.lock(tx.c(), mailboxId); // a concurrent DELETE of the mailbox waits or we fail
            if (!id.equals(ANYONE)) {
                long account = accountId(tx.c(), id)
                        .orElseThrow(() -> new StoreException.NotFound("no account " + id));
                AclRules.checkGrantee(owner, account);
                tx.ring(ChangeBus.mailboxListKey(account)); // RFC 5465 §5.9: the grantee's NOTIFY looks again
            }
            tx.ring(mailboxId); // sessions that have the mailbox selected (IDLE too) read their rights again
            if (rights.isEmpty()) {
                delete(tx.c(), mailboxId, id);
                return null;
            }
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO mailbox_acl(account_id, mailbox_id, identifier, rights) VALUES (?, ?, ?, ?)
                    ON CONFLICT (account_id, mailbox_id, identifier) DO UPDATE SET rights = EXCLUDED.rights""")) {
                ps.setLong(1, owner);
                ps.setLong(2, mailboxId);
                ps.setString(3, id);
                ps.setString(4, rights.letters());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public boolean removeRights(long mailboxId, String identifier) {
        String id = Names.key(identifier);
        return db.tx(tx -> {
            accountId(tx.c(), id).ifPresent(a -> tx.ring(ChangeBus.mailboxListKey(a))); // RFC 5465 §5.9
            boolean removed = delete(tx.c(), mailboxId, id);
            if (removed) {
                tx.ring(mailboxId); // as in setRights: selected sessions read their rights again
            }
            return removed;
        });
    }

    private static boolean delete(Connection c, long mailboxId, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM mailbox_acl WHERE account_id = ? AND mailbox_id = ? AND identifier = ?")) {
            ps.setLong(1, MailboxIds.accountOf(mailboxId));
            ps.setLong(2, mailboxId);
            ps.setString(3, id);
            return ps.executeUpdate() > 0;
        }
    }

    @Override
    public List<AclEntry> acl(long mailboxId) {
        return db.read(c -> {
            List<AclEntry> entries = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT identifier, rights FROM mailbox_acl WHERE account_id = ? AND mailbox_id = ?
                    ORDER BY identifier""")) {
                ps.setLong(1, MailboxIds.accountOf(mailboxId));
                ps.setLong(2, mailboxId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new AclEntry(rs.getString(1), Rights.of(rs.getString(2))));
                    }
                }
            }
            return entries;
        });
    }

    @Override
    public Rights rights(long mailboxId, Account account) {
        return db.read(c -> {
            if (MailboxRows.byId(c, mailboxId).isEmpty()) {
                return Rights.NONE;
            }
            if (MailboxIds.accountOf(mailboxId) == account.id()) {
                return Rights.ALL;
            }
            Rights rights = Rights.NONE;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT acl.rights FROM mailbox_acl acl JOIN accounts a ON a.id = acl.account_id
                    WHERE acl.account_id = ? AND acl.mailbox_id = ?
                      AND (acl.identifier = ? OR (acl.identifier = 'anyone' AND a.domain = ?))""")) {
                ps.setLong(1, MailboxIds.accountOf(mailboxId));
                ps.setLong(2, mailboxId);
                ps.setString(3, account.address());
                ps.setString(4, account.domain());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rights = rights.plus(Rights.of(rs.getString(1)));
                    }
                }
            }
            return rights;
        });
    }

    @Override
    public List<SharedMailbox> sharedWith(Account account) {
        return db.read(c -> {
            AclRules.SharedRows rows = new AclRules.SharedRows();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT acl.mailbox_id, a.address, acl.rights FROM mailbox_acl acl JOIN accounts a ON a.id = acl.account_id
                    WHERE acl.account_id <> ? AND (acl.identifier = ? OR (acl.identifier = 'anyone' AND a.domain = ?))""")) {
                ps.setLong(1, account.id());
                ps.setString(2, account.address());
                ps.setString(3, account.domain());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getLong(1), rs.getString(2), rs.getString(3));
                    }
                }
            }
            return rows.resolve(id -> MailboxRows.byId(c, id));
        });
    }

    private static Optional<Long> accountId(Connection c, String address) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM accounts WHERE address = ?")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }
}
