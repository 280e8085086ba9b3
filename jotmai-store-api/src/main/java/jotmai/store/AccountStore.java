package jotmai.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Domains, accounts and aliases. Addresses and domains are compared case-insensitively and stored in
 * lower case. Nothing here is cached by callers: admin changes made by the CLI while the server runs
 * take effect at once.
 */
public interface AccountStore {

    /** Adds a hosted domain; throws {@link StoreException.AlreadyExists} if present. */
    void addDomain(String domain);

    /** Removes a domain; throws {@link StoreException.Conflict} while it still has accounts. */
    boolean removeDomain(String domain);

    List<String> domains();

    boolean isHostedDomain(String domain);

    /**
     * Creates an account in a hosted domain together with its default mailboxes (INBOX, Sent, Drafts,
     * Trash, Junk, Archive with their special-use roles, all subscribed).
     *
     * @throws StoreException.NotFound      when the domain is not hosted
     * @throws StoreException.AlreadyExists when the address is taken (compared case-insensitively)
     * @throws StoreException.Invalid       for a malformed address or a negative quota
     */
    Account createAccount(String address, String passwordHash, long quotaBytes);

    Optional<Account> account(String address);

    Optional<Account> account(long accountId);

    List<Account> accounts();

    void setPasswordHash(long accountId, String passwordHash);

    void setQuota(long accountId, long quotaBytes);

    /**
     * Sets the most messages the account may hold over all its mailboxes (RFC 9208 §5.2 MESSAGE);
     * 0 means unlimited. Deliveries, APPEND and COPY beyond it fail with
     * {@link StoreException.QuotaExceeded}; messages already stored stay.
     *
     * @throws StoreException.NotFound when the account does not exist
     * @throws StoreException.Invalid  for a negative limit
     */
    void setMessageQuota(long accountId, long quotaMessages);

    /** Deletes the account, its mailboxes and messages. */
    boolean deleteAccount(String address);

    /**
     * Adds an alias; source "x@dom" or "@dom" (catch-all); the source domain must be hosted.
     *
     * @throws StoreException.NotFound      when the source domain is not hosted
     * @throws StoreException.AlreadyExists when this exact mapping exists
     * @throws StoreException.Invalid       for a malformed source or target
     */
    void addAlias(String source, String target);

    /** Removes one mapping, or every mapping of source when target is empty. */
    boolean removeAlias(String source, Optional<String> target);

    List<Alias> aliases();

    /** Targets of one exact source ("x@dom" or "@dom"), empty when none. */
    List<String> aliasTargets(String source);

    // ---- per-account protocol state, shared by every node ----

    /**
     * Records a successful login of the account over {@code protocol} (e.g. "pop3"), replacing the
     * previous one. Kept in the store so that RFC 2449 §6.5 LOGIN-DELAY holds across restarts and nodes.
     *
     * @throws StoreException.NotFound when the account does not exist
     */
    void recordLogin(long accountId, String protocol, Instant at);

    /** The last login recorded by {@link #recordLogin} (millisecond precision), if any. */
    Optional<Instant> lastLogin(long accountId, String protocol);

    /**
     * Sets or clears the account's APOP secret (RFC 1939 §7): a shared secret that must be stored
     * recoverably, separate from the (hashed) password; empty turns APOP off for the account.
     *
     * @throws StoreException.NotFound when the account does not exist
     * @throws StoreException.Invalid   for an empty secret
     */
    void setApopSecret(long accountId, Optional<String> secret);

    /** The APOP secret, when one is configured. */
    Optional<String> apopSecret(long accountId);
}
