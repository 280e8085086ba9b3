package jotmai.store;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves an envelope recipient in a hosted domain to accounts and external addresses: exact account,
 * then alias, then plus-addressing (user+tag@dom → user@dom), then the domain's catch-all. Aliases may
 * point to aliases; loops and depth are bounded.
 */
public final class RecipientResolver {

    /** How deep alias chains may go before we give up (a loop or a misconfiguration). */
    public static final int MAX_ALIAS_DEPTH = 8;

    private final AccountStore accounts;

    public RecipientResolver(AccountStore accounts) {
        this.accounts = accounts;
    }

    /** Local accounts (deduplicated) and external addresses a recipient expands to. */
    public record Resolution(List<Account> local, List<String> external) {
        public boolean isEmpty() {
            return local.isEmpty() && external.isEmpty();
        }
    }

    /**
     * Resolves an address whose domain is hosted. Empty when nothing matches (SMTP answers 550 5.1.1).
     */
    public Optional<Resolution> resolve(String address) {
        Set<Long> seen = new LinkedHashSet<>();
        List<Account> local = new ArrayList<>();
        List<String> external = new ArrayList<>();
        expand(address.toLowerCase(Locale.ROOT), 0, seen, local, external, new LinkedHashSet<>());
        Resolution r = new Resolution(local, external);
        return r.isEmpty() ? Optional.empty() : Optional.of(r);
    }

    private void expand(String address, int depth, Set<Long> seen, List<Account> local, List<String> external,
                        Set<String> visited) {
        if (depth > MAX_ALIAS_DEPTH || !visited.add(address)) {
            return;
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return;
        }
        String domain = address.substring(at + 1);
        if (!accounts.isHostedDomain(domain)) {
            external.add(address);
            return;
        }
        Optional<Account> account = accounts.account(address);
        if (account.isPresent()) {
            if (seen.add(account.get().id())) {
                local.add(account.get());
            }
            return;
        }
        List<String> targets = accounts.aliasTargets(address);
        if (targets.isEmpty()) {
            String localPart = address.substring(0, at);
            int plus = localPart.indexOf('+');
            if (plus > 0) {
                expand(localPart.substring(0, plus) + "@" + domain, depth + 1, seen, local, external, visited);
                return;
            }
            targets = accounts.aliasTargets("@" + domain);
        }
        for (String target : targets) {
            expand(target.toLowerCase(Locale.ROOT), depth + 1, seen, local, external, visited);
        }
    }
}
