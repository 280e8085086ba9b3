package jotmai.imap;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import jotmai.store.Flags;
import jotmai.store.FlagRows;

/**
 * What SELECT derives from all rows of a mailbox (RFC 3501 §7.1 [UNSEEN] and the keywords for FLAGS,
 * RFC 9051 §7.3.5): a pass over every message, 100,000 of them in a big mailbox. The store hands out
 * the same immutable {@link FlagRows} while the mailbox is unchanged (its flag-row cache), so the pass is
 * remembered per mailbox for that very instance and the next SELECT, in any session, skips it. Keyed by
 * identity, so sessions of several servers in one JVM can only miss, never get another store's answer.
 *
 * @param firstUnseen sequence number of the first message without \Seen, 0 if none
 * @param keywords    the keywords (flags without a backslash) some message has
 */
record SelectSummary(long firstUnseen, Set<String> keywords) {
    /** Mailboxes remembered; the map is cleared beyond this (it only costs a recomputation). */
    static final int MAX_MAILBOXES = 10_000;
    /** Smaller mailboxes are summed up every time. */
    static final int MIN_ROWS = 5_000;

    private record Entry(FlagRows rows, SelectSummary summary) {}

    private static final Map<Long, Entry> REMEMBERED = new ConcurrentHashMap<>();

    static SelectSummary of(long mailboxId, FlagRows rows) {
        Entry e = REMEMBERED.get(mailboxId);
        if (e != null && e.rows() == rows) {
            return e.summary();
        }
        SelectSummary s = compute(rows);
        if (rows.size() >= MIN_ROWS) {
            if (REMEMBERED.size() >= MAX_MAILBOXES) {
                REMEMBERED.clear();
            }
            REMEMBERED.put(mailboxId, new Entry(rows, s));
        }
        return s;
    }

    static SelectSummary compute(FlagRows rows) {
        long firstUnseen = 0;
        Set<String> keywords = new TreeSet<>();
        Set<Set<String>> looked = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> previous = null;
        for (int i = 0; i < rows.size(); i++) {
            if (firstUnseen == 0 && !rows.hasFlag(i, Flags.SEEN)) {
                firstUnseen = i + 1;
            }
            Set<String> flags = rows.flags().get(i);
            if (flags == previous) {
                continue; // neighbours mostly share one set (backends share equal sets)
            }
            previous = flags;
            if (!flags.isEmpty() && looked.add(flags)) {
                for (String f : flags) {
                    if (!f.startsWith("\\")) {
                        keywords.add(f);
                    }
                }
            }
        }
        return new SelectSummary(firstUnseen, Collections.unmodifiableSet(keywords));
    }
}
