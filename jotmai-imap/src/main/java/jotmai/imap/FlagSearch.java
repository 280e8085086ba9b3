package jotmai.imap;

import java.util.Map;
import java.util.Optional;

import jotmai.imap.protocol.SearchKey;
import jotmai.store.FlagRows;
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
