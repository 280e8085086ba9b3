package jotmai.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jotmai.store.Account;
import jotmai.store.AclStore;
import jotmai.store.ChangeBus;
import jotmai.store.Mailbox;
import jotmai.store.Rights;
import jotmai.store.StoreException;
import jotmai.store.support.AclRules;

/**
 * RFC 4314 access control lists in {@code mailbox_acl} (owner's account id, mailbox id, identifier,
 * rights letters): the logic both backends share. A backend subclass says how a mailbox is found and
 * held for a change, and how a query selects one mailbox's rows (PostgreSQL
 * leads with the owner's account id, which its mailbox ids carry).
 */
public abstract class JdbcAclStore<X extends WriteTx> implements AclStore {

    private static final String UPSERT = """
            INSERT INTO mailbox_acl(account_id, mailbox_id, identifier, rights) VALUES (?, ?, ?, ?)
            ON CONFLICT (account_id, mailbox_id, identifier) DO UPDATE SET rights = excluded.rights""";

    protected final JdbcAccess<X> access;
    private final String delete;
    private final String entries;
    private final String rightsOf;
    private final String shared;
    private final String accountId;

    /**
     * @param accounts     the accounts table's name
     * @param mailboxMatch the condition selecting one mailbox's rows, its columns prefixed with the
     *                     argument ("" or "acl."); its parameters are bound by {@link #bindMailbox}
     */
    protected JdbcAclStore(JdbcAccess<X> access, String accounts, UnaryOperator<String> mailboxMatch) {
        this.access = access;
        delete = "DELETE FROM mailbox_acl WHERE " + mailboxMatch.apply("") + " AND identifier = ?";
        entries = "SELECT identifier, rights FROM mailbox_acl WHERE " + mailboxMatch.apply("") + " ORDER BY identifier";
        rightsOf = "SELECT acl.rights FROM mailbox_acl acl JOIN " + accounts + " a ON a.id = acl.account_id WHERE "
                + mailboxMatch.apply("acl.")
                + " AND (acl.identifier = ? OR (acl.identifier = 'anyone' AND a.domain = ?))";
        // no ORDER BY: SharedRows.resolve sorts by owner and mailbox name
        shared = "SELECT acl.mailbox_id, a.address, acl.rights FROM mailbox_acl acl JOIN " + accounts
                + " a ON a.id = acl.account_id"
                + " WHERE acl.account_id <> ? AND (acl.identifier = ? OR (acl.identifier = 'anyone' AND a.domain = ?))";
        accountId = "SELECT id FROM " + accounts + " WHERE address = ?";
    }

    // ---- what each backend does its own way ----

    /** An account's own mailboxes, as the backend's MailStore lists them (for {@link #listing}). */
    protected abstract List<Mailbox> ownMailboxes(Connection c, long accountId) throws SQLException;

    /** The lookup key of an identifier as the backend can bind it. */
    protected abstract String key(String identifier);

    /** Binds the constructor's {@code mailboxMatch} parameters from {@code index} on; returns the next free index. */
    protected abstract int bindMailbox(PreparedStatement ps, int index, long mailboxId) throws SQLException;

    /** The mailbox's owner, the mailbox held against a concurrent delete until commit; NotFound without it. */
    protected abstract long holdMailbox(X tx, long mailboxId) throws SQLException;

    protected abstract Optional<Mailbox> mailbox(Connection c, long mailboxId) throws SQLException;

    // ---- RFC 4314 ----

    @Override
    public void setRights(long mailboxId, String identifier, Rights rights) {
        String id = AclRules.identifier(identifier);
        access.write(tx -> {
            long owner = holdMailbox(tx, mailboxId);
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
            Sql.update(tx.c(), UPSERT, ps -> {
                ps.setLong(1, owner);
                ps.setLong(2, mailboxId);
                ps.setString(3, id);
                ps.setString(4, rights.letters());
            });
            return null;
        });
    }

    @Override
    public boolean removeRights(long mailboxId, String identifier) {
        String id = key(identifier);
        return access.write(tx -> {
            accountId(tx.c(), id).ifPresent(a -> tx.ring(ChangeBus.mailboxListKey(a))); // RFC 5465 §5.9
            boolean removed = delete(tx.c(), mailboxId, id);
            if (removed) {
                tx.ring(mailboxId); // as in setRights: selected sessions read their rights again
            }
            return removed;
        });
    }

    private boolean delete(Connection c, long mailboxId, String id) throws SQLException {
        return Sql.update(c, delete, ps -> ps.setString(bindMailbox(ps, 1, mailboxId), id)) > 0;
    }

    @Override
    public List<AclEntry> acl(long mailboxId) {
        return access.read(c -> Sql.list(c, entries, ps -> bindMailbox(ps, 1, mailboxId),
                rs -> new AclEntry(rs.getString(1), Rights.of(rs.getString(2)))));
    }

    @Override
    public Rights rights(long mailboxId, Account account) {
        return access.read(c -> {
            Optional<Mailbox> mailbox = mailbox(c, mailboxId);
            if (mailbox.isEmpty()) {
                return Rights.NONE;
            }
            if (mailbox.get().accountId() == account.id()) {
                return Rights.ALL;
            }
            Rights rights = Rights.NONE;
            for (String letters : Sql.list(c, rightsOf, ps -> {
                int next = bindMailbox(ps, 1, mailboxId);
                ps.setString(next, account.address());
                ps.setString(next + 1, account.domain());
            }, rs -> rs.getString(1))) {
                rights = rights.plus(Rights.of(letters));
            }
            return rights;
        });
    }

    @Override
    public List<SharedMailbox> sharedWith(Account account) {
        return access.read(c -> sharedWith(c, account));
    }

    @Override
    public Listing listing(Account account, boolean withShared) {
        return access.read(c -> new Listing(ownMailboxes(c, account.id()),
                withShared ? sharedWith(c, account) : List.of()));
    }

    private List<SharedMailbox> sharedWith(Connection c, Account account) throws SQLException {
        AclRules.SharedRows rows = new AclRules.SharedRows();
        try (PreparedStatement ps = c.prepareStatement(shared)) {
            ps.setLong(1, account.id());
            ps.setString(2, account.address());
            ps.setString(3, account.domain());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getLong(1), rs.getString(2), rs.getString(3));
                }
            }
        }
        return rows.resolve(id -> mailbox(c, id));
    }

    private Optional<Long> accountId(Connection c, String address) throws SQLException {
        return Sql.first(c, accountId, ps -> ps.setString(1, address), rs -> rs.getLong(1));
    }
}
