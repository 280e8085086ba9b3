package jotmai.imap;

import java.util.LinkedHashSet;
import java.util.Set;

import jotmai.store.Flags;
import jotmai.store.Rights;

/**
 * Which flags a user may set or clear on a shared mailbox (RFC 4314 §4): "s" for \Seen, "t" for
 * \Deleted, "w" for every other flag and keyword. Flags the user may not change are silently left
 * alone in STORE, APPEND and COPY (§4: "silently ignored").
 */
final class AclFlags {
    private AclFlags() {}

    static boolean mayChange(Rights rights, String flag) {
        if (flag.equalsIgnoreCase(Flags.SEEN)) {
            return rights.has('s');
        }
        if (flag.equalsIgnoreCase(Flags.DELETED)) {
            return rights.has('t');
        }
        return rights.has('w');
    }

    /** Whether every flag is governed by a right the user has (no filtering needed). */
    static boolean all(Rights rights) {
        return rights.hasAll("swt");
    }

    static Set<String> permitted(Rights rights, Set<String> flags) {
        Set<String> kept = new LinkedHashSet<>();
        for (String f : flags) {
            if (mayChange(rights, f)) {
                kept.add(f);
            }
        }
        return kept;
    }
}
