package jotmai.store.postgres;

import java.util.Locale;

import jotmai.store.Mailbox;
import jotmai.store.StoreException;

/**
 * Validation and the stored spelling of domains, addresses and mailbox names (the same rules as the
 * embedded backend, so that the contract suite holds for both).
 */
final class Names {

    /** Longest accepted address (RFC 5321 §4.5.3.1.3 path limit). */
    static final int MAX_ADDRESS_LENGTH = 254;
    /** Longest domain (RFC 1035 §2.3.4). */
    static final int MAX_DOMAIN_LENGTH = 253;
    /** Longest accepted mailbox name in characters (whole hierarchy). */
    static final int MAX_MAILBOX_NAME_LENGTH = 512;
    /** Deepest accepted mailbox hierarchy. */
    static final int MAX_MAILBOX_DEPTH = 32;

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

    /**
     * The stored form of a mailbox name (RFC 9051 §5.1): "INBOX" in any case, also as the first level
     * of a child, becomes "INBOX". Refuses empty names, leading/trailing/double delimiters, control
     * characters, the LIST wildcards '*' and '%', and names too long or too deep.
     */
    static String mailbox(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_MAILBOX_NAME_LENGTH) {
            throw new StoreException.Invalid("invalid mailbox name length");
        }
        String d = String.valueOf(Mailbox.DELIMITER);
        if (name.startsWith(d) || name.endsWith(d) || name.contains(d + d)) {
            throw new StoreException.Invalid("invalid hierarchy in mailbox name");
        }
        int depth = 1;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x20 || ch == 0x7f || ch == '*' || ch == '%') {
                throw new StoreException.Invalid("invalid character in mailbox name");
            }
            if (ch == Mailbox.DELIMITER) {
                depth++;
            }
        }
        if (depth > MAX_MAILBOX_DEPTH) {
            throw new StoreException.Invalid("mailbox hierarchy too deep");
        }
        int slash = name.indexOf(Mailbox.DELIMITER);
        String first = slash < 0 ? name : name.substring(0, slash);
        if (first.equalsIgnoreCase(Mailbox.INBOX) && !first.equals(Mailbox.INBOX)) {
            return Mailbox.INBOX + name.substring(first.length());
        }
        return name;
    }

    static boolean isInbox(String storedName) {
        return storedName.equals(Mailbox.INBOX);
    }

    /** LIKE pattern for the children of {@code parent}, metacharacters escaped with '\'. */
    static String childrenPattern(String parent) {
        return likeEscape(parent) + Mailbox.DELIMITER + "%";
    }

    static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
