package jotmai.store.support;

import java.util.Locale;

import jotmai.store.StoreException;

/**
 * Validation and the stored spelling of hosted domains, account addresses and alias sources, shared by
 * every backend so that the same names are accepted and stored alike (the contract suite runs against
 * each). Stored names are lower case: domains are case-insensitive (RFC 5321 §2.4), and this server
 * also treats local parts case-insensitively, as RFC 5321 §2.4 permits the receiving host to.
 */
public final class AddressNames {

    /** Longest accepted address (RFC 5321 §4.5.3.1.3 path limit). */
    public static final int MAX_ADDRESS_LENGTH = 254;
    /** Longest domain (RFC 1035 §2.3.4). */
    public static final int MAX_DOMAIN_LENGTH = 253;

    private AddressNames() {}

    /** Stripped and lower case; a lookup key that need not be valid (null becomes ""). */
    public static String lookupKey(String s) {
        return s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
    }

    /** The stored form of a hosted domain; refuses empty, overlong, '@', spaces and control characters. */
    public static String domain(String domain) {
        String d = lookupKey(domain);
        if (d.isEmpty() || d.length() > MAX_DOMAIN_LENGTH || d.contains("@") || d.chars().anyMatch(ch -> ch <= 0x20)) {
            throw new StoreException.Invalid("invalid domain: " + domain);
        }
        return d;
    }

    /** Lower-case "local@domain"; the local part and the domain must be non-empty. */
    public static String address(String address) {
        String a = lookupKey(address);
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1 || a.length() > MAX_ADDRESS_LENGTH || a.chars().anyMatch(ch -> ch <= 0x20)) {
            throw new StoreException.Invalid("invalid address: " + address);
        }
        return a;
    }

    /** The domain of an already validated address (or of a catch-all source "@dom"). */
    public static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    /** An alias source: "x@dom" or "@dom" (catch-all for the domain), lower case. */
    public static String aliasSource(String source) {
        String s = lookupKey(source);
        return s.startsWith("@") ? "@" + domain(s.substring(1)) : address(s);
    }
}
