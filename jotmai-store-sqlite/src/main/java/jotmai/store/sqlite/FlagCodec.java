package jotmai.store.sqlite;

import java.util.LinkedHashSet;
import java.util.Set;

import jotmai.store.support.StoredFlags;

/**
 * Flags as stored in SQLite: one space-separated string per message. Which flags are accepted and how
 * STORE merges them is backend-neutral and lives in {@link StoredFlags}; only the column encoding is here.
 */
final class FlagCodec {

    private FlagCodec() {}

    static String encode(Set<String> flags) {
        return String.join(" ", flags);
    }

    static Set<String> decode(String stored) {
        Set<String> out = new LinkedHashSet<>();
        if (stored == null || stored.isEmpty()) {
            return out;
        }
        for (String f : stored.split(" ")) {
            out.add(f);
        }
        return out;
    }
}
