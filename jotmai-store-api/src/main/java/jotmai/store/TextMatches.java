package jotmai.store;

import java.util.Objects;

/**
 * The answer of a text index to a SEARCH text key ({@link MailStore#searchText}).
 *
 * @param matches    UIDs of messages whose indexed text contains the needle: exact (no false
 *                   positives, none missing) for the messages the index covers
 * @param unverified UIDs of messages the index does not cover yet (not yet indexed, or too large to
 *                   index): the caller must test these itself; disjoint from {@code matches}
 */
public record TextMatches(UidSet matches, UidSet unverified) {
    public TextMatches {
        Objects.requireNonNull(matches);
        Objects.requireNonNull(unverified);
    }

    /** Whether the message may match: in {@code matches} or to be checked. */
    public boolean candidate(long uid) {
        return matches.contains(uid) || unverified.contains(uid);
    }
}
