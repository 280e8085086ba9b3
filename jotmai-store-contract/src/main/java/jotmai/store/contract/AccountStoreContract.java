package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.Alias;
import jotmai.store.Mailbox;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;

/** {@link jotmai.store.AccountStore}: domains, accounts, aliases. */
public interface AccountStoreContract extends StoreFixture {

    @Test
    default void addedDomainsAreHostedCaseInsensitivelyAndListedInLowerCase() {
        String domain = newDomain();
        accounts().addDomain("Mixed-" + domain.toUpperCase());
        assertThat(accounts().domains()).contains(domain, "mixed-" + domain);
        assertThat(accounts().isHostedDomain(domain.toUpperCase())).isTrue();
        assertThat(accounts().isHostedDomain("not-" + domain)).isFalse();
    }

    @Test
    default void addingADomainTwiceFailsWithAlreadyExists() {
        String domain = newDomain();
        assertThatThrownBy(() -> accounts().addDomain(domain.toUpperCase()))
                .isInstanceOf(StoreException.AlreadyExists.class);
    }

    @Test
    default void aDomainWithAccountsCannotBeRemovedButAnEmptyOneCan() {
        Account account = newAccount();
        assertThatThrownBy(() -> accounts().removeDomain(account.domain()))
                .isInstanceOf(StoreException.Conflict.class);
        assertThat(accounts().deleteAccount(account.address())).isTrue();
        assertThat(accounts().removeDomain(account.domain())).isTrue();
        assertThat(accounts().isHostedDomain(account.domain())).isFalse();
        assertThat(accounts().removeDomain(account.domain())).isFalse();
    }

    @Test
    default void createAccountCreatesTheSixDefaultMailboxesWithRolesAllSubscribed() {
        Account account = newAccount();
        List<Mailbox> boxes = mail().mailboxes(account.id());
        assertThat(boxes).extracting(Mailbox::name)
                .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
        assertThat(boxes).allMatch(Mailbox::subscribed);
        assertThat(boxes).filteredOn(m -> m.name().equals("Sent")).singleElement()
                .extracting(Mailbox::specialUse).isEqualTo(Optional.of(SpecialUse.SENT));
        assertThat(boxes).extracting(Mailbox::specialUse).contains(Optional.of(SpecialUse.DRAFTS),
                Optional.of(SpecialUse.TRASH), Optional.of(SpecialUse.JUNK), Optional.of(SpecialUse.ARCHIVE));
        assertThat(mail().subscriptions(account.id()))
                .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive");
    }

    @Test
    default void accountsAreStoredInLowerCaseAndFoundInAnyCase() {
        String domain = newDomain();
        Account account = accounts().createAccount("Bob.Smith@" + domain.toUpperCase(), "{PLAIN}pw", 1000);
        assertThat(account.address()).isEqualTo("bob.smith@" + domain);
        assertThat(account.quotaBytes()).isEqualTo(1000);
        assertThat(accounts().account("BOB.smith@" + domain)).contains(account);
        assertThat(accounts().account(account.id())).contains(account);
        assertThat(accounts().accounts()).contains(account);
        assertThat(accounts().account("nobody@" + domain)).isEmpty();
    }

    @Test
    default void creatingAnAccountTwiceFailsWithAlreadyExists() {
        Account account = newAccount();
        assertThatThrownBy(() -> accounts().createAccount(account.address().toUpperCase(), "{PLAIN}x", 0))
                .isInstanceOf(StoreException.AlreadyExists.class);
    }

    @Test
    default void anAccountInADomainThatIsNotHostedIsRefused() {
        assertThatThrownBy(() -> accounts().createAccount("x@unhosted.invalid", "{PLAIN}x", 0))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void malformedAddressesAreRefusedAsInvalid() {
        String domain = newDomain();
        for (String bad : List.of("", "@" + domain, "nodomain", "two words@" + domain)) {
            assertThatThrownBy(() -> accounts().createAccount(bad, "{PLAIN}x", 0))
                    .as(bad).isInstanceOf(StoreException.Invalid.class);
        }
    }

    @Test
    default void passwordHashAndQuotaChangesArePersisted() {
        Account account = newAccount();
        accounts().setPasswordHash(account.id(), "{ARGON2ID}$argon2id$v=19$new");
        accounts().setQuota(account.id(), 5_000_000);
        Account after = accounts().account(account.id()).orElseThrow();
        assertThat(after.passwordHash()).isEqualTo("{ARGON2ID}$argon2id$v=19$new");
        assertThat(after.quotaBytes()).isEqualTo(5_000_000);
        assertThat(mail().quota(account.id()).limitBytes()).isEqualTo(5_000_000);
        assertThatThrownBy(() -> accounts().setQuota(account.id() + 1_000_000, 1))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void aNewAccountHasNoMessageQuotaAndASetOneIsPersisted() {
        Account account = newAccount();
        assertThat(account.quotaMessages()).isZero();
        accounts().setMessageQuota(account.id(), 250);
        assertThat(accounts().account(account.id()).orElseThrow().quotaMessages()).isEqualTo(250);
        assertThat(accounts().account(account.address()).orElseThrow().quotaMessages()).isEqualTo(250);
        assertThat(mail().quota(account.id()).limitMessages()).isEqualTo(250);
        assertThatThrownBy(() -> accounts().setMessageQuota(account.id(), -1))
                .isInstanceOf(StoreException.Invalid.class);
        assertThatThrownBy(() -> accounts().setMessageQuota(account.id() + 1_000_000, 1))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void deletingAnAccountRemovesItsMailboxesAndMessages() {
        Account account = newAccount();
        Mailbox inbox = inbox(account);
        append(inbox, "one");
        assertThat(accounts().deleteAccount(account.address().toUpperCase())).isTrue();
        assertThat(accounts().account(account.id())).isEmpty();
        assertThat(mail().mailbox(inbox.id())).isEmpty();
        assertThat(mail().mailboxes(account.id())).isEmpty();
        assertThat(accounts().deleteAccount(account.address())).isFalse();
    }

    @Test
    default void aliasesAreAddedListedAndRemovedOneByOneOrAllAtOnce() {
        String domain = newDomain();
        String source = "Info@" + domain;
        accounts().addAlias(source, "a@" + domain);
        accounts().addAlias(source, "External@Elsewhere.example");
        accounts().addAlias("@" + domain, "a@" + domain);
        assertThat(accounts().aliasTargets("info@" + domain))
                .containsExactlyInAnyOrder("a@" + domain, "external@elsewhere.example");
        assertThat(accounts().aliasTargets("@" + domain)).containsExactly("a@" + domain);
        assertThat(accounts().aliases()).contains(new Alias("info@" + domain, "a@" + domain),
                new Alias("@" + domain, "a@" + domain));
        assertThat(accounts().aliases()).filteredOn(Alias::isCatchAll).extracting(Alias::source).contains("@" + domain);

        assertThat(accounts().removeAlias(source, Optional.of("a@" + domain))).isTrue();
        assertThat(accounts().aliasTargets(source)).containsExactly("external@elsewhere.example");
        assertThat(accounts().removeAlias(source, Optional.empty())).isTrue();
        assertThat(accounts().aliasTargets(source)).isEmpty();
        assertThat(accounts().removeAlias(source, Optional.empty())).isFalse();
    }

    @Test
    default void anAliasTwiceFailsAndAnAliasOfAnUnhostedDomainIsRefused() {
        String domain = newDomain();
        accounts().addAlias("x@" + domain, "y@" + domain);
        assertThatThrownBy(() -> accounts().addAlias("X@" + domain, "Y@" + domain))
                .isInstanceOf(StoreException.AlreadyExists.class);
        assertThatThrownBy(() -> accounts().addAlias("x@unhosted.invalid", "y@" + domain))
                .isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void removingADomainRemovesItsAliases() {
        String domain = newDomain();
        accounts().addAlias("x@" + domain, "someone@elsewhere.example");
        accounts().addAlias("@" + domain, "someone@elsewhere.example");
        assertThat(accounts().removeDomain(domain)).isTrue();
        assertThat(accounts().aliasTargets("x@" + domain)).isEmpty();
        assertThat(accounts().aliasTargets("@" + domain)).isEmpty();
    }

    @Test
    default void aRecordedLoginIsKeptPerProtocolAndReplacedByTheNextOne() {
        Account a = newAccount();
        Account other = newAccount();
        assertThat(accounts().lastLogin(a.id(), "pop3")).isEmpty();
        Instant first = Instant.parse("2026-11-29T03:00:00.123Z");
        accounts().recordLogin(a.id(), "pop3", first);
        assertThat(accounts().lastLogin(a.id(), "pop3")).contains(first);
        assertThat(accounts().lastLogin(a.id(), "imap")).isEmpty();
        assertThat(accounts().lastLogin(other.id(), "pop3")).isEmpty();
        Instant second = first.plusSeconds(90);
        accounts().recordLogin(a.id(), "pop3", second);
        assertThat(accounts().lastLogin(a.id(), "pop3")).contains(second);
        assertThatThrownBy(() -> accounts().recordLogin(-42, "pop3", first)).isInstanceOf(StoreException.NotFound.class);
    }

    @Test
    default void theApopSecretIsOffByDefaultCanBeSetReplacedAndClearedAndDiesWithTheAccount() {
        Account a = newAccount();
        assertThat(accounts().apopSecret(a.id())).isEmpty();
        accounts().setApopSecret(a.id(), Optional.of("tanstaaf"));
        assertThat(accounts().apopSecret(a.id())).contains("tanstaaf");
        assertThat(accounts().account(a.id()).orElseThrow().passwordHash()).isEqualTo(a.passwordHash());
        accounts().setApopSecret(a.id(), Optional.of("other secret"));
        assertThat(accounts().apopSecret(a.id())).contains("other secret");
        accounts().setApopSecret(a.id(), Optional.empty());
        assertThat(accounts().apopSecret(a.id())).isEmpty();
        assertThatThrownBy(() -> accounts().setApopSecret(a.id(), Optional.of(""))).isInstanceOf(StoreException.Invalid.class);
        assertThatThrownBy(() -> accounts().setApopSecret(-42, Optional.of("x"))).isInstanceOf(StoreException.NotFound.class);
        accounts().setApopSecret(a.id(), Optional.of("tanstaaf"));
        accounts().recordLogin(a.id(), "pop3", Instant.parse("2026-11-29T03:00:00Z"));
        accounts().deleteAccount(a.address());
        assertThat(accounts().apopSecret(a.id())).isEmpty();
        assertThat(accounts().lastLogin(a.id(), "pop3")).isEmpty();
    }
}
