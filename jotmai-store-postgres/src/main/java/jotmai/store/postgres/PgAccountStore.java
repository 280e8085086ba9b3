package jotmai.store.postgres;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jotmai.store.Mailbox;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.jdbc.AccountTables;
import jotmai.store.jdbc.JdbcAccountStore;
import jotmai.store.jdbc.Sql;
import jotmai.store.jdbc.TimeColumn;

/**
 * Domains, accounts and aliases in PostgreSQL (the shared logic is {@link JdbcAccountStore}); every
 * call is one statement or one transaction. Several nodes write at once, so domain checks hold the
 * domain row (FOR SHARE) and removal locks it (FOR UPDATE).
 */
final class PgAccountStore extends JdbcAccountStore<Tx> {

    /** Per-account rows deleted with the account, the account row last. */
    private static final List<String> ACCOUNT_ROWS = List.of("DELETE FROM subscriptions WHERE account_id = ?",
            "DELETE FROM account_state WHERE account_id = ?", "DELETE FROM login_records WHERE account_id = ?",
            "DELETE FROM metadata WHERE account_id = ?", "DELETE FROM seen_marks WHERE reader_id = ?",
            "DELETE FROM thread_refs WHERE account_id = ?",
            "DELETE FROM accounts WHERE id = ?");

    private static final AccountTables TABLES = new AccountTables("domains", "accounts", "aliases", "login_records",
            "created_at", "at", TimeColumn.TIMESTAMPTZ, " FOR SHARE", " FOR UPDATE", ACCOUNT_ROWS);

    private final Runnable afterDelete;

    /** {@code afterDelete} runs after an account is deleted (the blob purge). */
    PgAccountStore(Db db, Runnable afterDelete) {
        super(db, TABLES);
        this.afterDelete = afterDelete;
    }

    @Override
    protected String key(String name) {
        return Names.key(name);
    }

    /** Lock the domain row first, so that an account being created in it waits or fails. */
    @Override
    protected boolean lockDomainForRemoval(Tx tx, String domain) throws SQLException {
        return Sql.exists(tx.c(), "SELECT 1 FROM domains WHERE name = ? FOR UPDATE", ps -> ps.setString(1, domain));
    }

    @Override
    protected void deleteAliasesOfDomain(Tx tx, String domain) throws SQLException {
        Sql.update(tx.c(), "DELETE FROM aliases WHERE domain = ?", ps -> ps.setString(1, domain));
    }

    /** Ids come from a sequence and are bounded (they lead every mailbox id, see {@link MailboxIds}). */
    @Override
    protected long insertAccount(Tx tx, String address, String domain, String passwordHash, long quotaBytes)
            throws SQLException {
        long accountId = Sql.first(tx.c(), """
                INSERT INTO accounts(id, address, domain, password_hash, quota_bytes, created_at)
                VALUES (nextval('account_ids'), ?, ?, ?, ?, ?) ON CONFLICT (address) DO NOTHING RETURNING id""", ps -> {
            ps.setString(1, address);
            ps.setString(2, domain);
            ps.setString(3, passwordHash);
            ps.setLong(4, quotaBytes);
            ps.setObject(5, BlobRows.timestamp(tx.now()));
        }, rs -> rs.getLong(1)).orElseThrow(() -> new StoreException.AlreadyExists("account exists: " + address));
        if (accountId > MailboxIds.MAX_ACCOUNT_ID) {
            throw new StoreException.Conflict("account ids exhausted");
        }
        Sql.update(tx.c(), "INSERT INTO account_state(account_id) VALUES (?)", ps -> ps.setLong(1, accountId));
        return accountId;
    }

    @Override
    protected void createMailbox(Tx tx, long accountId, String name, Optional<SpecialUse> use) throws SQLException {
        MailboxRows.insert(tx, accountId, name, use);
        MailboxRows.subscribe(tx.c(), accountId, name, true);
    }

    /** The account's state row is locked first, as by every account-changing write ({@link AccountRows#lock}). */
    @Override
    protected void deleteMailboxes(Tx tx, long accountId) throws SQLException {
        AccountRows.lock(tx.c(), accountId);
        for (Mailbox m : MailboxRows.ofAccount(tx.c(), accountId)) {
            MailboxRows.deleteWithMessages(tx, m);
        }
    }

    @Override
    protected boolean insertAlias(Tx tx, String source, String target, String domain) throws SQLException {
        return Sql.update(tx.c(), "INSERT INTO aliases(source, target, domain) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                ps -> {
                    ps.setString(1, source);
                    ps.setString(2, target);
                    ps.setString(3, domain);
                }) > 0;
    }

    /** The blob purge runs outside the transaction (it commits in batches of its own). */
    @Override
    protected void accountDeleteCommitted() {
        afterDelete.run();
    }
}
