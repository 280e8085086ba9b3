package jotmai.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.SequenceSet;
import jotmai.store.Changes;
import jotmai.store.MessageMeta;
import jotmai.store.StoreChange;
import jotmai.store.UidSet;

/**
 * RFC 7162 §3.2 quick resynchronisation: what changed since a client's MODSEQ, answered as
 * "VANISHED (EARLIER)" for expunged UIDs and FETCH (UID FLAGS MODSEQ) for changed messages. While the
 * client's MODSEQ is at or above the mailbox's vanished floor the store still has every tombstone after
 * it and the VANISHED set is exact. Below the floor (old tombstones pruned, {@link Changes#existing})
 * the answer is every UID of the client's known range that no longer exists: the known-uids of
 * QRESYNC (§3.2.5.2) or the UID set of UID FETCH (§3.2.6), else 1:UIDNEXT-1. RFC 7162 §3.2.6 accepts
 * this superset from a server that no longer knows when messages were expunged; it never misses a
 * real expunge, and VANISHED (EARLIER) of a UID the client no longer has is harmless (§3.2.10).
 */
final class Resync {
    /** UIDs per VANISHED line, so a response line stays bounded. */
    static final int VANISHED_PER_LINE = 10_000;

    private final SessionContext ctx;
    private final ChangeSync sync;

    Resync(SessionContext ctx, ChangeSync sync) {
        this.ctx = ctx;
        this.sync = sync;
    }

    /** RFC 7162 §3.2.5.1: after the usual SELECT responses, before the tagged OK. */
    void afterSelect(MailboxView view, Command.Qresync q) {
        // issue 7: a reader's own \Seen changes count as changes of its view (PrivateSeen)
        Changes changes = ctx.seen.changes(view, ctx.mail.changesSince(view.mailboxId, q.modSeq()), q.modSeq());
        changes.existing().ifPresent(e -> writeVanishedEarlier(vanishedBelowFloor(view, e, q.knownUids())));
        List<Long> vanished = new ArrayList<>();
        List<MessageMeta> changed = new ArrayList<>();
        for (StoreChange change : changes.changes()) {
            switch (change) {
                case StoreChange.Expunged e -> {
                    if (changes.expungesComplete() && view.seqOf(e.uid()) == 0 && within(q.knownUids(), e.uid())) {
                        vanished.add(e.uid());
                    }
                }
                case StoreChange.Added a -> changed.add(a.meta());
                case StoreChange.FlagsChanged f -> changed.add(f.meta());
            }
        }
        writeVanishedEarlier(vanished);
        for (MessageMeta m : changed) {
            if (view.seqOf(m.uid()) > 0 && m.modSeq() <= view.modSeq) {
                writeFlagsFetch(view, m);
            }
        }
    }

    /** RFC 7162 §3.2.6: UID FETCH ... (CHANGEDSINCE m VANISHED): the expunged UIDs of the set. */
    void vanishedSince(MailboxView view, SequenceSet set, long modSeq) {
        Changes changes = ctx.mail.changesSince(view.mailboxId, modSeq);
        if (changes.existing().isPresent()) {
            writeVanishedEarlier(vanishedBelowFloor(view, changes.existing().get(), Optional.of(set)));
            return;
        }
        long max = Long.MAX_VALUE; // "*": also UIDs above the view's largest that were expunged
        List<Long> vanished = new ArrayList<>();
        for (StoreChange change : changes.changes()) {
            if (change instanceof StoreChange.Expunged e && view.seqOf(e.uid()) == 0
                    && inSet(set, e.uid(), max)) {
                vanished.add(e.uid());
            }
        }
        writeVanishedEarlier(vanished);
    }

    /**
     * Below the vanished floor: the UIDs of {@code known} (absent: all) under UIDNEXT that no longer
     * exist, computed on ranges (a client's "1:*" never becomes a list of four billion numbers). UIDs
     * still in the view are left to the ordinary expunge announcement, as on the exact path.
     */
    static UidSet vanishedBelowFloor(MailboxView view, Changes.Existing existing, Optional<SequenceSet> known) {
        long max = existing.uidNext() - 1;
        UidSet range = known.isEmpty() || known.get().saved() ? UidSet.range(1, max) : toUidSet(known.get(), max);
        UidSet present = existing.uids();
        UidSet viewGone = UidSet.of(view.uids().filter(uid -> !present.contains(uid)).boxed().toList());
        return range.within(1, max).minus(present).minus(viewGone);
    }

    /** A client's UID set with "*" as {@code max} (RFC 9051 §9 seq-number), as sorted merged ranges. */
    private static UidSet toUidSet(SequenceSet set, long max) {
        List<UidSet.Range> ranges = new ArrayList<>();
        for (SequenceSet.Range r : set.ranges()) {
            long a = r.from() == SequenceSet.STAR ? max : r.from();
            long b = r.to() == SequenceSet.STAR ? max : r.to();
            long lo = Math.max(1, Math.min(Math.min(a, b), max));
            long hi = Math.min(Math.max(a, b), max);
            if (lo <= hi) {
                ranges.add(new UidSet.Range(lo, hi));
            }
        }
        ranges.sort(java.util.Comparator.comparingLong(UidSet.Range::first));
        List<UidSet.Range> merged = new ArrayList<>();
        for (UidSet.Range r : ranges) {
            UidSet.Range last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && r.first() <= last.last() + 1) {
                merged.set(merged.size() - 1, new UidSet.Range(last.first(), Math.max(last.last(), r.last())));
            } else {
                merged.add(r);
            }
        }
        return new UidSet(merged);
    }

    /** VANISHED (EARLIER) of ranges, at most {@link #VANISHED_PER_LINE} ranges a line. */
    private void writeVanishedEarlier(UidSet uids) {
        List<UidSet.Range> ranges = uids.ranges();
        for (int i = 0; i < ranges.size(); i += VANISHED_PER_LINE) {
            UidSet part = new UidSet(ranges.subList(i, Math.min(ranges.size(), i + VANISHED_PER_LINE)));
            ctx.out.star().atom("VANISHED (EARLIER) ").atom(part.toString()).crlf();
        }
    }

    private void writeVanishedEarlier(List<Long> uids) {
        List<Long> sorted = uids.stream().distinct().sorted().toList();
        for (int i = 0; i < sorted.size(); i += VANISHED_PER_LINE) {
            ctx.out.star().atom("VANISHED (EARLIER) ")
                    .atom(MessageCommands.uidList(sorted.subList(i, Math.min(sorted.size(), i + VANISHED_PER_LINE))))
                    .crlf();
        }
    }

    private void writeFlagsFetch(MailboxView view, MessageMeta m) {
        sync.noteKeywords(view, m.flags());
        ctx.out.star().number(view.seqOf(m.uid())).atom(" FETCH (UID ").number(m.uid()).atom(" FLAGS ");
        sync.writeFlags(view, m.uid(), m.flags());
        ctx.out.atom(" MODSEQ (").number(m.modSeq()).atom("))").crlf();
    }

    private static boolean within(Optional<SequenceSet> known, long uid) {
        return known.isEmpty() || inSet(known.get(), uid, Long.MAX_VALUE);
    }

    /** Whether a UID is in a UID set as the client wrote it; "*" is the largest UID ({@code max}). */
    private static boolean inSet(SequenceSet set, long uid, long max) {
        if (set.saved()) {
            return true;
        }
        for (SequenceSet.Range r : set.ranges()) {
            long lo = r.from() == SequenceSet.STAR ? max : r.from();
            long hi = r.to() == SequenceSet.STAR ? max : r.to();
            if (uid >= Math.min(lo, hi) && uid <= Math.max(lo, hi)) {
                return true;
            }
        }
        return false;
    }
}
