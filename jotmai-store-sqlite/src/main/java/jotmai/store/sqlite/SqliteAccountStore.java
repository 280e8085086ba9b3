package jotmai.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

/** Domains, accounts and aliases in SQLite. Reads go to the reader pool, writes through group commit. */
final class SqliteAccountStore implements AccountStore {

    /** The mailboxes every new account gets, all subscribed (RFC 6154 roles). */
    private static final List<DefaultMailbox> DEFAULT_MAILBOXES = List.of(
            new DefaultMailbox(Mailbox.INBOX, Optional.empty()),
            new DefaultMailbox("Sent", Optional.of(SpecialUse.SENT)),
            new DefaultMailbox("Drafts", Optional.of(SpecialUse.DRAFTS)),
            new DefaultMailbox("Trash", Optional.of(SpecialUse.TRASH)),
            new DefaultMailbox("Junk", Optional.of(SpecialUse.JUNK)),
            new DefaultMailbox("Archive", Optional.of(SpecialUse.ARCHIVE)));

    private record DefaultMailbox(String name, Optional<SpecialUse> use) {}

    private final Database db;
    private final GroupCommitWriter writer;
    private final long blobGraceMs;

    SqliteAccountStore(Database db, GroupCommitWriter writer, long blobGraceMs) {
        this.db = db;
        this.writer = writer;
        this.blobGraceMs = blobGraceMs;
    }

    @Override
    public void addDomain(String domain) {
        String d = AddressNames.domain(domain);
        writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("INSERT OR IGNORE INTO domain(name) VALUES (?)")) {
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
        return writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM account WHERE domain = ? LIMIT 1")) {
                ps.setString(1, d);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new StoreException.Conflict("domain " + d + " still has accounts");
                    }
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM alias WHERE source LIKE ? ESCAPE '\\'")) {
                ps.setString(1, "%@" + d.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM domain WHERE name = ?")) {
                ps.setString(1, d);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<String> domains() {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM domain ORDER BY name");
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
        String d = AddressNames.lookupKey(domain);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM domain WHERE name = ?")) {
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
        long id = writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM domain WHERE name = ?")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StoreException.NotFound("domain not hosted: " + domain);
                    }
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT OR IGNORE INTO account(address, domain, password_hash, quota_bytes, created_ms)
                    VALUES (?, ?, ?, ?, ?)""")) {
                ps.setString(1, a);
                ps.setString(2, domain);
                ps.setString(3, passwordHash);
                ps.setLong(4, quotaBytes);
                ps.setLong(5, tx.now());
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.AlreadyExists("account exists: " + a);
                }
            }
            long accountId = BlobTable.lastRowId(tx.c());
            for (DefaultMailbox m : DEFAULT_MAILBOXES) {
                MailboxRows.insert(tx, accountId, m.name(), m.use());
                MailboxRows.subscribe(tx, accountId, m.name(), true);
            }
            return accountId;
        });
        return account(id).orElseThrow();
    }

    private static final String ACCOUNT_COLUMNS = "id, address, password_hash, quota_bytes, created_ms, quota_messages";

    private static Account map(ResultSet rs) throws SQLException {
        return new Account(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(6),
                Instant.ofEpochMilli(rs.getLong(5)));
    }

    @Override
    public Optional<Account> account(String address) {
        String a = AddressNames.lookupKey(address);
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE address = ?")) {
                ps.setString(1, a);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.<Account>empty();
                }
            }
        });
    }

    @Override
    public Optional<Account> account(long accountId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.<Account>empty();
                }
            }
        });
    }

    @Override
    public List<Account> accounts() {
        return db.read(c -> {
            List<Account> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM account ORDER BY address");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        });
    }

    @Override
    public void setPasswordHash(long accountId, String passwordHash) {
        updateAccount("UPDATE account SET password_hash = ? WHERE id = ?", passwordHash, accountId);
    }

    @Override
    public void setQuota(long accountId, long quotaBytes) {
        if (quotaBytes < 0) {
            throw new StoreException.Invalid("negative quota");
        }
        updateAccount("UPDATE account SET quota_bytes = ? WHERE id = ?", quotaBytes, accountId);
    }

    @Override
    public void setMessageQuota(long accountId, long quotaMessages) {
        if (quotaMessages < 0) {
            throw new StoreException.Invalid("negative message quota");
        }
        updateAccount("UPDATE account SET quota_messages = ? WHERE id = ?", quotaMessages, accountId);
    }

    private void updateAccount(String sql, Object value, long accountId) {
        writer.write(tx -> {
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
        String a = AddressNames.lookupKey(address);
        return writer.write(tx -> {
            long accountId;
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT id FROM account WHERE address = ?")) {
                ps.setString(1, a);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    accountId = rs.getLong(1);
                }
            }
            for (Mailbox m : MailboxRows.ofAccount(tx.c(), accountId)) {
                MailboxRows.deleteWithMessages(tx, m);
            }
            for (String sql : List.of("DELETE FROM subscription WHERE account_id = ?",
                    "DELETE FROM login_record WHERE account_id = ?", "DELETE FROM metadata WHERE account_id = ?",
                    "DELETE FROM seen_mark WHERE reader_id = ?",
                    "DELETE FROM thread_ref WHERE account_id = ?",
                    "DELETE FROM account WHERE id = ?")) {
                try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                    ps.setLong(1, accountId);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("DELETE FROM mailbox_acl WHERE identifier = ?")) {
                ps.setString(1, a); // RFC 4314 rights granted to the deleted account
                ps.executeUpdate();
            }
            BlobTable.purge(tx, tx.now() - blobGraceMs);
            return true;
        });
    }

    @Override
    public void addAlias(String source, String target) {
        String s = AddressNames.aliasSource(source);
        String t = AddressNames.address(target);
        String domain = AddressNames.domainOf(s);
        writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("SELECT 1 FROM domain WHERE name = ?")) {
                ps.setString(1, domain);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StoreException.NotFound("domain not hosted: " + domain);
                    }
                }
            }
            try (PreparedStatement ps = tx.c().prepareStatement("INSERT OR IGNORE INTO alias(source, target) VALUES (?, ?)")) {
                ps.setString(1, s);
                ps.setString(2, t);
                if (ps.executeUpdate() == 0) {
                    throw new StoreException.AlreadyExists("alias exists: " + s + " -> " + t);
                }
            }
            return null;
        });
    }

    @Override
    public boolean removeAlias(String source, Optional<String> target) {
        String s = AddressNames.lookupKey(source);
        return writer.write(tx -> {
            String sql = target.isPresent() ? "DELETE FROM alias WHERE source = ? AND target = ?"
                    : "DELETE FROM alias WHERE source = ?";
            try (PreparedStatement ps = tx.c().prepareStatement(sql)) {
                ps.setString(1, s);
                if (target.isPresent()) {
                    ps.setString(2, AddressNames.lookupKey(target.get()));
                }
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<Alias> aliases() {
        return db.read(c -> {
            List<Alias> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT source, target FROM alias ORDER BY source, target");
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
        String s = AddressNames.lookupKey(source);
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT target FROM alias WHERE source = ? ORDER BY target")) {
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
        writer.write(tx -> {
            requireAccount(tx.c(), accountId);
            try (PreparedStatement ps = tx.c().prepareStatement("""
                    INSERT INTO login_record(account_id, protocol, at_ms) VALUES (?, ?, ?)
                    ON CONFLICT(account_id, protocol) DO UPDATE SET at_ms = excluded.at_ms""")) {
                ps.setLong(1, accountId);
                ps.setString(2, protocol);
                ps.setLong(3, at.toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Optional<Instant> lastLogin(long accountId, String protocol) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT at_ms FROM login_record WHERE account_id = ? AND protocol = ?")) {
                ps.setLong(1, accountId);
                ps.setString(2, protocol);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.<Instant>empty();
                }
            }
        });
    }

    @Override
    public void setApopSecret(long accountId, Optional<String> secret) {
        if (secret.isPresent() && secret.get().isEmpty()) {
            throw new StoreException.Invalid("empty APOP secret");
        }
        writer.write(tx -> {
            try (PreparedStatement ps = tx.c().prepareStatement("UPDATE account SET apop_secret = ? WHERE id = ?")) {
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
            try (PreparedStatement ps = c.prepareStatement("SELECT apop_secret FROM account WHERE id = ?")) {
                ps.setLong(1, accountId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private static void requireAccount(java.sql.Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM account WHERE id = ?")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException.NotFound("no account " + accountId);
                }
            }
        }
    }
}
