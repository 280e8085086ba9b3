package jotmai.store;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * The flags of the messages of a {@link FlagRows}, stored compactly: a small table of the distinct flag
 * sets and, per message, an int index into it (issue 4: a 100,000-message mailbox has a handful of
 * distinct flag sets, so a flag SEARCH or STATUS UNSEEN decides once per set, then walks an int array).
 * Immutable; reads as a {@code List<Set<String>>} so code that asks {@code flags().get(i)} is unchanged.
 */
public final class FlagSetList extends AbstractList<Set<String>> implements RandomAccess {
    private final int[] index;
    private final List<Set<String>> table;
    /** Messages per table entry, computed on first need (benign race: every thread computes the same). */
    private volatile int[] counts;

    private FlagSetList(int[] index, List<Set<String>> table) {
        this.index = index;
        this.table = table;
    }

    /** Indexes {@code flags}: sets that are the same instance or equal share one table entry. */
    public static FlagSetList of(List<Set<String>> flags) {
        if (flags instanceof FlagSetList already) {
            return already;
        }
        int n = flags.size();
        int[] index = new int[n];
        List<Set<String>> table = new ArrayList<>();
        Map<Set<String>, Integer> byIdentity = new IdentityHashMap<>();
        Map<Set<String>, Integer> byValue = new HashMap<>();
        Set<String> last = null;
        int lastAt = -1;
        for (int i = 0; i < n; i++) {
            Set<String> s = flags.get(i);
            if (s != last) { // neighbours mostly share one instance (backends share equal sets)
                Integer at = byIdentity.get(s);
                if (at == null) {
                    at = byValue.get(s);
                    if (at == null) {
                        at = table.size();
                        table.add(s);
                        byValue.put(s, at);
                    }
                    byIdentity.put(s, at);
                }
                last = s;
                lastAt = at;
            }
            index[i] = lastAt;
        }
        return new FlagSetList(index, List.copyOf(table));
    }

    /** From an index already built by the caller: {@code index[i]} points into {@code table}. */
    public static FlagSetList of(int[] index, List<Set<String>> table) {
        for (int i : index) {
            if (i < 0 || i >= table.size()) {
                throw new IllegalArgumentException("flag set index out of range: " + i);
            }
        }
        return new FlagSetList(index, List.copyOf(table));
    }

    @Override
    public Set<String> get(int i) {
        return table.get(index[i]);
    }

    @Override
    public int size() {
        return index.length;
    }

    /** The table entry of message {@code i}. */
    public int setAt(int i) {
        return index[i];
    }

    /** The distinct flag sets. */
    public List<Set<String>> table() {
        return table;
    }

    /** Per table entry: whether the set holds {@code flag}, case-insensitively (RFC 9051 §2.3.2). */
    public boolean[] having(String flag) {
        boolean[] has = new boolean[table.size()];
        for (int t = 0; t < has.length; t++) {
            has[t] = contains(table.get(t), flag);
        }
        return has;
    }

    /** How many messages have ({@code present}) or lack the flag: one test per distinct set. */
    public int count(String flag, boolean present) {
        int[] c = counts();
        boolean[] has = having(flag);
        int n = 0;
        for (int t = 0; t < has.length; t++) {
            if (has[t]) {
                n += c[t];
            }
        }
        return present ? n : index.length - n;
    }

    /** The table entries at least one message uses (a table may keep sets no message has any more). */
    public List<Set<String>> usedSets() {
        int[] c = counts();
        List<Set<String>> used = new ArrayList<>();
        for (int t = 0; t < c.length; t++) {
            if (c[t] > 0) {
                used.add(table.get(t));
            }
        }
        return used;
    }

    /** Index of the first message that lacks the flag, or -1. */
    public int firstWithout(String flag) {
        boolean[] has = having(flag);
        for (int i = 0; i < index.length; i++) {
            if (!has[index[i]]) {
                return i;
            }
        }
        return -1;
    }

    /** The list of the messages at {@code positions[0..n)}, sharing this table. */
    FlagSetList select(int[] positions, int n) {
        int[] sub = new int[n];
        for (int k = 0; k < n; k++) {
            sub[k] = index[positions[k]];
        }
        return new FlagSetList(sub, table);
    }

    private int[] counts() {
        int[] c = counts;
        if (c == null) {
            c = new int[table.size()];
            for (int i : index) {
                c[i]++;
            }
            counts = c;
        }
        return c;
    }

    static boolean contains(Set<String> set, String flag) {
        for (String f : set) {
            if (f.equalsIgnoreCase(flag)) {
                return true;
            }
        }
        return false;
    }
}
