package jotmai.store.jdbc;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jotmai.store.Account;
import jotmai.store.AccountStore;
import jotmai.store.Alias;
import jotmai.store.Mailbox;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.support.AddressNames;

/**
 * Domains, accounts, aliases, last logins and APOP secrets: the logic both backends share. A backend
 * subclass names its tables ({@link AccountTables}) and fills in the steps its schema does
 * differently: how an account row is created (SQLite rowid, PostgreSQL sequence plus usage row), how
 * its mailboxes are made and deleted, and its locking.
 */
public abstract class JdbcAccountStore<X extends WriteTx> implements AccountStore {

    /** The mailboxes every new account gets, all subscribed (RFC 6154 roles). */
    private static final List<DefaultMailbox> DEFAULT_MAILBOXES = List.of(
            new DefaultMailbox(Mailbox.INBOX, Optional.empty()),
            new DefaultMailbox("Sent", Optional.of(SpecialUse.SENT)),
            new DefaultMailbox("Drafts", Optional.of(SpecialUse.DRAFTS)),
            new DefaultMailbox("Trash", Optional.of(SpecialUse.TRASH)),
            new DefaultMailbox("Junk", Optional.of(SpecialUse.JUNK)),
            new DefaultMailbox("Archive", Optional.of(SpecialUse.ARCHIVE)));

    private record DefaultMailbox(String name, Optional<SpecialUse> use) {}

    protected final JdbcAccess<X> access;
    private final List<String> accountRows;
    private final TimeColumn time;
    private final AccountRowMapper accountRow;
    private final String insertDomain;
    private final String hasAccountInDomain;
    private final String deleteDomain;
    private final String domainNames;
    private final String domainExists;
    private final String domainHeld;
    private final String accountByAddress;
    private final String accountById;
    private final String allAccounts;
    private final String accountIdToDelete;
    private final String accountExists;
    private final String setPasswordHash;
    private final String setQuota;
    private final String setMessageQuota;
    private final String setApopSecret;
    private final String apopSecret;
    private final String deleteAliasPair;
    private final String deleteAliasesOf;
    private final String allAliases;
    private final String aliasTargets;
    private final String upsertLogin;
    private final String lastLogin;

    protected JdbcAccountStore(JdbcAccess<X> access, AccountTables t) {
        this.access = access;
        this.accountRows = t.accountRows();
        this.time = t.time();
        this.accountRow = new AccountRowMapper(t);
        insertDomain = "INSERT INTO " + t.domains() + "(name) VALUES (?) ON CONFLICT DO NOTHING";
        hasAccountInDomain = "SELECT 1 FROM " + t.accounts() + " WHERE domain = ? LIMIT 1";
        deleteDomain = "DELETE FROM " + t.domains() + " WHERE name = ?";
        domainNames = "SELECT name FROM " + t.domains() + " ORDER BY name";
        domainExists = "SELECT 1 FROM " + t.domains() + " WHERE name = ?";
        domainHeld = domainExists + t.shareLock();
        String selectAccount = "SELECT " + accountRow.columns + " FROM " + t.accounts();
        accountByAddress = selectAccount + " WHERE address = ?";
        accountById = selectAccount + " WHERE id = ?";
        allAccounts = selectAccount + " ORDER BY address";
        accountIdToDelete = "SELECT id FROM " + t.accounts() + " WHERE address = ?" + t.updateLock();
        accountExists = "SELECT 1 FROM " + t.accounts() + " WHERE id = ?";
        setPasswordHash = "UPDATE " + t.accounts() + " SET password_hash = ? WHERE id = ?";
        setQuota = "UPDATE " + t.accounts() + " SET quota_bytes = ? WHERE id = ?";
        setMessageQuota = "UPDATE " + t.accounts() + " SET quota_messages = ? WHERE id = ?";
        setApopSecret = "UPDATE " + t.accounts() + " SET apop_secret = ? WHERE id = ?";
        apopSecret = "SELECT apop_secret FROM " + t.accounts() + " WHERE id = ?";
        deleteAliasPair = "DELETE FROM " + t.aliases() + " WHERE source = ? AND target = ?";
        deleteAliasesOf = "DELETE FROM " + t.aliases() + " WHERE source = ?";
        allAliases = "SELECT source, target FROM " + t.aliases() + " ORDER BY source, target";
        aliasTargets = "SELECT target FROM " + t.aliases() + " WHERE source = ? ORDER BY target";
        upsertLogin = "INSERT INTO " + t.loginRecords() + "(account_id, protocol, " + t.loginAtColumn()
                + ") VALUES (?, ?, ?) ON CONFLICT (account_id, protocol) DO UPDATE SET " + t.loginAtColumn()
                + " = excluded." + t.loginAtColumn();
        lastLogin = "SELECT " + t.loginAtColumn() + " FROM " + t.loginRecords()
                + " WHERE account_id = ? AND protocol = ?";
    }

    // ---- what each backend does its own way ----

    /** The lookup key of an address or domain as the backend can bind it (see {@link AddressNames#lookupKey}). */
    protected abstract String key(String name);

    /**
     * Holds the domain against concurrent account creation until commit; false when there is no such
     * domain (a backend whose single writer serializes everything may answer true without a query).
     */
    protected abstract boolean lockDomainForRemoval(X tx, String domain) throws SQLException;

    protected abstract void deleteAliasesOfDomain(X tx, String domain) throws SQLException;

    /** Inserts the account row (and what belongs to it); its id, or AlreadyExists. */
    protected abstract long insertAccount(X tx, String address, String domain, String passwordHash, long quotaBytes)
            throws SQLException;

    /** Creates one of a new account's mailboxes, subscribed. */
    protected abstract void createMailbox(X tx, long accountId, String name, Optional<SpecialUse> use)
            throws SQLException;

    /**
     * Deletes the account's mailboxes with their messages (releasing blobs and quota); the account's
     * other rows ({@link AccountTables#accountRows}) and the ACL entries naming it are deleted after this.
     */
    protected abstract void deleteMailboxes(X tx, long accountId) throws SQLException;

    /** Inserts an alias; false when it exists. */
    protected abstract boolean insertAlias(X tx, String source, String target, String domain)
            throws SQLException;

    /** Runs inside the deleting transaction, last (e.g. purging now unreferenced blobs). */
    protected void accountDeleted(X tx) throws SQLException {
    }

    /** Runs after the deleting transaction committed. */
    protected void accountDeleteCommitted() {
    }

    // ---- domains ----

    @Override
    public void addDomain(String domain) {
        String d = AddressNames.domain(domain);
        access.write(tx -> {
            if (Sql.update(tx.c(), insertDomain, ps -> ps.setString(1, d)) == 0) {
                throw new StoreException.AlreadyExists("domain exists: " + d);
            }
            return null;
        });
    }

    @Override
    public boolean removeDomain(String domain) {
        String d = AddressNames.domain(domain);
        return access.write(tx -> {
            if (!lockDomainForRemoval(tx, d)) {
                return false;
            }
            if (Sql.exists(tx.c(), hasAccountInDomain, ps -> ps.setString(1, d))) {
                throw new StoreException.Conflict("domain " + d + " still has accounts");
            }
            deleteAliasesOfDomain(tx, d);
            return Sql.update(tx.c(), deleteDomain, ps -> ps.setString(1, d)) > 0;
        });
    }

    @Override
    public List<String> domains() {
        return access.read(c -> Sql.list(c, domainNames, Binder.NONE, rs -> rs.getString(1)));
    }

    @Override
    public boolean isHostedDomain(String domain) {
        String d = key(domain);
        return access.read(c -> Sql.exists(c, domainExists, ps -> ps.setString(1, d)));
    }

    private void requireHostedDomain(X tx, String domain) throws SQLException {
        if (!Sql.exists(tx.c(), domainHeld, ps -> ps.setString(1, domain))) {
            throw new StoreException.NotFound("domain not hosted: " + domain);
        }
    }

    // ---- accounts ----

    @Override
    public Account createAccount(String address, String passwordHash, long quotaBytes) {
        String a = AddressNames.address(address);
        String domain = AddressNames.domainOf(a);
        if (quotaBytes < 0) {
            throw new StoreException.Invalid("negative quota");
        }
        long id = access.write(tx -> {
            requireHostedDomain(tx, domain);
            long accountId = insertAccount(tx, a, domain, passwordHash, quotaBytes);
            for (DefaultMailbox m : DEFAULT_MAILBOXES) {
                createMailbox(tx, accountId, m.name(), m.use());
            }
            return accountId;
        });
        return account(id).orElseThrow(() -> new StoreException.Unavailable("account vanished after create", null));
    }

    @Override
    public Optional<Account> account(String address) {
        String a = key(address);
        return access.read(c -> Sql.first(c, accountByAddress, ps -> ps.setString(1, a), accountRow));
    }

    @Override
    public Optional<Account> account(long accountId) {
        return access.read(c -> Sql.first(c, accountById, ps -> ps.setLong(1, accountId), accountRow));
    }

    @Override
    public List<Account> accounts() {
        return access.read(c -> Sql.list(c, allAccounts, Binder.NONE, accountRow));
    }

    @Override
    public void setPasswordHash(long accountId, String passwordHash) {
        updateAccount(setPasswordHash, accountId, ps -> ps.setString(1, passwordHash));
    }

    @Override
    public void setQuota(long accountId, long quotaBytes) {
        if (quotaBytes < 0) {
            throw new StoreException.Invalid("negative quota");
        }
        updateAccount(setQuota, accountId, ps -> ps.setLong(1, quotaBytes));
    }

    @Override
    public void setMessageQuota(long accountId, long quotaMessages) {
        if (quotaMessages < 0) {
            throw new StoreException.Invalid("negative message quota");
        }
        updateAccount(setMessageQuota, accountId, ps -> ps.setLong(1, quotaMessages));
    }

    @Override
    public void setApopSecret(long accountId, Optional<String> secret) {
        if (secret.isPresent() && secret.get().isEmpty()) {
            throw new StoreException.Invalid("empty APOP secret");
        }
        updateAccount(setApopSecret, accountId, ps -> ps.setString(1, secret.orElse(null)));
    }

    @Override
    public Optional<String> apopSecret(long accountId) {
        return access.read(c -> Sql.first(c, apopSecret, ps -> ps.setLong(1, accountId), rs -> rs.getString(1)));
    }

    /** Runs {@code sql} ("UPDATE ... SET x = ? WHERE id = ?"); {@code value} binds parameter 1. */
    private void updateAccount(String sql, long accountId, Binder value) {
        access.write(tx -> {
            if (Sql.update(tx.c(), sql, ps -> {
                value.bind(ps);
                ps.setLong(2, accountId);
            }) == 0) {
                throw new StoreException.NotFound("no account " + accountId);
            }
            return null;
        });
    }

    @Override
    public boolean deleteAccount(String address) {
        String a = key(address);
        boolean deleted = access.write(tx -> {
            Optional<Long> found = Sql.first(tx.c(), accountIdToDelete, ps -> ps.setString(1, a), rs -> rs.getLong(1));
            if (found.isEmpty()) {
                return false;
            }
            long accountId = found.get();
            deleteMailboxes(tx, accountId);
            for (String sql : accountRows) {
                Sql.update(tx.c(), sql, ps -> ps.setLong(1, accountId));
            }
            // RFC 4314 rights granted to the deleted account
            Sql.update(tx.c(), "DELETE FROM mailbox_acl WHERE identifier = ?", ps -> ps.setString(1, a));
            accountDeleted(tx);
            return true;
        });
        if (deleted) {
            accountDeleteCommitted();
        }
        return deleted;
    }

    // ---- aliases ----

    @Override
    public void addAlias(String source, String target) {
        String s = AddressNames.aliasSource(source);
        String t = AddressNames.address(target);
        String domain = AddressNames.domainOf(s);
        access.write(tx -> {
            requireHostedDomain(tx, domain);
            if (!insertAlias(tx, s, t, domain)) {
                throw new StoreException.AlreadyExists("alias exists: " + s + " -> " + t);
            }
            return null;
        });
    }

    @Override
    public boolean removeAlias(String source, Optional<String> target) {
        String s = key(source);
        Optional<String> t = target.map(this::key);
        return access.write(tx -> Sql.update(tx.c(), t.isPresent() ? deleteAliasPair : deleteAliasesOf, ps -> {
            ps.setString(1, s);
            if (t.isPresent()) {
                ps.setString(2, t.get());
            }
        }) > 0);
    }

    @Override
    public List<Alias> aliases() {
        return access.read(c -> Sql.list(c, allAliases, Binder.NONE, rs -> new Alias(rs.getString(1), rs.getString(2))));
    }

    @Override
    public List<String> aliasTargets(String source) {
        String s = key(source);
        return access.read(c -> Sql.list(c, aliasTargets, ps -> ps.setString(1, s), rs -> rs.getString(1)));
    }

    // ---- logins ----

    @Override
    public void recordLogin(long accountId, String protocol, Instant at) {
        access.write(tx -> {
            if (!Sql.exists(tx.c(), accountExists, ps -> ps.setLong(1, accountId))) {
                throw new StoreException.NotFound("no account " + accountId);
            }
            Sql.update(tx.c(), upsertLogin, ps -> {
                ps.setLong(1, accountId);
                ps.setString(2, protocol);
                time.set(ps, 3, at);
            });
            return null;
        });
    }

    @Override
    public Optional<Instant> lastLogin(long accountId, String protocol) {
        return access.read(c -> Sql.first(c, lastLogin, ps -> {
            ps.setLong(1, accountId);
            ps.setString(2, protocol);
        }, rs -> time.get(rs, 1)));
    }
}
