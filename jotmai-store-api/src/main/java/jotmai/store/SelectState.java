package jotmai.store;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What SELECT and EXAMINE report about a mailbox's messages (RFC 9051 §6.3.2: EXISTS and the keywords
 * for FLAGS; RFC 3501 §6.3.1: [UNSEEN]) and the UID of every sequence number, without each message's
 * flags and MODSEQ. Issue 4: the first SELECT of a 100,000-message mailbox after a start read the
 * UID, MODSEQ and flags of every message (~130 ms); this needs the UIDs plus two aggregates, and the
 * per-message flags are read by the first command that needs them (FETCH FLAGS, SEARCH UNSEEN, ...).
 *
 * @param uids           ascending UIDs of all messages; may be an array a store cache shares, so never
 *                       modify it
 * @param firstUnseenUid UID of the first message (lowest UID) without \Seen, 0 if every message has it
 * @param keywords       sorted, unmodifiable: the keywords (flags without a leading backslash, RFC 9051
 *                       §2.3.2) that at least one message has, spelled as stored
 */
public record SelectState(long[] uids, long firstUnseenUid, Set<String> keywords) {

    /** Derived from the full rows (a backend's default, or its cached rows of a big mailbox). */
    public static SelectState of(FlagRows rows) {
        FlagSetList sets = rows.flagSets();
        int first = sets.firstWithout(Flags.SEEN);
        Set<String> keywords = new TreeSet<>();
        for (Set<String> set : sets.usedSets()) {
            addKeywords(keywords, set);
        }
        return new SelectState(rows.uids(), first < 0 ? 0 : rows.uids()[first], Collections.unmodifiableSet(keywords));
    }

    /** Adds the keywords among {@code flags} to {@code keywords}. */
    public static void addKeywords(Set<String> keywords, Set<String> flags) {
        for (String f : flags) {
            if (!f.startsWith("\\")) {
                keywords.add(f);
            }
        }
    }

    public int size() {
        return uids.length;
    }
}
