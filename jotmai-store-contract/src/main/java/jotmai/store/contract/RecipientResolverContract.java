package jotmai.store.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import jotmai.store.Account;
import jotmai.store.RecipientResolver;
import jotmai.store.RecipientResolver.Resolution;

/** {@link RecipientResolver} over the backend's aliases: exact, alias, plus-addressing, catch-all. */
public interface RecipientResolverContract extends StoreFixture {

    private RecipientResolver resolver() {
        return new RecipientResolver(accounts());
    }

    @Test
    default void anAccountResolvesToItselfInAnyCase() {
        Account a = newAccount();
        Resolution r = resolver().resolve(a.address().toUpperCase()).orElseThrow();
        assertThat(r.local()).containsExactly(a);
        assertThat(r.external()).isEmpty();
    }

    @Test
    default void anUnknownAddressInAHostedDomainResolvesToNothing() {
        Account a = newAccount();
        assertThat(resolver().resolve("nobody@" + a.domain())).isEmpty();
    }

    @Test
    default void anAliasExpandsToLocalAccountsAndExternalAddresses() {
        Account a = newAccount();
        Account b = accounts().createAccount("b@" + a.domain(), "{PLAIN}x", 0);
        accounts().addAlias("team@" + a.domain(), a.address());
        accounts().addAlias("team@" + a.domain(), b.address());
        accounts().addAlias("team@" + a.domain(), "partner@elsewhere.example");
        Resolution r = resolver().resolve("team@" + a.domain()).orElseThrow();
        assertThat(r.local()).containsExactlyInAnyOrder(a, b);
        assertThat(r.external()).containsExactly("partner@elsewhere.example");
    }

    @Test
    default void aliasChainsAreFollowedAndAccountsDeduplicated() {
        Account a = newAccount();
        accounts().addAlias("first@" + a.domain(), "second@" + a.domain());
        accounts().addAlias("first@" + a.domain(), a.address());
        accounts().addAlias("second@" + a.domain(), a.address());
        assertThat(resolver().resolve("first@" + a.domain()).orElseThrow().local()).containsExactly(a);
    }

    @Test
    default void plusAddressingDeliversToTheBaseAccount() {
        Account a = newAccount();
        assertThat(resolver().resolve("user+lists@" + a.domain()).orElseThrow().local()).containsExactly(a);
    }

    @Test
    default void anExactAliasWinsOverPlusAddressing() {
        Account a = newAccount();
        accounts().addAlias("user+special@" + a.domain(), "special@elsewhere.example");
        Resolution r = resolver().resolve("user+special@" + a.domain()).orElseThrow();
        assertThat(r.local()).isEmpty();
        assertThat(r.external()).containsExactly("special@elsewhere.example");
    }

    @Test
    default void theCatchAllTakesUnknownAddressesButNotExistingAccounts() {
        Account a = newAccount();
        Account other = accounts().createAccount("other@" + a.domain(), "{PLAIN}x", 0);
        accounts().addAlias("@" + a.domain(), a.address());
        assertThat(resolver().resolve("anything@" + a.domain()).orElseThrow().local()).containsExactly(a);
        assertThat(resolver().resolve(other.address()).orElseThrow().local()).containsExactly(other);
    }

    @Test
    default void aliasLoopsTerminateWithoutResult() {
        Account a = newAccount();
        accounts().addAlias("ping@" + a.domain(), "pong@" + a.domain());
        accounts().addAlias("pong@" + a.domain(), "ping@" + a.domain());
        assertThat(resolver().resolve("ping@" + a.domain())).isEmpty();
    }

    @Test
    default void aliasChainsDeeperThanTheLimitAreCutOff() {
        Account a = newAccount();
        int n = RecipientResolver.MAX_ALIAS_DEPTH + 3;
        for (int i = 0; i < n; i++) {
            accounts().addAlias("hop" + i + "@" + a.domain(), "hop" + (i + 1) + "@" + a.domain());
        }
        accounts().addAlias("hop" + n + "@" + a.domain(), a.address());
        assertThat(resolver().resolve("hop0@" + a.domain())).isEmpty();
        assertThat(resolver().resolve("hop" + (n - 2) + "@" + a.domain()).orElseThrow().local()).containsExactly(a);
    }
}
