package jotmai.store.postgres;

import java.util.Locale;

import jotmai.store.StoreException;

/**
 * Validation and the stored spelling of domains and addresses (the same rules as the embedded backend,
 * so that the contract suite holds for both). Mailbox names: {@link jotmai.store.support.MailboxNames}.
 */
final class Names {

    /** Longest accepted address (RFC 5321 §4.5.3.1.3 path limit). */
    static final int MAX_ADDRESS_LENGTH = 254;
    /** Longest domain (RFC 1035 §2.3.4). */
    static final int MAX_DOMAIN_LENGTH = 253;

    private Names() {}

    /**
     * Lower case; a lookup key that need not be valid. NUL cannot be stored in PostgreSQL text, and
     * would fail the query; no stored name contains one, so it becomes a character that matches nothing.
     */
    static String key(String s) {
        return s == null ? "" : s.strip().toLowerCase(Locale.ROOT).replace('\u0000', '\uFFFD');
    }

    static String domain(String domain) {
        String d = key(domain);
        if (d.isEmpty() || d.length() > MAX_DOMAIN_LENGTH || d.contains("@") || d.chars().anyMatch(ch -> ch <= 0x20)) {
            throw new StoreException.Invalid("invalid domain: " + domain);
        }
        return d;
    }

    /** Lower-case "local@domain" with a non-empty local part. */
    static String address(String address) {
        String a = key(address);
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1 || a.length() > MAX_ADDRESS_LENGTH || a.chars().anyMatch(ch -> ch <= 0x20)) {
            throw new StoreException.Invalid("invalid address: " + address);
        }
        return a;
    }

    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** An alias source: "x@dom" or "@dom" (catch-all), lower case. */
    static String aliasSource(String source) {
        String s = key(source);
        return s.startsWith("@") ? "@" + domain(s.substring(1)) : address(s);
    }
}
