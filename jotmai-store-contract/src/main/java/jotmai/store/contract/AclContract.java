package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.AclStore;
import jotmai.store.AclStore.AclEntry;
import jotmai.store.AclStore.SharedMailbox;
import jotmai.store.Mailbox;
import jotmai.store.Rights;
import jotmai.store.StoreException;

/** {@link AclStore}: RFC 4314 entries per mailbox, effective rights, and what is shared with whom. */
public interface AclContract extends StoreFixture {

    private AclStore acl() {
        return store().acl();
    }

    /** A second account in the same domain as {@code owner}. */
    private Account colleague(Account owner, String localPart) {
        return accounts().createAccount(localPart + "@" + owner.domain(), "{PLAIN}secret", 0);
    }

    @Test
    default void rightsAreStoredInCanonicalOrderAndReplacedBySetRights() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox inbox = inbox(owner);
        acl().setRights(inbox.id(), bob.address(), Rights.of("rsl"));
        assertThat(acl().acl(inbox.id())).containsExactly(new AclEntry(bob.address(), Rights.of("lrs")));
        acl().setRights(inbox.id(), bob.address().toUpperCase(), Rights.of("lrwi"));
        assertThat(acl().acl(inbox.id())).containsExactly(new AclEntry(bob.address(), Rights.of("lrwi")));
        assertThat(acl().acl(inbox.id()).get(0).rights().letters()).isEqualTo("lrwi");
    }

    @Test
    default void emptyRightsOrRemoveRightsDeleteTheEntry() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox inbox = inbox(owner);
        acl().setRights(inbox.id(), bob.address(), Rights.of("lr"));
        acl().setRights(inbox.id(), AclStore.ANYONE, Rights.of("l"));
        acl().setRights(inbox.id(), bob.address(), Rights.NONE);
        assertThat(acl().acl(inbox.id())).containsExactly(new AclEntry("anyone", Rights.of("l")));
        assertThat(acl().removeRights(inbox.id(), "anyone")).isTrue();
        assertThat(acl().removeRights(inbox.id(), "anyone")).isFalse();
        assertThat(acl().acl(inbox.id())).isEmpty();
    }

    @Test
    default void effectiveRightsCombineTheUsersEntryWithAnyoneInTheOwnersDomainOnly() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Account carol = colleague(owner, "carol");
        Account stranger = newAccount(); // another domain
        Mailbox inbox = inbox(owner);
        acl().setRights(inbox.id(), bob.address(), Rights.of("rw"));
        acl().setRights(inbox.id(), AclStore.ANYONE, Rights.of("l"));
        assertThat(acl().rights(inbox.id(), bob)).isEqualTo(Rights.of("lrw"));
        assertThat(acl().rights(inbox.id(), carol)).isEqualTo(Rights.of("l"));
        assertThat(acl().rights(inbox.id(), stranger)).isEqualTo(Rights.NONE);
        assertThat(acl().rights(inbox.id(), owner)).isEqualTo(Rights.ALL);
    }

    @Test
    default void anExplicitGrantWorksAcrossDomains() {
        Account owner = newAccount();
        Account stranger = newAccount();
        Mailbox inbox = inbox(owner);
        acl().setRights(inbox.id(), stranger.address(), Rights.of("lr"));
        assertThat(acl().rights(inbox.id(), stranger)).isEqualTo(Rights.of("lr"));
        assertThat(acl().sharedWith(stranger)).extracting(s -> s.mailbox().id()).containsExactly(inbox.id());
    }

    @Test
    default void sharedWithListsOtherAccountsMailboxesWithOwnerAndRights() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox inbox = inbox(owner);
        Mailbox sales = mail().createMailbox(owner.id(), "Sales", Optional.empty());
        acl().setRights(sales.id(), bob.address(), Rights.of("lr"));
        acl().setRights(sales.id(), AclStore.ANYONE, Rights.of("s"));
        acl().setRights(inbox.id(), AclStore.ANYONE, Rights.of("l"));
        List<SharedMailbox> shared = acl().sharedWith(bob);
        assertThat(shared).extracting(s -> s.mailbox().name()).containsExactly("INBOX", "Sales");
        assertThat(shared).extracting(SharedMailbox::ownerAddress).containsOnly(owner.address());
        assertThat(shared.get(1).rights()).isEqualTo(Rights.of("lrs"));
        assertThat(shared.get(1).mailbox().accountId()).isEqualTo(owner.id());
        assertThat(acl().sharedWith(owner)).isEmpty(); // its own "anyone" grants are not "shared with" it
    }

    @Test
    default void listingReadsOwnMailboxesAndTheMailboxesSharedWithTheAccountTogether() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox sales = mail().createMailbox(owner.id(), "Sales", Optional.empty());
        acl().setRights(sales.id(), bob.address(), Rights.of("lr"));

        AclStore.Listing listing = acl().listing(bob, true);
        assertThat(listing.own()).isEqualTo(mail().mailboxes(bob.id()));
        assertThat(listing.shared()).isEqualTo(acl().sharedWith(bob));
        assertThat(listing.shared()).extracting(s -> s.mailbox().name()).containsExactly("Sales");

        AclStore.Listing ownOnly = acl().listing(bob, false);
        assertThat(ownOnly.own()).isEqualTo(mail().mailboxes(bob.id()));
        assertThat(ownOnly.shared()).isEmpty();
    }

    @Test
    default void unknownIdentifiersMissingMailboxesAndTheOwnerAreRefused() {
        Account owner = newAccount();
        Mailbox inbox = inbox(owner);
        assertThatThrownBy(() -> acl().setRights(inbox.id(), "nobody@" + owner.domain(), Rights.of("l")))
                .isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> acl().setRights(inbox.id(), owner.address(), Rights.of("l")))
                .isInstanceOf(StoreException.Invalid.class);
        assertThatThrownBy(() -> acl().setRights(inbox.id(), "not an address", Rights.of("l")))
                .isInstanceOf(StoreException.Invalid.class);
        Mailbox gone = mail().createMailbox(owner.id(), "Gone", Optional.empty());
        mail().deleteMailbox(owner.id(), "Gone");
        assertThatThrownBy(() -> acl().setRights(gone.id(), AclStore.ANYONE, Rights.of("l")))
                .isInstanceOf(StoreException.NotFound.class);
        assertThatThrownBy(() -> Rights.of("lz")).isInstanceOf(StoreException.Invalid.class);
    }

    @Test
    default void entriesFollowARenameAndGoWithTheMailboxOrTheGrantee() {
        Account owner = newAccount();
        Account bob = colleague(owner, "bob");
        Mailbox team = mail().createMailbox(owner.id(), "Team", Optional.empty());
        acl().setRights(team.id(), bob.address(), Rights.of("lr"));
        mail().renameMailbox(owner.id(), "Team", "Crew");
        assertThat(acl().sharedWith(bob)).extracting(s -> s.mailbox().name()).containsExactly("Crew");
        accounts().deleteAccount(bob.address());
        assertThat(acl().acl(team.id())).isEmpty();
        Account bob2 = colleague(owner, "bob");
        assertThat(acl().sharedWith(bob2)).isEmpty(); // a new account of the same address inherits nothing
        acl().setRights(team.id(), AclStore.ANYONE, Rights.of("l"));
        mail().deleteMailbox(owner.id(), "Crew");
        assertThat(acl().acl(team.id())).isEmpty();
        assertThat(acl().sharedWith(bob2)).isEmpty();
    }
}
