package jotmai.store.support;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.StoreException;

/**
 * The backend-neutral rules for the flags stored with a message: which names are accepted, how many,
 * and how STORE changes them. System flags are kept in canonical spelling ({@link Flags#canonical(Set)}),
 * keywords as the client wrote them and compared case-insensitively (flag names are case-insensitive,
 * RFC 9051 §2.3.2). Shared so that every backend accepts and merges exactly the same flags; how the
 * set is written to a column (text, text[]) stays with each backend.
 */
public final class StoredFlags {

    /** Longest accepted flag or keyword. */
    public static final int MAX_FLAG_LENGTH = 128;
    /** Most flags and keywords one message may carry. */
    public static final int MAX_FLAGS = 64;

    private StoredFlags() {}

    /** Canonical, deduplicated flags; \Recent and unknown system flags are dropped. */
    public static Set<String> canonical(Set<String> flags) {
        for (String f : flags) {
            if (f.isEmpty() || f.length() > MAX_FLAG_LENGTH || f.chars().anyMatch(ch -> ch <= 0x20 || ch == 0x7f)) {
                throw new StoreException.Invalid("invalid flag name");
            }
        }
        Set<String> out = Flags.canonical(flags);
        if (out.size() > MAX_FLAGS) {
            throw new StoreException.Invalid("too many flags");
        }
        return out;
    }

    /** The flags after applying STORE {@code op} (RFC 9051 §6.4.6) with already-canonical {@code given}. */
    public static Set<String> apply(Set<String> current, FlagOperation op, Set<String> given) {
        Set<String> out = new LinkedHashSet<>();
        switch (op) {
            case REPLACE -> out.addAll(given);
            case ADD -> {
                out.addAll(current);
                for (String f : given) {
                    if (!containsIgnoreCase(out, f)) {
                        out.add(f);
                    }
                }
            }
            case REMOVE -> {
                for (String f : current) {
                    if (!containsIgnoreCase(given, f)) {
                        out.add(f);
                    }
                }
            }
        }
        if (out.size() > MAX_FLAGS) {
            throw new StoreException.Invalid("too many flags");
        }
        return out;
    }

    /** Same flags ignoring order and case (a STORE that changes nothing must not bump MODSEQ). */
    public static boolean sameFlags(Set<String> a, Set<String> b) {
        return lower(a).equals(lower(b));
    }

    public static boolean containsIgnoreCase(Set<String> set, String flag) {
        for (String f : set) {
            if (f.equalsIgnoreCase(flag)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> lower(Set<String> s) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : s) {
            out.add(f.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
