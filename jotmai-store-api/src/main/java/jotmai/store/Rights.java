package jotmai.store;

/**
 * A set of RFC 4314 §2.1 access rights, kept in the canonical order {@link #ORDER}. The obsolete RFC
 * 2086 rights "c" and "d" are a protocol matter (RFC 4314 §2.1.1) and are mapped by the IMAP layer;
 * here only the eleven standard rights exist.
 *
 * @param letters the rights as letters in canonical order, e.g. "lrs"
 */
public record Rights(String letters) {

    /** l lookup, r read, s keep seen, w write flags, i insert, p post, k create, x delete mailbox,
     *  t delete messages, e expunge, a administer (RFC 4314 §2.1). */
    public static final String ORDER = "lrswipkxtea";
    public static final Rights NONE = new Rights("");
    public static final Rights ALL = new Rights(ORDER);

    public Rights {
        for (int i = 0; i < letters.length(); i++) {
            if (ORDER.indexOf(letters.charAt(i)) < 0) {
                throw new StoreException.Invalid("unknown right: " + letters.charAt(i));
            }
        }
        letters = canonical(letters);
    }

    /** Parses letters in any order, duplicates allowed; throws {@link StoreException.Invalid} otherwise. */
    public static Rights of(String letters) {
        return new Rights(letters);
    }

    private static String canonical(String letters) {
        StringBuilder sb = new StringBuilder(ORDER.length());
        for (int i = 0; i < ORDER.length(); i++) {
            if (letters.indexOf(ORDER.charAt(i)) >= 0) {
                sb.append(ORDER.charAt(i));
            }
        }
        return sb.toString();
    }

    public boolean has(char right) {
        return letters.indexOf(right) >= 0;
    }

    /** Whether every right in {@code rights} is present. */
    public boolean hasAll(String rights) {
        return rights.chars().allMatch(c -> letters.indexOf(c) >= 0);
    }

    public boolean isEmpty() {
        return letters.isEmpty();
    }

    public Rights plus(Rights other) {
        return new Rights(letters + other.letters);
    }

    public Rights minus(Rights other) {
        StringBuilder sb = new StringBuilder();
        for (char c : letters.toCharArray()) {
            if (!other.has(c)) {
                sb.append(c);
            }
        }
        return new Rights(sb.toString());
    }

    @Override
    public String toString() {
        return letters;
    }
}
