package jotmai.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jotmai.store.Mailbox;
import jotmai.store.jdbc.JdbcAclStore;

/**
 * RFC 4314 access control lists in PostgreSQL (the shared logic is {@link JdbcAclStore}). Every query
 * on one mailbox filters on the owner's account id, taken from the mailbox id ({@link MailboxIds});
 * only {@link #sharedWith} looks across accounts (by identifier). A change locks the mailbox row, so a
 * concurrent DELETE of the mailbox waits or the change fails.
 */
final class PgAclStore extends JdbcAclStore<Tx> {

    PgAclStore(Db db) {
        super(db, "accounts", prefix -> prefix + "account_id = ? AND " + prefix + "mailbox_id = ?");
    }

    @Override
    protected String key(String identifier) {
        return Names.key(identifier);
    }

    @Override
    protected int bindMailbox(PreparedStatement ps, int index, long mailboxId) throws SQLException {
        ps.setLong(index, MailboxIds.accountOf(mailboxId));
        ps.setLong(index + 1, mailboxId);
        return index + 2;
    }

    @Override
    protected long holdMailbox(Tx tx, long mailboxId) throws SQLException {
        return MailboxRows.lock(tx.c(), mailboxId).accountId();
    }

    @Override
    protected Optional<Mailbox> mailbox(Connection c, long mailboxId) throws SQLException {
        return MailboxRows.byId(c, mailboxId);
    }

    @Override
    protected List<Mailbox> ownMailboxes(Connection c, long accountId) throws SQLException {
        return MailboxRows.ofAccount(c, accountId);
    }
}
