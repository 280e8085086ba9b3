package jotmai.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jotmai.store.Mailbox;
import jotmai.store.jdbc.JdbcAclStore;
import jotmai.store.support.AddressNames;

/**
 * RFC 4314 access control lists in SQLite (the shared logic is {@link JdbcAclStore}). A mailbox's
 * rows are found by mailbox id alone; the single writer serializes changes, so nothing is locked.
 */
final class SqliteAclStore extends JdbcAclStore<Tx> {

    SqliteAclStore(SqliteAccess access) {
        super(access, "account", prefix -> prefix + "mailbox_id = ?");
    }

    @Override
    protected String key(String identifier) {
        return AddressNames.lookupKey(identifier);
    }

    @Override
    protected int bindMailbox(PreparedStatement ps, int index, long mailboxId) throws SQLException {
        ps.setLong(index, mailboxId);
        return index + 1;
    }

    @Override
    protected long holdMailbox(Tx tx, long mailboxId) throws SQLException {
        return MailboxRows.require(tx.c(), mailboxId).accountId();
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
