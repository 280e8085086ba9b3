package jotmai.smtp;

import java.util.Locale;

/**
 * An RFC 5321 §4.1.2 Mailbox: local-part "@" domain. {@code localPart} is the unquoted content;
 * {@code quoted} says the client wrote it as a Quoted-string. {@code addressLiteral} is true for
 * domains like "[192.0.2.1]".
 */
record MailAddress(String localPart, String domain, boolean quoted, boolean addressLiteral) {

    /** The address as written on the wire (quoted again if needed). */
    String wire() {
        String local = quoted ? quote(localPart) : localPart;
        return local + "@" + domain;
    }

    /** Lower-case form used for lookups in the account store. */
    String key() {
        return (localPart + "@" + domain).toLowerCase(Locale.ROOT);
    }

    String domainKey() {
        return domain.toLowerCase(Locale.ROOT);
    }

    boolean isAscii() {
        return localPart.chars().allMatch(c -> c < 0x80) && domain.chars().allMatch(c -> c < 0x80);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
