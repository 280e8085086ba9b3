package jotmai.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jotmai.store.Mailbox;
import jotmai.store.SpecialUse;

/**
 * The mailbox row queries whose text differs between the backends only in table names: the columns a
 * {@link Mailbox} is read from (with its subscription), lookups by account and name, the account's
 * list, and (un)subscribing. Statements are built once, in the constructor.
 */
public final class MailboxQueries implements RowMapper<Mailbox> {

    /** The select list over {@code m} (the mailbox table), in the order {@link #map} reads it. */
    public final String columns;
    private final String byName;
    private final String ofAccount;
    private final String subscribe;
    private final String unsubscribe;

    public MailboxQueries(String mailboxes, String subscriptions) {
        columns = """
                m.id, m.account_id, m.name, m.special_use, m.uid_validity, m.uid_next, m.highest_modseq,
                EXISTS(SELECT 1 FROM %s s WHERE s.account_id = m.account_id AND s.name = m.name)"""
                .formatted(subscriptions);
        byName = "SELECT " + columns + " FROM " + mailboxes + " m WHERE m.account_id = ? AND m.name = ?";
        ofAccount = "SELECT " + columns + " FROM " + mailboxes + " m WHERE m.account_id = ? ORDER BY m.name";
        subscribe = "INSERT INTO " + subscriptions + "(account_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING";
        unsubscribe = "DELETE FROM " + subscriptions + " WHERE account_id = ? AND name = ?";
    }

    @Override
    public Mailbox map(ResultSet rs) throws SQLException {
        String use = rs.getString(4);
        return new Mailbox(rs.getLong(1), rs.getLong(2), rs.getString(3),
                use == null ? Optional.empty() : Optional.of(SpecialUse.valueOf(use)),
                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getBoolean(8));
    }

    public Optional<Mailbox> byName(Connection c, long accountId, String storedName) throws SQLException {
        return Sql.first(c, byName, ps -> {
            ps.setLong(1, accountId);
            ps.setString(2, storedName);
        }, this);
    }

    /** The account's mailboxes by name. */
    public List<Mailbox> ofAccount(Connection c, long accountId) throws SQLException {
        return Sql.list(c, ofAccount, ps -> ps.setLong(1, accountId), this);
    }

    /** Subscribes (idempotently) or unsubscribes a name, which need not be an existing mailbox. */
    public void subscribe(Connection c, long accountId, String name, boolean subscribed) throws SQLException {
        Sql.update(c, subscribed ? subscribe : unsubscribe, ps -> {
            ps.setLong(1, accountId);
            ps.setString(2, name);
        });
    }
}
