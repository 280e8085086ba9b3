package jotmai.cli;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Syntax checks for what admins type, so a typo gets a clear message here rather than an odd row in
 * the store. Lower-cases like the store does (addresses compare case-insensitively).
 */
final class Names {

    /** Labels of letters (any script: IDN domains are common on Thai hosting), digits and hyphens. */
    private static final Pattern DOMAIN = Pattern.compile("[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?"
            + "(?:\\.[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?)+");
    /** RFC 5321 §4.5.3.1.1: 64 octets of local part; §4.5.3.1.2: 255 octets of domain. */
    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 255;

    private Names() {
    }

    static String domain(String text) {
        String domain = text.strip().toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.length() > MAX_DOMAIN || !DOMAIN.matcher(domain).matches()) {
            throw new CliException("'" + text + "' is not a domain name (expected e.g. example.com)");
        }
        return domain;
    }

    /** A full address "local@domain" (the local part may not contain blanks, '@' or control characters). */
    static String address(String text) {
        String address = text.strip().toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            throw new CliException("'" + text + "' is not an address (expected e.g. alice@example.com)");
        }
        String local = address.substring(0, at);
        if (local.length() > MAX_LOCAL_PART || local.chars().anyMatch(c -> c <= ' ' || c == '@' || c == 0x7f)) {
            throw new CliException("'" + text + "' has an invalid local part");
        }
        return local + "@" + domain(address.substring(at + 1));
    }

    /** An alias source: a full address, or "@domain" for the domain's catch-all. */
    static String aliasSource(String text) {
        String s = text.strip();
        return s.startsWith("@") ? "@" + domain(s.substring(1)) : address(s);
    }

    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }
}
