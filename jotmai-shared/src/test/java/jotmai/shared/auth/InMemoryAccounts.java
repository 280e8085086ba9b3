package jotmai.shared.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jotmai.store.Account;
import jotmai.store.AccountStore;
import jotmai.store.Alias;

/**
 * Accounts only, in memory: the SQLite backend was not yet committed when these tests were written.
 * Domains and aliases are not needed by the auth service and are unsupported.
 */
final class InMemoryAccounts implements AccountStore {
    private final Map<String, Account> byAddress = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    final AtomicLong hashWrites = new AtomicLong();

    @Override
    public Account createAccount(String address, String passwordHash, long quotaBytes) {
        Account a = new Account(ids.incrementAndGet(), address.toLowerCase(Locale.ROOT), passwordHash, quotaBytes,
                Instant.now());
        byAddress.put(a.address(), a);
        return a;
    }

    @Override
    public Optional<Account> account(String address) {
        return Optional.ofNullable(byAddress.get(address.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<Account> account(long accountId) {
        return byAddress.values().stream().filter(a -> a.id() == accountId).findFirst();
    }

    @Override
    public List<Account> accounts() {
        return new ArrayList<>(byAddress.values());
    }

    @Override
    public void setPasswordHash(long accountId, String passwordHash) {
        Account a = account(accountId).orElseThrow();
        byAddress.put(a.address(), new Account(a.id(), a.address(), passwordHash, a.quotaBytes(), a.created()));
        hashWrites.incrementAndGet();
    }

    @Override
    public void addDomain(String domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean removeDomain(String domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> domains() {
        return List.of();
    }

    @Override
    public boolean isHostedDomain(String domain) {
        return false;
    }

    @Override
    public void setQuota(long accountId, long quotaBytes) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean deleteAccount(String address) {
        return byAddress.remove(address.toLowerCase(Locale.ROOT)) != null;
    }

    @Override
    public void addAlias(String source, String target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean removeAlias(String source, Optional<String> target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Alias> aliases() {
        return List.of();
    }

    @Override
    public List<String> aliasTargets(String source) {
        return List.of();
    }
}
