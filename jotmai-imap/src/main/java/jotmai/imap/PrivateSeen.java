package jotmai.imap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import jotmai.store.Changes;
import jotmai.store.FlagRows;
import jotmai.store.Flags;
import jotmai.store.MailStore;
import jotmai.store.MessageMeta;
import jotmai.store.SeenMark;
import jotmai.store.SeenUpdate;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * Per-user \Seen on other users' mailboxes (issue 7; RFC 4314 §4 ties \Seen to the "s" right, and
 * RFC 9051 §2.3.2 lets a server keep \Seen per user on shared mailboxes). The owner's \Seen is the
 * message flag; a session of any other user whose view has a {@link MailboxView#seenReader} sees the
 * message flags without \Seen, plus \Seen where its own {@link SeenMark} says so, and the MODSEQ of a
 * message as the larger of the message's and its mark's (RFC 7162 §3.1: a reader's own \Seen change is a
 * change it must see; another reader's is not).
 *
 * <p>Every read of flags for a selected mailbox goes through here; for views without a reader (own
 * mailboxes, or {@code imap.shared-seen = shared}) each method is the plain store call.
 */
final class PrivateSeen {
    private final MailStore mail;

    PrivateSeen(MailStore mail) {
        this.mail = mail;
    }

    /** Whether the view keeps its own \Seen. */
    static boolean applies(MailboxView view) {
        return view.seenReader != 0;
    }

    /** The messages in {@code uids} as the view's user sees them. */
    List<MessageMeta> messages(MailboxView view, UidSet uids) {
        List<MessageMeta> metas = mail.messages(view.mailboxId, uids);
        return applies(view) ? overlay(view, metas, uids) : metas;
    }

    /** All messages of the mailbox as the view's user sees them. */
    List<MessageMeta> messages(MailboxView view) {
        List<MessageMeta> metas = mail.messages(view.mailboxId);
        return applies(view) ? overlay(view, metas, UidSet.ALL) : metas;
    }

    private List<MessageMeta> overlay(MailboxView view, List<MessageMeta> metas, UidSet uids) {
        if (metas.isEmpty()) {
            return metas;
        }
        Map<Long, SeenMark> marks = marks(view, uids);
        List<MessageMeta> out = new ArrayList<>(metas.size());
        for (MessageMeta m : metas) {
            out.add(apply(m, marks.get(m.uid())));
        }
        return out;
    }

    private Map<Long, SeenMark> marks(MailboxView view, UidSet uids) {
        Map<Long, SeenMark> marks = new HashMap<>();
        for (SeenMark s : mail.seenMarks(view.mailboxId, view.seenReader, uids)) {
            marks.put(s.uid(), s);
        }
        return marks;
    }

    /** A message as a reader with {@code mark} (null: never marked, unseen) sees it. */
    static MessageMeta apply(MessageMeta m, SeenMark mark) {
        boolean seen = mark != null && mark.seen();
        long modSeq = mark == null ? m.modSeq() : Math.max(m.modSeq(), mark.modSeq());
        if (m.hasFlag(Flags.SEEN) == seen && modSeq == m.modSeq()) {
            return m;
        }
        return new MessageMeta(m.mailboxId(), m.uid(), modSeq, withSeen(m.flags(), seen), m.internalDate(),
                m.saveDate(), m.size(), m.blob());
    }

    private static Set<String> withSeen(Set<String> flags, boolean seen) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : flags) {
            if (!f.equalsIgnoreCase(Flags.SEEN)) {
                out.add(f);
            }
        }
        if (seen) {
            out.add(Flags.SEEN);
        }
        return out;
    }

    /** UIDs, MODSEQs and flags of the whole mailbox as the view's user sees them (flag SEARCH). */
    FlagRows flagRows(MailboxView view) {
        return flagRows(view.mailboxId, view.seenReader);
    }

    /** The same for a mailbox being selected by {@code readerId} (0: the message flags as they are). */
    FlagRows flagRows(long mailboxId, long readerId) {
        FlagRows rows = mail.flagRows(mailboxId);
        if (readerId == 0 || rows.size() == 0) {
            return rows;
        }
        // both in UID order: one merge walk, no map of 100,000 marks
        List<SeenMark> marks = mail.seenMarks(mailboxId, readerId, UidSet.ALL);
        int next = 0;
        long[] modSeqs = rows.modSeqs().clone();
        List<Set<String>> flags = new ArrayList<>(rows.size());
        // most messages share a handful of flag sets: derive each reader variant once
        Map<Set<String>, Set<String>> asSeen = new IdentityHashMap<>();
        Map<Set<String>, Set<String>> asUnseen = new IdentityHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            long uid = rows.uids()[i];
            while (next < marks.size() && marks.get(next).uid() < uid) {
                next++; // a mark of a message expunged since the rows were read
            }
            SeenMark mark = next < marks.size() && marks.get(next).uid() == uid ? marks.get(next) : null;
            boolean seen = mark != null && mark.seen();
            if (mark != null) {
                modSeqs[i] = Math.max(modSeqs[i], mark.modSeq());
            }
            Set<String> base = rows.flags().get(i);
            flags.add((seen ? asSeen : asUnseen).computeIfAbsent(base,
                    b -> Collections.unmodifiableSet(withSeen(b, seen))));
        }
        return new FlagRows(rows.uids(), modSeqs, Collections.unmodifiableList(flags));
    }

    /**
     * {@link #flagRows(MailboxView)} restricted to messages with or without {@code flag}. For a reader
     * the whole mailbox is read and filtered here: the store's \Seen column is the owner's, and the
     * other rows need the reader's MODSEQ anyway.
     */
    FlagRows flagRows(MailboxView view, String flag, boolean present) {
        return applies(view) ? flagRows(view).filter(flag, present) : mail.flagRows(view.mailboxId, flag, present);
    }

    /**
     * The store's changes after {@code since} as the view's user sees them: message changes with the
     * reader's \Seen and MODSEQ, plus the reader's own mark changes as flag changes. Another reader's
     * marks never appear (issue 7: a reader's \Seen is announced only to that reader's sessions).
     * {@code base} is {@code changesSince(mailbox, since)}, read before the marks so that no change falls
     * between the two reads unseen (one may be reported twice, which is harmless).
     */
    Changes changes(MailboxView view, Changes base, long since) {
        if (!applies(view)) {
            return base;
        }
        List<SeenMark> own = mail.seenChangesSince(view.mailboxId, view.seenReader,
                Math.max(since, view.seenMarksReported));
        for (SeenMark s : own) {
            view.seenMarksReported = Math.max(view.seenMarksReported, s.modSeq());
        }
        Set<Long> inBase = new HashSet<>();
        List<Long> withMeta = new ArrayList<>();
        for (StoreChange c : base.changes()) {
            inBase.add(c.uid());
            if (!(c instanceof StoreChange.Expunged)) {
                withMeta.add(c.uid());
            }
        }
        if (own.isEmpty() && withMeta.isEmpty()) {
            return base;
        }
        Map<Long, SeenMark> marks = withMeta.isEmpty() ? Map.of() : marks(view, UidSet.of(withMeta));
        List<StoreChange> out = new ArrayList<>(base.changes().size() + own.size());
        for (StoreChange c : base.changes()) {
            out.add(switch (c) {
                case StoreChange.Added a -> new StoreChange.Added(apply(a.meta(), marks.get(a.uid())));
                case StoreChange.FlagsChanged f -> new StoreChange.FlagsChanged(apply(f.meta(), marks.get(f.uid())));
                case StoreChange.Expunged e -> e;
            });
        }
        List<Long> onlyMarked = new ArrayList<>();
        Map<Long, SeenMark> ownByUid = new HashMap<>();
        for (SeenMark s : own) {
            ownByUid.put(s.uid(), s);
            if (!inBase.contains(s.uid())) {
                onlyMarked.add(s.uid());
            }
        }
        if (!onlyMarked.isEmpty()) {
            for (MessageMeta m : mail.messages(view.mailboxId, UidSet.of(onlyMarked))) {
                out.add(new StoreChange.FlagsChanged(apply(m, ownByUid.get(m.uid()))));
            }
        }
        out.sort(java.util.Comparator.comparingLong(StoreChange::modSeq));
        return new Changes(base.highestModSeq(), out, base.existing());
    }

    /** STATUS UNSEEN as {@code readerId} sees it (0: the message flags'). */
    long unseen(long mailboxId, long readerId, long messages, long ownersUnseen) {
        if (readerId == 0) {
            return ownersUnseen;
        }
        return Math.max(0, messages - mail.seenCount(mailboxId, readerId));
    }

    /** Sets or clears the reader's \Seen; the result as the reader sees the changed messages. */
    SeenUpdate setSeen(MailboxView view, UidSet uids, boolean seen, OptionalLong unchangedSince) {
        return mail.setSeen(view.mailboxId, view.seenReader, uids, seen, unchangedSince);
    }
}
