package jotmai.imap;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jotmai.imap.protocol.SearchKey;
import jotmai.store.FlagRows;
import jotmai.store.FlagSetList;
import jotmai.store.Flags;
import jotmai.store.UidSet;

/**
 * SEARCH keys that need nothing but a message's UID, flags and MODSEQ (RFC 9051 §6.4.4 ALL, ANSWERED,
 * DELETED, DRAFT, FLAGGED, SEEN, KEYWORD, their UN- forms, NOT, OR, sequence and UID sets; RFC 3501
 * RECENT/NEW/OLD; RFC 7162 §3.1.5 MODSEQ). Such searches are answered from {@link FlagRows} instead of
 * full message rows: on a 100,000-message mailbox "UID SEARCH UNSEEN" then builds no MessageMeta.
 * The semantics are those of {@link SearchCommand}'s general matcher, key for key.
 */
final class FlagSearch {

    private FlagSearch() {}

    /** Whether every key in the tree can be decided from UID, flags and MODSEQ. */
    static boolean answers(SearchKey key) {
        return switch (key) {
            case SearchKey.All a -> true;
            case SearchKey.Flag f -> true;
            case SearchKey.Recent r -> true;
            case SearchKey.Sequence s -> true;
            case SearchKey.Uid u -> true;
            case SearchKey.ModSeq m -> true;
            case SearchKey.Not n -> answers(n.key());
            case SearchKey.Or o -> answers(o.left()) && answers(o.right());
            case SearchKey.And a -> a.keys().stream().allMatch(FlagSearch::answers);
            default -> false;
        };
    }

    /**
     * Whether the key depends on nothing but the flag set (no UIDs, sequence numbers, MODSEQ or \\Recent,
     * which is per session): then messages sharing one flag set share the answer.
     */
    static boolean onlyFlags(SearchKey key) {
        return switch (key) {
            case SearchKey.All a -> true;
            case SearchKey.Flag f -> true;
            case SearchKey.Not n -> onlyFlags(n.key());
            case SearchKey.Or o -> onlyFlags(o.left()) && onlyFlags(o.right());
            case SearchKey.And a -> a.keys().stream().allMatch(FlagSearch::onlyFlags);
            default -> false;
        };
    }

    /**
     * A \\Seen or \\Deleted test every match must pass (the key itself or one of its AND-ed keys), so the
     * store may return only the messages that pass it (SQLite filters those on columns): UNSEEN on a
     * mostly read mailbox reads only the unread rows.
     */
    static Optional<SearchKey.Flag> implied(SearchKey key) {
        return switch (key) {
            case SearchKey.Flag f when f.flag().equalsIgnoreCase(Flags.SEEN)
                    || f.flag().equalsIgnoreCase(Flags.DELETED) -> Optional.of(f);
            case SearchKey.And a -> a.keys().stream().map(FlagSearch::implied)
                    .flatMap(Optional::stream).findFirst();
            default -> Optional.empty();
        };
    }

    /**
     * The matches, in UID order: their UIDs, their sequence numbers in the view and (when asked for) their
     * MODSEQs by UID.
     */
    record Found(LongArrayList uids, LongArrayList seqs, Map<Long, Long> modSeqs) {}

    /**
     * The messages of {@code rows} that are in the session's view and match {@code key}. Rows and view are
     * both in UID order, so one merge walk gives each row's sequence number (no binary search per row);
     * a key of flags alone is decided once per distinct flag set ({@link FlagSetList}), then each message
     * costs an array read (issue 4: UID SEARCH UNSEEN on 100,000 messages).
     */
    static Found find(SearchKey key, FlagRows rows, MailboxView view, Map<SearchKey, UidSet> sets,
                      boolean withModSeqs) {
        int n = rows.size();
        int viewSize = view.size();
        long[] uids = new long[Math.min(n, viewSize)];
        long[] seqs = new long[uids.length];
        Map<Long, Long> modSeqs = withModSeqs ? new HashMap<>() : Map.of();
        FlagSetList flagSets = rows.flagSets();
        boolean perSet = onlyFlags(key);
        byte[] decided = perSet ? new byte[flagSets.table().size()] : null; // 0 not yet, 1 no, 2 yes
        long[] rowUids = rows.uids();
        int found = 0;
        int j = 0; // view index: the view's sequence number j + 1
        for (int i = 0; i < n && j < viewSize; i++) {
            long uid = rowUids[i];
            while (j < viewSize && view.uidAt(j + 1) < uid) {
                j++;
            }
            if (j == viewSize || view.uidAt(j + 1) != uid) {
                continue; // added since the session last synced, or expunged and not yet announced
            }
            boolean match;
            if (perSet) {
                int t = flagSets.setAt(i);
                if (decided[t] == 0) {
                    decided[t] = matches(key, rows, i, view, sets) ? (byte) 2 : (byte) 1;
                }
                match = decided[t] == 2;
            } else {
                match = matches(key, rows, i, view, sets);
            }
            if (match) {
                uids[found] = uid;
                seqs[found] = j + 1;
                found++;
                if (withModSeqs) {
                    modSeqs.put(uid, rows.modSeqs()[i]);
                }
            }
        }
        return new Found(new LongArrayList(uids, found), new LongArrayList(seqs, found), modSeqs);
    }

    /** Whether message {@code i} of {@code rows} matches; {@code sets} are the resolved sequence/UID sets. */
    static boolean matches(SearchKey key, FlagRows rows, int i, MailboxView view, Map<SearchKey, UidSet> sets) {
        long uid = rows.uids()[i];
        return switch (key) {
            case SearchKey.All a -> true;
            case SearchKey.Flag f -> rows.hasFlag(i, f.flag()) == f.present();
            case SearchKey.Recent r -> view.isRecent(uid) == r.present();
            case SearchKey.Sequence s -> sets.get(key).contains(uid);
            case SearchKey.Uid u -> sets.get(key).contains(uid);
            case SearchKey.ModSeq m -> rows.modSeqs()[i] >= m.modSeq();
            case SearchKey.Not n -> !matches(n.key(), rows, i, view, sets);
            case SearchKey.Or o -> matches(o.left(), rows, i, view, sets) || matches(o.right(), rows, i, view, sets);
            case SearchKey.And a -> {
                for (SearchKey k : a.keys()) {
                    if (!matches(k, rows, i, view, sets)) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> throw new IllegalArgumentException("not a flag-only key: " + key);
        };
    }
}
