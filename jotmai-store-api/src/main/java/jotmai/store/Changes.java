package jotmai.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * Changes of one mailbox after a MODSEQ, in MODSEQ order, and the mailbox's highest MODSEQ at the time
 * of reading. A message added and then changed appears once, as Added with its current state; a
 * message added and expunged within the window appears only as Expunged.
 *
 * <p>Expunges are complete unless {@code existing} is present. Backends keep only the newest expunge
 * tombstones of a mailbox ({@link MailStore#pruneTombstones}); when the asked MODSEQ is below the
 * mailbox's vanished floor (the highest pruned MODSEQ), some expunges after it can no longer be named.
 * Then {@code existing} holds every UID the mailbox held at {@code highestModSeq} (read in the same
 * snapshot), and a caller treats every UID it knows that is not among them as expunged (RFC 7162
 * §3.2.6 allows a server without the expunge MODSEQs to answer such a superset). The Expunged
 * changes that are listed are still true.
 *
 * @param existing present only when the listed expunges may be incomplete
 */
public record Changes(long highestModSeq, List<StoreChange> changes, Optional<Existing> existing) {

    /**
     * The mailbox's UIDs and its UIDNEXT at {@code highestModSeq}: a UID below {@code uidNext} that is
     * not in {@code uids} was expunged by then (UIDs are never reused, RFC 9051 §2.3.1.1).
     */
    public record Existing(UidSet uids, long uidNext) {}

    /** Changes with a complete set of expunges. */
    public Changes(long highestModSeq, List<StoreChange> changes) {
        this(highestModSeq, changes, Optional.empty());
    }

    /** Whether every expunge after the asked MODSEQ is listed (the MODSEQ was not below the floor). */
    public boolean expungesComplete() {
        return existing.isEmpty();
    }

    /**
     * These changes with the expunges completed for a caller that knows {@code knownUids} (a session's
     * view, a cache's rows): each known UID that no longer exists and is not listed yet is added as
     * Expunged at {@code highestModSeq}. Complete changes are returned as they are. The result reports
     * complete expunges: for that caller, it is.
     */
    public Changes completedFor(LongStream knownUids) {
        if (existing.isEmpty()) {
            return this;
        }
        UidSet present = existing.get().uids();
        Set<Long> listed = new HashSet<>();
        for (StoreChange c : changes) {
            if (c instanceof StoreChange.Expunged e) {
                listed.add(e.uid());
            }
        }
        List<StoreChange> out = new ArrayList<>(changes);
        knownUids.filter(uid -> !present.contains(uid) && !listed.contains(uid))
                .forEach(uid -> out.add(new StoreChange.Expunged(uid, highestModSeq)));
        // added at the highest MODSEQ, so MODSEQ order still holds
        return new Changes(highestModSeq, out);
    }
}
