package jotmai.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;

/**
 * An ordered set of UIDs as sorted, non-overlapping, non-adjacent closed ranges. IMAP's "*" and "$"
 * are resolved by the protocol before a set reaches the store.
 */
public record UidSet(List<Range> ranges) {

    public static final UidSet EMPTY = new UidSet(List.of());
    /** Every possible UID (RFC 9051 §2.3.1.1: UIDs are 32-bit, non-zero). */
    public static final UidSet ALL = UidSet.range(1, 0xFFFF_FFFFL);

    public record Range(long first, long last) {
        public Range {
            if (first < 1 || last < first) {
                throw new IllegalArgumentException("bad UID range " + first + ":" + last);
            }
        }
    }

    public UidSet {
        ranges = List.copyOf(ranges);
    }

    public static UidSet range(long first, long last) {
        return last < first ? EMPTY : new UidSet(List.of(new Range(first, last)));
    }

    public static UidSet of(long... uids) {
        return of(LongStream.of(uids).boxed().toList());
    }

    /** Builds a set from any UIDs in any order, merging adjacent ones into ranges. */
    public static UidSet of(Collection<Long> uids) {
        List<Long> sorted = new ArrayList<>(uids);
        Collections.sort(sorted);
        List<Range> ranges = new ArrayList<>();
        long first = -1;
        long last = -1;
        for (long uid : sorted) {
            if (first < 0) {
                first = last = uid;
            } else if (uid <= last + 1) {
                last = Math.max(last, uid);
            } else {
                ranges.add(new Range(first, last));
                first = last = uid;
            }
        }
        if (first > 0) {
            ranges.add(new Range(first, last));
        }
        return new UidSet(ranges);
    }

    public boolean contains(long uid) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range r = ranges.get(mid);
            if (uid < r.first) {
                hi = mid - 1;
            } else if (uid > r.last) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Number of UIDs in the set. */
    public long count() {
        long n = 0;
        for (Range r : ranges) {
            n += r.last - r.first + 1;
        }
        return n;
    }

    /** Every UID in ascending order; beware of huge ranges (use with sets built from real UIDs). */
    public LongStream stream() {
        return ranges.stream().flatMapToLong(r -> LongStream.rangeClosed(r.first, r.last));
    }

    /** The UIDs of this set that are not in {@code other}, computed on ranges (never enumerated). */
    public UidSet minus(UidSet other) {
        List<Range> out = new ArrayList<>();
        int j = 0;
        List<Range> cut = other.ranges;
        for (Range r : ranges) {
            long from = r.first;
            while (j < cut.size() && cut.get(j).last < from) {
                j++;
            }
            int k = j;
            while (from <= r.last && k < cut.size() && cut.get(k).first <= r.last) {
                Range c = cut.get(k);
                if (c.first > from) {
                    out.add(new Range(from, c.first - 1));
                }
                from = Math.max(from, c.last + 1);
                if (c.last > r.last) {
                    break;
                }
                k++;
            }
            if (from <= r.last) {
                out.add(new Range(from, r.last));
            }
        }
        return new UidSet(out);
    }

    /** The UIDs of this set from {@code first} to {@code last}, computed on ranges. */
    public UidSet within(long first, long last) {
        List<Range> out = new ArrayList<>();
        for (Range r : ranges) {
            long lo = Math.max(first, r.first);
            long hi = Math.min(last, r.last);
            if (lo <= hi) {
                out.add(new Range(lo, hi));
            }
        }
        return new UidSet(out);
    }

    /** IMAP sequence-set syntax, e.g. "1:4,7,9:12" (RFC 9051 §9 sequence-set). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(r.first);
            if (r.last != r.first) {
                sb.append(':').append(r.last);
            }
        }
        return sb.toString();
    }
}
