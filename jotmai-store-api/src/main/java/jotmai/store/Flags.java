package jotmai.store;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** System flag names (RFC 9051 §2.3.2) and their canonical spelling. */
public final class Flags {
    public static final String SEEN = "\\Seen";
    public static final String ANSWERED = "\\Answered";
    public static final String FLAGGED = "\\Flagged";
    public static final String DELETED = "\\Deleted";
    public static final String DRAFT = "\\Draft";
    public static final String RECENT = "\\Recent";

    private static final Set<String> SYSTEM = Set.of(SEEN, ANSWERED, FLAGGED, DELETED, DRAFT);

    private Flags() {}

    /**
     * System flags are case-insensitive; keep one spelling so that set operations work. Keywords keep
     * the client's spelling. Returns null for names that cannot be stored (\Recent, unknown \x).
     */
    public static String canonical(String flag) {
        if (!flag.startsWith("\\")) {
            return flag;
        }
        for (String f : SYSTEM) {
            if (f.equalsIgnoreCase(flag)) {
                return f;
            }
        }
        return null;
    }

    /** Canonicalises a set, dropping names that cannot be stored. */
    public static Set<String> canonical(Set<String> flags) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : flags) {
            String c = canonical(f);
            if (c != null && out.stream().noneMatch(x -> x.toLowerCase(Locale.ROOT).equals(c.toLowerCase(Locale.ROOT)))) {
                out.add(c);
            }
        }
        return out;
    }

    public static boolean isSystem(String flag) {
        return SYSTEM.contains(canonical(flag));
    }
}
