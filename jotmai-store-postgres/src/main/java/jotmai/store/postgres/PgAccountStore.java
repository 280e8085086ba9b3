package jotmai.store.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.store.Account;
import jotmai.store.AccountStore;
import jotmai.store.Alias;
import jotmai.store.Mailbox;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.support.AddressNames;

/** Domains, accounts and aliases in PostgreSQL; every call is one statement or one transaction. */
final class PgAccountStore implements AccountStore {

    /** The mailboxes every new account gets, all subscribed (RFC 6154 roles). */
    private static final List<DefaultMailbox> DEFAULT_MAILBOXES = List.of(
            new DefaultMailbox(Mailbox.INBOX, Optional.empty()),
            new DefaultMailbox("Sent", Optional.of(SpecialUse.SENT)),
            new DefaultMailbox("Drafts", Optional.of(SpecialUse.DRAFTS)),
            new DefaultMailbox("Trash", Optional.of(SpecialUse.TRASH)),
            new DefaultMailbox("Junk", Optional.of(SpecialUse.JUNK)),
            new DefaultMailbox("Archive", Optional.of(SpecialUse.ARCHIVE)));

    private record DefaultMailbox(String name, Optional<SpecialUse> use) {}

    private final Db db;
    private final Runnable afterDelete;

    /** {@code afterDelete} runs after an account is deleted (the blob purge). */
    PgAccountStore(Db db, Runnable afterDelete) {
        this.db = db;
        this.afterDelete = afterDelete;
    }

    @Override
    public void addDomain(String domain) {
        String d = AddressNames.domain(domain);
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement(
                    "INSERT INTO domains(name) VALUES (?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, d);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.AlreadyExists("domain exists: " + d);
                }
            }
            return null;
        });
    }

    @Override
    public boolean removeDomain(String domain) {
        String d = AddressNames.domain(domain);
        return db.tx(tx -> {
            // Lock the domain row first, so that an account being created in it waits or fails.
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM domains WHERE name = ? FOR UPDATE")) {
                ps.setString(1, d);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM accounts WHERE domain = ? LIMIT 1")) {
                ps.setString(1, d);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new StoreException.Conflict("domain " + d + " still has accounts");
                    }
                }
            }
            for (String sql : List.of("DELETE FROM aliases WHERE domain = ?", "DELETE FROM domains WHERE name = ?")) {
                try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                    ps.setString(1, d);
                    ps.executeUpdate();
                }
            }
            return true;
        });
    }

    @Override
    public List<String> domains() {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM domains ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public boolean isHostedDomain(String domain) {
        String d = Names.key(domain);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM domains WHERE name = ?")) {
                ps.setString(1, d);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public Account createAccount(String address, String passwordHash, long quotaBytes) {
        String a = AddressNames.address(address);
        String domain = AddressNames.domainOf(a);
        if (quotaBytes < 0) {
            throw new StoreException.Invalid("negative quota");
        }
        long id = db.tx(tx -> {
            // FOR SHARE: a concurrent removeDomain waits for this account (and then sees it).
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM domains WHERE name = ? FOR SHARE")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StoreException.NotFound("domain not hosted: " + domain);
                    }
                }
            }
            long accountId;
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO accounts(id, address, domain, password_hash, quota_bytes, created_at)
                    VALUES (nextval('account_ids'), ?, ?, ?, ?, ?) ON CONFLICT (address) DO NOTHING RETURNING id""")) {
                ps.setString(1, a);
                ps.setString(2, domain);
                ps.setString(3, passwordHash);
                ps.setLong(4, quotaBytes);
                ps.setObject(5, BlobRows.timestamp(tx.now()));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StoreException.AlreadyExists("account exists: " + a);
                    }
                    accountId = rs.getLong(1);
                }
            }
            if (accountId > MailboxIds.MAX_ACCOUNT_ID) {
                throw new StoreException.Conflict("account ids exhausted");
            }
            try (PreparedStatement ps = tx.c().prepareStatement("INSERT INTO account_state(account_id) VALUES (?)")) {
                ps.setLong(1, accountId);
                ps.executeUpdate();
            }
            for (DefaultMailbox m : DEFAULT_MAILBOXES) {
                MailboxRows.insert(tx, accountId, m.name(), m.use());
                MailboxRows.subscribe(tx.c(), accountId, m.name(), true);
            }
            return accountId;
        });
        return account(id).orElseThrow(() -> new StoreException.Unavailable("account vanished after create", null));
    }

    @Override
    public Optional<Account> account(String address) {
        String a = Names.key(address);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + AccountRows.COLUMNS + " FROM accounts WHERE address = ?")) {
                ps.setString(1, a);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(AccountRows.map(rs)) : Optional.<Account>empty();
                }
            }
        });
    }

    @Override
    public Optional<Account> account(long accountId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + AccountRows.COLUMNS + " FROM accounts WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(AccountRows.map(rs)) : Optional.<Account>empty();
                }
            }
        });
    }

    @Override
    public List<Account> accounts() {
        return db.read(c -> {
            List<Account> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + AccountRows.COLUMNS + " FROM accounts ORDER BY address");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(AccountRows.map(rs));
                }
            }
            return out;
        });
    }

    @Override
    public void setPasswordHash(long accountId, String passwordHash) {
        updateAccount("UPDATE accounts SET password_hash = ? WHERE id = ?", passwordHash, accountId);
    }

    @Override
    public void setQuota(long accountId, long quotaBytes) {
        if (quotaBytes < 0) {
            throw new StoreException.Invalid("negative quota");
        }
        updateAccount("UPDATE accounts SET quota_bytes = ? WHERE id = ?", quotaBytes, accountId);
    }

    @Override
    public void setMessageQuota(long accountId, long quotaMessages) {
        if (quotaMessages < 0) {
            throw new StoreException.Invalid("negative message quota");
        }
        updateAccount("UPDATE accounts SET quota_messages = ? WHERE id = ?", quotaMessages, accountId);
    }

    private void updateAccount(String sql, Object value, long accountId) {
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                ps.setObject(1, value);
                ps.setLong(2, accountId);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
            }
            return null;
        });
    }

    @Override
    public boolean deleteAccount(String address) {
        String a = Names.key(address);
        boolean deleted = db.tx(tx -> {
            long accountId;
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT id FROM accounts WHERE address = ? FOR UPDATE")) {
                ps.setString(1, a);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    accountId = rs.getLong(1);
                }
            }
            AccountRows.lock(tx.c(), accountId);
            for (Mailbox m : MailboxRows.ofAccount(tx.c(), accountId)) {
                MailboxRows.deleteWithMessages(tx, m);
            }
            for (String sql : List.of("DELETE FROM subscriptions WHERE account_id = ?",
                    "DELETE FROM account_state WHERE account_id = ?", "DELETE FROM login_records WHERE account_id = ?",
                    "DELETE FROM metadata WHERE account_id = ?", "DELETE FROM seen_marks WHERE reader_id = ?",
                    "DELETE FROM thread_refs WHERE account_id = ?",
                    "DELETE FROM accounts WHERE id = ?")) {
                try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                    ps.setLong(1, accountId);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM mailbox_acl WHERE identifier = ?")) {
                ps.setString(1, a); // RFC 4314 rights granted to the deleted account
                ps.executeUpdate();
            }
            return true;
        });
        if (deleted) {
            afterDelete.run();
        }
        return deleted;
    }

    @Override
    public void addAlias(String source, String target) {
        String s = AddressNames.aliasSource(source);
        String t = AddressNames.address(target);
        String domain = AddressNames.domainOf(s);
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM domains WHERE name = ? FOR SHARE")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StoreException.NotFound("domain not hosted: " + domain);
                    }
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement(
                    "INSERT INTO aliases(source, target, domain) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, s);
                ps.setString(2, t);
                ps.setString(3, domain);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.AlreadyExists("alias exists: " + s + " -> " + t);
                }
            }
            return null;
        });
    }

    @Override
    public boolean removeAlias(String source, Optional<String> target) {
        String s = Names.key(source);
        return db.tx(tx -> {
            String sql = target.isPresent() ? "DELETE FROM aliases WHERE source = ? AND target = ?"
                    : "DELETE FROM aliases WHERE source = ?";
            try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                ps.setString(1, s);
                if (target.isPresent()) {
                    ps.setString(2, Names.key(target.get()));
                }
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<Alias> aliases() {
        return db.read(c -> {
            List<Alias> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source, target FROM aliases ORDER BY source, target");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Alias(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> aliasTargets(String source) {
        String s = Names.key(source);
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT target FROM aliases WHERE source = ? ORDER BY target")) {
                ps.setString(1, s);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void recordLogin(long accountId, String protocol, Instant at) {
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM accounts WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StoreException.NotFound("no account " + accountId);
                    }
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO login_records(account_id, protocol, at) VALUES (?, ?, ?)
                    ON CONFLICT (account_id, protocol) DO UPDATE SET at = excluded.at""")) {
                ps.setLong(1, accountId);
                ps.setString(2, protocol);
                ps.setTimestamp(3, Timestamp.from(at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Instant> lastLogin(long accountId, String protocol) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at FROM login_records WHERE account_id = ? AND protocol = ?")) {
                ps.setLong(1, accountId);
                ps.setString(2, protocol);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.<Instant>empty();
                }
            }
        });
    }

    @Override
    public void setApopSecret(long accountId, Optional<String> secret) {
        if (secret.isPresent() && secret.get().isEmpty()) {
            throw new StoreException.Invalid("empty APOP secret");
        }
        db.tx(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("UPDATE accounts SET apop_secret = ? WHERE id = ?")) {
                ps.setString(1, secret.orElse(null));
                ps.setLong(2, accountId);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
            }
            return null;
        });
    }

    @Override
    public Optional<String> apopSecret(long accountId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT apop_secret FROM accounts WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }
}
