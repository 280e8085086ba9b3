package jotmai.store.sqlite;

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
import jotmai.store.support.AddressNames;

/**
 * Domains, accounts and aliases in SQLite (the shared logic is {@link JdbcAccountStore}). No row locks:
 * the single group-commit writer serializes every write.
 */
final class SqliteAccountStore extends JdbcAccountStore<Tx> {

    /** Per-account rows deleted with the account, the account row last. */
    private static final List<String> ACCOUNT_ROWS = List.of("DELETE FROM subscription WHERE account_id = ?",
            "DELETE FROM login_record WHERE account_id = ?", "DELETE FROM metadata WHERE account_id = ?",
            "DELETE FROM seen_mark WHERE reader_id = ?",
            "DELETE FROM thread_ref WHERE account_id = ?",
            "DELETE FROM account WHERE id = ?");

    private static final AccountTables TABLES = new AccountTables("domain", "account", "alias", "login_record",
            "created_ms", "at_ms", TimeColumn.EPOCH_MILLIS, "", "", ACCOUNT_ROWS);

    private final long blobGraceMs;

    SqliteAccountStore(SqliteAccess access, long blobGraceMs) {
        super(access, TABLES);
        this.blobGraceMs = blobGraceMs;
    }

    @Override
    protected String key(String name) {
        return AddressNames.lookupKey(name);
    }

    /** The writer serializes: nothing to lock, and a missing domain shows in the final DELETE's count. */
    @Override
    protected boolean lockDomainForRemoval(Tx tx, String domain) {
        return true;
    }

    /** The alias table has no domain column: match the source's domain part (LIKE with escapes). */
    @Override
    protected void deleteAliasesOfDomain(Tx tx, String domain) throws SQLException {
        String pattern = "%@" + domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        Sql.update(tx.c(), "DELETE FROM alias WHERE source LIKE ? ESCAPE '\\'", ps -> ps.setString(1, pattern));
    }

    @Override
    protected long insertAccount(Tx tx, String address, String domain, String passwordHash, long quotaBytes)
            throws SQLException {
        int inserted = Sql.update(tx.c(), """
                INSERT OR IGNORE INTO account(address, domain, password_hash, quota_bytes, created_ms)
                VALUES (?, ?, ?, ?, ?)""", ps -> {
            ps.setString(1, address);
            ps.setString(2, domain);
            ps.setString(3, passwordHash);
            ps.setLong(4, quotaBytes);
            ps.setLong(5, tx.now());
        });
        if (inserted == 0) {
            throw new StoreException.AlreadyExists("account exists: " + address);
        }
        return BlobTable.lastRowId(tx.c());
    }

    @Override
    protected void createMailbox(Tx tx, long accountId, String name, Optional<SpecialUse> use) throws SQLException {
        MailboxRows.insert(tx, accountId, name, use);
        MailboxRows.subscribe(tx, accountId, name, true);
    }

    @Override
    protected void deleteMailboxes(Tx tx, long accountId) throws SQLException {
        for (Mailbox m : MailboxRows.ofAccount(tx.c(), accountId)) {
            MailboxRows.deleteWithMessages(tx, m);
        }
    }

    @Override
    protected boolean insertAlias(Tx tx, String source, String target, String domain) throws SQLException {
        return Sql.update(tx.c(), "INSERT OR IGNORE INTO alias(source, target) VALUES (?, ?)", ps -> {
            ps.setString(1, source);
            ps.setString(2, target);
        }) > 0;
    }

    /** The deleted messages' blobs go once past the grace period (open readers may still stream them). */
    @Override
    protected void accountDeleted(Tx tx) throws SQLException {
        BlobTable.purge(tx, tx.now() - blobGraceMs);
    }
}
