package jotmai.store;

import java.util.List;

/**
 * Access control lists of mailboxes (RFC 4314): which rights other users have on a mailbox of its
 * owner. The owner always has every right and is never listed here. Identifiers are lower-case account
 * addresses or {@link #ANYONE}.
 *
 * <p>"anyone" means every account of the owner's domain, not every account on the server: a hosting
 * server's customers must not see each other's folders by one careless grant. An explicit grant to an
 * address of another domain works.
 *
 * <p>An entry goes away with its mailbox (DELETE) and with the identifier's account; RENAME keeps it
 * (the mailbox keeps its id).
 */
public interface AclStore {

    String ANYONE = "anyone";

    /**
     * The local part of the account that owns a domain's shared folders (issue 7: folders owned by no
     * single user, created by an administrator), e.g. "shared@example.com".
     */
    String SHARED_OWNER_LOCAL_PART = "shared";

    /**
     * Sets (replaces) the rights of an identifier; empty rights remove the entry.
     *
     * @throws StoreException.NotFound when the mailbox does not exist, or the identifier is neither
     *                                 "anyone" nor an account
     * @throws StoreException.Invalid  when the identifier is the mailbox's owner
     */
    void setRights(long mailboxId, String identifier, Rights rights);

    /** Removes the entry; false when there was none. */
    boolean removeRights(long mailboxId, String identifier);

    /** The entries of a mailbox ordered by identifier (the owner is not among them). */
    List<AclEntry> acl(long mailboxId);

    /**
     * The rights {@code account} has on a mailbox of another account: its own entry plus the "anyone"
     * entry when it is in the owner's domain. {@link Rights#ALL} on its own mailboxes; empty when the
     * mailbox does not exist.
     */
    Rights rights(long mailboxId, Account account);

    /** The other accounts' mailboxes on which {@code account} has at least one right, by owner and name. */
    List<SharedMailbox> sharedWith(Account account);

    /**
     * The account's own mailboxes (as {@link MailStore#mailboxes(long)} lists them) and, when
     * {@code withShared}, {@link #sharedWith(Account)}, both from one read transaction: IMAP LIST in one
     * read instead of two (issue 4). Without {@code withShared} the shared list is empty.
     */
    Listing listing(Account account, boolean withShared);

    /** Own mailboxes and the mailboxes shared with the account, read together. */
    record Listing(List<Mailbox> own, List<SharedMailbox> shared) {}

    record AclEntry(String identifier, Rights rights) {}

    /**
     * A mailbox of another account visible to a user.
     *
     * @param mailbox      as its owner sees it (name in the owner's hierarchy)
     * @param ownerAddress the owner's address
     * @param rights       the user's effective rights (own entry plus "anyone")
     */
    record SharedMailbox(Mailbox mailbox, String ownerAddress, Rights rights) {}
}
