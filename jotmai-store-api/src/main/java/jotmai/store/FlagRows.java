package jotmai.store;

import java.util.List;
import java.util.Set;

/**
 * The UIDs, MODSEQs and flags of all messages of a mailbox in UID order, as parallel arrays: what
 * SELECT and flag-only SEARCH keys need, without dates, sizes or blob references. Built for large
 * mailboxes (100,000 messages): one long per UID and MODSEQ, and backends may share one flag set between
 * messages with the same flags, so the sets are unmodifiable.
 *
 * @param uids    ascending UIDs
 * @param modSeqs {@code modSeqs[i]} is the MODSEQ of {@code uids[i]}
 * @param flags   {@code flags.get(i)} are the flags of {@code uids[i]}, as in {@link MessageMeta#flags()}
 */
public record FlagRows(long[] uids, long[] modSeqs, List<Set<String>> flags) {

    public FlagRows {
        if (uids.length != modSeqs.length || uids.length != flags.size()) {
            throw new IllegalArgumentException("parallel arrays of different lengths");
        }
        flags = FlagSetList.of(flags); // compact: an index into the distinct sets (no copy if already so)
    }

    /** {@link #flags()} as what it is: distinct sets plus an index per message. */
    public FlagSetList flagSets() {
        return (FlagSetList) flags;
    }

    public int size() {
        return uids.length;
    }

    /** Whether message {@code i} has the flag, case-insensitively like {@link MessageMeta#hasFlag}. */
    public boolean hasFlag(int i, String flag) {
        return hasFlag(flags.get(i), flag);
    }

    private static boolean hasFlag(Set<String> set, String flag) {
        return FlagSetList.contains(set, flag);
    }

    /** The messages that have ({@code present}) or lack the flag, case-insensitively. */
    public FlagRows filter(String flag, boolean present) {
        FlagSetList sets = flagSets();
        boolean[] has = sets.having(flag); // one test per distinct flag set
        int[] keep = new int[uids.length];
        int n = 0;
        for (int i = 0; i < uids.length; i++) {
            if (has[sets.setAt(i)] == present) {
                keep[n++] = i;
            }
        }
        long[] u = new long[n];
        long[] m = new long[n];
        for (int k = 0; k < n; k++) {
            u[k] = uids[keep[k]];
            m[k] = modSeqs[keep[k]];
        }
        return new FlagRows(u, m, sets.select(keep, n));
    }

    /** Built from full message rows (the default of {@link MailStore#flagRows}). */
    public static FlagRows of(List<MessageMeta> metas) {
        long[] uids = new long[metas.size()];
        long[] modSeqs = new long[metas.size()];
        Set<String>[] flags = newSetArray(metas.size());
        for (int i = 0; i < uids.length; i++) {
            MessageMeta m = metas.get(i);
            uids[i] = m.uid();
            modSeqs[i] = m.modSeq();
            flags[i] = java.util.Collections.unmodifiableSet(m.flags());
        }
        return new FlagRows(uids, modSeqs, List.of(flags));
    }

    @SuppressWarnings("unchecked")
    private static Set<String>[] newSetArray(int n) {
        return (Set<String>[]) new Set<?>[n];
    }
}
