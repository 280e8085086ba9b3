package jotmai.imap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.Mailbox;

/**
 * Mailbox names between the wire and the store. The store keeps UTF-8 names with "/" as delimiter;
 * IMAP4rev1 sessions speak modified UTF-7 (RFC 3501 §5.1.3), IMAP4rev2 sessions UTF-8 (RFC 9051 §5.1).
 * "INBOX" is case-insensitive (RFC 9051 §5.1).
 */
final class MailboxNames {
    static final int MAX_NAME_LENGTH = 1000;
    private static final Base64.Encoder B64E = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private MailboxNames() {}

    /** Client name → store name. */
    static String fromWire(String wire, boolean utf8) {
        String name = utf8 ? wire : decodeUtf7(wire);
        while (name.length() > 1 && name.endsWith(String.valueOf(Mailbox.DELIMITER))) {
            name = name.substring(0, name.length() - 1); // RFC 9051 §6.3.4: a trailing delimiter names the same
        }
        return normalizeInbox(name);
    }

    static String normalizeInbox(String name) {
        if (name.equalsIgnoreCase(Mailbox.INBOX)) {
            return Mailbox.INBOX;
        }
        if (name.length() > 6 && name.substring(0, 6).equalsIgnoreCase("INBOX/")) {
            return Mailbox.INBOX + name.substring(5);
        }
        return name;
    }

    /** Store name → wire name. */
    static String toWire(String name, boolean utf8) {
        return utf8 ? name : encodeUtf7(name);
    }

    /** Validates a name a client wants to create. */
    static void checkCreatable(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new ImapException.No(ResponseCode.CANNOT, "invalid mailbox name");
        }
        if (name.contains("//") || name.startsWith("/") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f
                || c == '*' || c == '%')) {
            throw new ImapException.No(ResponseCode.CANNOT, "invalid mailbox name");
        }
    }

    static String encodeUtf7(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int start = i;
            while (i < s.length() && (s.charAt(i) < 0x20 || s.charAt(i) > 0x7e)) {
                i++;
            }
            byte[] utf16 = s.substring(start, i).getBytes(StandardCharsets.UTF_16BE);
            out.append('&').append(B64E.encodeToString(utf16).replace('/', ',')).append('-');
        }
        return out.toString();
    }

    static String decodeUtf7(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = s.indexOf('-', i);
            if (end < 0) {
                throw new ImapException.No(ResponseCode.CANNOT, "mailbox name is not valid modified UTF-7");
            }
            if (end == i + 1) {
                out.append('&');
            } else {
                try {
                    byte[] utf16 = B64D.decode(pad(s.substring(i + 1, end).replace(',', '/')));
                    if (utf16.length % 2 != 0) {
                        throw new IllegalArgumentException();
                    }
                    out.append(new String(utf16, StandardCharsets.UTF_16BE));
                } catch (IllegalArgumentException e) {
                    throw new ImapException.No(ResponseCode.CANNOT, "mailbox name is not valid modified UTF-7");
                }
            }
            i = end + 1;
        }
        return out.toString();
    }

    private static String pad(String b64) {
        return b64 + "===".substring(0, (4 - b64.length() % 4) % 4);
    }

    /**
     * LIST pattern (RFC 9051 §6.3.9): reference and pattern joined; "*" matches anything, "%" anything
     * but the delimiter. INBOX matches case-insensitively.
     */
    static Pattern listPattern(String reference, String pattern) {
        String full;
        if (reference.isEmpty() || pattern.startsWith("/")) {
            full = pattern;
        } else {
            full = reference.endsWith("/") ? reference + pattern : reference + pattern;
        }
        StringBuilder regex = new StringBuilder();
        boolean inboxPrefix = full.length() >= 5 && full.substring(0, 5).equalsIgnoreCase("INBOX")
                && (full.length() == 5 || full.charAt(5) == '/' || full.charAt(5) == '*' || full.charAt(5) == '%');
        int start = 0;
        if (inboxPrefix) {
            regex.append("(?i:INBOX)");
            start = 5;
        }
        StringBuilder literal = new StringBuilder();
        for (int i = start; i < full.length(); i++) {
            char c = full.charAt(i);
            if (c == '*' || c == '%') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : "[^/]*");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Drops bytes of a name the writer could not carry (kept for symmetry with tests). */
    static byte[] utf8(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
