package jotmai.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.Account;
import jotmai.store.AccountStore;
import jotmai.store.AclStore;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.Rights;

/**
 * The three namespaces of RFC 2342 as this server lays them out, and the RFC 4314 rights a user has in
 * them:
 * <ul>
 *   <li>personal: the user's own mailboxes, no prefix, every right;</li>
 *   <li>other users: {@code "Other Users/<owner address>/<owner's mailbox name>"};</li>
 *   <li>shared folders: {@code "Shared Folders/<name>"}, the mailboxes of the domain's
 *       {@link AclStore#SHARED_OWNER_LOCAL_PART} account, which nobody logs in to (an administrator
 *       creates and shares them with the CLI).</li>
 * </ul>
 * A mailbox of another user on which the user has no right looks exactly like a mailbox that does not
 * exist (RFC 4314 §6: no existence leak); with "l" but not the right a command needs, the command fails
 * with NO [NOPERM].
 */
final class SharedNamespace {
    static final String OTHER_USERS = "Other Users";
    static final String SHARED_FOLDERS = "Shared Folders";

    /** Where a name points: the owner's account and the name in the owner's own hierarchy. */
    record Location(Account owner, String ownerName, boolean own) {}

    /**
     * An existing mailbox as a user reaches it.
     *
     * @param mailbox     as its owner has it
     * @param visibleName the name in the user's namespaces (store form: UTF-8, "/" delimiter)
     */
    record Access(Mailbox mailbox, Account owner, String visibleName, Rights rights, boolean own) {
        /** The mailbox under the name this user sees (for STATUS and LIST output). */
        Mailbox asSeen() {
            return own ? mailbox : new Mailbox(mailbox.id(), mailbox.accountId(), visibleName, Optional.empty(),
                    mailbox.uidValidity(), mailbox.uidNext(), mailbox.highestModSeq(), false);
        }

        /**
         * Fails unless the user has {@code right}: NO [NOPERM] when the mailbox is visible ("l"),
         * otherwise the same NO as for a missing mailbox (RFC 4314 §6).
         */
        Access require(char right, ResponseCode missing) {
            if (rights.has(right)) {
                return this;
            }
            if (rights.has('l')) {
                throw new ImapException.No(ResponseCode.NOPERM, "permission denied (right " + right + " needed)");
            }
            throw new ImapException.No(missing, "no such mailbox");
        }
    }

    private final AccountStore accounts;
    private final MailStore mail;
    private final AclStore acl;

    SharedNamespace(AccountStore accounts, MailStore mail, AclStore acl) {
        this.accounts = accounts;
        this.mail = mail;
        this.acl = acl;
    }

    AclStore acl() {
        return acl;
    }

    AccountStore accounts() {
        return accounts;
    }

    static boolean isPrefixRoot(String name) {
        return name.equals(OTHER_USERS) || name.equals(SHARED_FOLDERS);
    }

    static boolean inSharedNamespace(String name) {
        return name.startsWith(OTHER_USERS + "/") || name.startsWith(SHARED_FOLDERS + "/") || isPrefixRoot(name);
    }

    /** The address owning a domain's shared folders. */
    static String sharedOwner(String domain) {
        return AclStore.SHARED_OWNER_LOCAL_PART + "@" + domain;
    }

    /**
     * Resolves a store-form name of a session; empty when it names no possible mailbox (a namespace
     * root, an unknown owner, or the user's own mailbox reached through "Other Users").
     */
    Optional<Location> locate(Account user, String name) {
        if (!inSharedNamespace(name)) {
            return Optional.of(new Location(user, name, true));
        }
        String ownerAddress;
        String rest;
        if (name.startsWith(SHARED_FOLDERS + "/")) {
            ownerAddress = sharedOwner(user.domain());
            rest = name.substring(SHARED_FOLDERS.length() + 1);
        } else if (name.startsWith(OTHER_USERS + "/")) {
            String tail = name.substring(OTHER_USERS.length() + 1);
            int slash = tail.indexOf(Mailbox.DELIMITER);
            if (slash <= 0) {
                return Optional.empty();
            }
            ownerAddress = tail.substring(0, slash);
            rest = tail.substring(slash + 1);
        } else {
            return Optional.empty();
        }
        if (rest.isEmpty()) {
            return Optional.empty();
        }
        Optional<Account> owner = ownerAddress.indexOf('@') > 0 ? accounts.account(ownerAddress) : Optional.empty();
        if (owner.isEmpty() || owner.get().id() == user.id()) {
            return Optional.empty();
        }
        return Optional.of(new Location(owner.get(), MailboxNames.normalizeInbox(rest), false));
    }

    /** An existing mailbox with the user's rights; empty when missing or when the user has no right on it. */
    Optional<Access> find(Account user, String name) {
        Optional<Location> location = locate(user, name);
        if (location.isEmpty()) {
            return Optional.empty();
        }
        Location at = location.get();
        Optional<Mailbox> mailbox = mail.mailbox(at.owner().id(), at.ownerName());
        if (mailbox.isEmpty()) {
            return Optional.empty();
        }
        if (at.own()) {
            return Optional.of(new Access(mailbox.get(), user, mailbox.get().name(), Rights.ALL, true));
        }
        Rights rights = acl.rights(mailbox.get().id(), user);
        if (rights.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Access(mailbox.get(), at.owner(), visibleName(user, at.owner().address(),
                mailbox.get().name()), rights, false));
    }

    /** {@link #find} or NO with {@code missing} (NONEXISTENT, or TRYCREATE for COPY/APPEND targets). */
    Access require(Account user, String name, ResponseCode missing) {
        return find(user, name).orElseThrow(() -> new ImapException.No(missing, "no such mailbox"));
    }

    /** The other users' mailboxes this user may see in LIST ("l" right), under their visible names. */
    List<Mailbox> listable(Account user) {
        return listable(user, acl.sharedWith(user));
    }

    /** {@link #listable(Account)} from a list of {@link AclStore#sharedWith} already read. */
    static List<Mailbox> listable(Account user, List<AclStore.SharedMailbox> sharedWith) {
        List<Mailbox> visible = new ArrayList<>();
        for (AclStore.SharedMailbox s : sharedWith) {
            if (s.rights().has('l')) {
                Mailbox m = s.mailbox();
                // special-use roles are the owner's (RFC 6154 §2 speaks of the user's own mailboxes)
                visible.add(new Mailbox(m.id(), m.accountId(), visibleName(user, s.ownerAddress(), m.name()),
                        Optional.empty(), m.uidValidity(), m.uidNext(), m.highestModSeq(), false));
            }
        }
        return visible;
    }

    static String visibleName(Account user, String ownerAddress, String ownerName) {
        if (ownerAddress.equals(sharedOwner(user.domain()))) {
            return SHARED_FOLDERS + Mailbox.DELIMITER + ownerName;
        }
        return OTHER_USERS + Mailbox.DELIMITER + ownerAddress + Mailbox.DELIMITER + ownerName;
    }
}
