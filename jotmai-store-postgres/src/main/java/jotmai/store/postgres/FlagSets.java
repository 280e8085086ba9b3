package jotmai.store.postgres;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.StoreException;

/**
 * Flags as stored (a text[] per message): system flags in canonical spelling, keywords as the client
 * wrote them and compared case-insensitively (RFC 9051 §2.3.2).
 */
final class FlagSets {

    /** Longest accepted flag or keyword. */
    static final int MAX_FLAG_LENGTH = 128;
    /** Most flags and keywords one message may carry. */
    static final int MAX_FLAGS = 64;

    private FlagSets() {}

    /** Canonical and deduplicated; \Recent and unknown system flags are dropped. */
    static Set<String> canonical(Set<String> flags) {
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

    /** The flags after STORE {@code op} (RFC 9051 §6.4.6) with canonical {@code given}. */
    static Set<String> apply(Set<String> current, FlagOperation op, Set<String> given) {
        Set<String> out = new LinkedHashSet<>();
        switch (op) {
            case REPLACE -> out.addAll(given);
            case ADD -> {
                out.addAll(current);
                for (String f : given) {
                    if (!contains(out, f)) {
                        out.add(f);
                    }
                }
            }
            case REMOVE -> {
                for (String f : current) {
                    if (!contains(given, f)) {
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

    static boolean same(Set<String> a, Set<String> b) {
        return lower(a).equals(lower(b));
    }

    static boolean contains(Set<String> set, String flag) {
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
