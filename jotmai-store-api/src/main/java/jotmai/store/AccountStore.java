package jotmai.store;

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
}
