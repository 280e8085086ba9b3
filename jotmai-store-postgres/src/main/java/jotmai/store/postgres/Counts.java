package jotmai.store.postgres;

import java.util.Collection;
import java.util.Set;

import jotmai.store.Flags;
import jotmai.store.MessageMeta;
import jotmai.store.support.StoredFlags;

/** A change of a mailbox's counters (messages, unseen, \Deleted, octets), applied with its allocation. */
record Counts(long messages, long unseen, long deleted, long bytes) {

    static final Counts NONE = new Counts(0, 0, 0, 0);

    static Counts of(Set<String> flags, long size) {
        return new Counts(1, StoredFlags.containsIgnoreCase(flags, Flags.SEEN) ? 0 : 1, StoredFlags.containsIgnoreCase(flags, Flags.DELETED) ? 1 : 0,
                size);
    }

    static Counts of(Collection<MessageMeta> messages) {
        Counts sum = NONE;
        for (MessageMeta m : messages) {
            sum = sum.plus(of(m.flags(), m.size()));
        }
        return sum;
    }

    /** What a flag change does to the counters (the message count and size stay). */
    static Counts flagChange(Set<String> before, Set<String> after) {
        Counts b = of(before, 0);
        Counts a = of(after, 0);
        return new Counts(0, a.unseen - b.unseen, a.deleted - b.deleted, 0);
    }

    Counts plus(Counts o) {
        return new Counts(messages + o.messages, unseen + o.unseen, deleted + o.deleted, bytes + o.bytes);
    }

    Counts negate() {
        return new Counts(-messages, -unseen, -deleted, -bytes);
    }
}
