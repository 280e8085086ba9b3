package jotmai.imap.protocol;

import java.time.LocalDate;
import java.util.List;

/** A search-key of SEARCH (RFC 9051 §6.4.4); the ones with the same meaning share one record. */
public sealed interface SearchKey {

    record All() implements SearchKey {}

    /** ANSWERED/UNANSWERED, DELETED, DRAFT, FLAGGED, SEEN, KEYWORD/UNKEYWORD. */
    record Flag(String flag, boolean present) implements SearchKey {}

    /** RFC 3501 RECENT, NEW (recent and unseen), OLD (not recent). */
    record Recent(boolean present) implements SearchKey {}

    record Sequence(SequenceSet set) implements SearchKey {}

    record Uid(SequenceSet set) implements SearchKey {}

    /** FROM, TO, CC, BCC, SUBJECT and HEADER: substring of the decoded field; empty value = field exists. */
    record Header(String field, String value) implements SearchKey {}

    record Body(String text) implements SearchKey {}

    /** Header and body. */
    record Text(String text) implements SearchKey {}

    /** SAVED: RFC 8514 §4 SAVEDBEFORE/SAVEDON/SAVEDSINCE. */
    enum DateField { INTERNAL, SENT, SAVED }

    enum Comparison { BEFORE, ON, SINCE }

    record Date(DateField field, Comparison comparison, LocalDate date) implements SearchKey {}

    record Size(boolean larger, long octets) implements SearchKey {}

    /** RFC 7162 §3.1.5 MODSEQ: messages with a MODSEQ at or above the value (entry name ignored). */
    record ModSeq(long modSeq) implements SearchKey {}

    /** RFC 8474 §6 EMAILID (thread=false) and THREADID (thread=true). */
    record ObjectId(boolean thread, String id) implements SearchKey {}

    record Not(SearchKey key) implements SearchKey {}

    record Or(SearchKey left, SearchKey right) implements SearchKey {}

    record And(List<SearchKey> keys) implements SearchKey {
        public And {
            keys = List.copyOf(keys);
        }
    }
}
