package jotmai.imap.protocol;

import java.util.List;

/**
 * A sequence-set as the client wrote it (RFC 9051 §9): ranges of numbers where {@link #STAR} stands for
 * "*" (the largest number in use), or "$" (RFC 5182 SEARCHRES: the saved search result). The session
 * resolves it against its own view.
 */
public record SequenceSet(List<Range> ranges, boolean saved) {

    /** "*" before resolution. */
    public static final long STAR = Long.MAX_VALUE;

    public static final SequenceSet SAVED = new SequenceSet(List.of(), true);

    /** A closed range; {@code from} may be greater than {@code to} ("5:2" means "2:5"). */
    public record Range(long from, long to) {
        public long low() {
            return Math.min(from, to);
        }

        public long high() {
            return Math.max(from, to);
        }
    }

    public SequenceSet {
        ranges = List.copyOf(ranges);
    }

    public static SequenceSet of(long first, long last) {
        return new SequenceSet(List.of(new Range(first, last)), false);
    }

    @Override
    public String toString() {
        if (saved) {
            return "$";
        }
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(r.from == STAR ? "*" : Long.toString(r.from));
            if (r.to != r.from) {
                sb.append(':').append(r.to == STAR ? "*" : Long.toString(r.to));
            }
        }
        return sb.toString();
    }
}
