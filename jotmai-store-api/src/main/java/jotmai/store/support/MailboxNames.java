package jotmai.store.support;

import java.util.Locale;

import jotmai.store.Mailbox;
import jotmai.store.StoreException;

/**
 * Validation and the stored spelling of mailbox names, shared by every backend so that the same names
 * are accepted and INBOX is spelled one way everywhere (RFC 9051 §5.1: "INBOX" is case-insensitive).
 */
public final class MailboxNames {

    /** Longest accepted mailbox name in characters (whole hierarchy). */
    public static final int MAX_NAME_LENGTH = 512;
    /** Deepest accepted hierarchy. */
    public static final int MAX_DEPTH = 32;

    private MailboxNames() {}

    /**
     * The stored form of a name: "INBOX" in any case, also as the first level of a child such as
     * "inbox/x", becomes "INBOX". Throws {@link StoreException.Invalid} for names that cannot exist:
     * empty, leading/trailing/double delimiters, control characters, the LIST wildcards '*' and '%'
     * (RFC 9051 §5.1 lets servers refuse them), too long or too deep.
     */
    public static String normalize(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
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
        if (depth > MAX_DEPTH) {
            throw new StoreException.Invalid("mailbox hierarchy too deep");
        }
        int slash = name.indexOf(Mailbox.DELIMITER);
        String first = slash < 0 ? name : name.substring(0, slash);
        if (first.toUpperCase(Locale.ROOT).equals(Mailbox.INBOX) && !first.equals(Mailbox.INBOX)) {
            return Mailbox.INBOX + name.substring(first.length());
        }
        return name;
    }

    /** Whether an already normalized name is INBOX itself. */
    public static boolean isInbox(String normalized) {
        return normalized.equals(Mailbox.INBOX);
    }

    /**
     * The RENAME rules that need no database (RFC 9051 §6.3.6), on normalized names: nothing may be
     * renamed to INBOX, INBOX may not become its own child, and no mailbox may move under itself.
     */
    public static void checkRename(String from, String to) {
        if (isInbox(to) || (isInbox(from) && to.startsWith(Mailbox.INBOX + Mailbox.DELIMITER))) {
            throw new StoreException.Invalid("cannot rename into INBOX");
        }
        if (to.equals(from) || to.startsWith(from + Mailbox.DELIMITER)) {
            throw new StoreException.Invalid("cannot rename a mailbox into itself");
        }
    }

    /**
     * SQL LIKE pattern for the children of {@code parent}, with LIKE metacharacters escaped by '\'
     * (both backends issue {@code LIKE ? ESCAPE '\'}); building the text needs no database.
     */
    public static String childrenPattern(String parent) {
        return likeEscape(parent) + Mailbox.DELIMITER + "%";
    }

    /** {@code s} with the LIKE metacharacters '\', '%' and '_' escaped by '\'. */
    public static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
