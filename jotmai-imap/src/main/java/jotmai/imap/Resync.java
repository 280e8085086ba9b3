package jotmai.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.SequenceSet;
import jotmai.store.Changes;
import jotmai.store.MessageMeta;
import jotmai.store.StoreChange;

/**
 * RFC 7162 §3.2 quick resynchronisation: what changed since a client's MODSEQ, answered as
 * "VANISHED (EARLIER)" for expunged UIDs and FETCH (UID FLAGS MODSEQ) for changed messages. The store
 * keeps expunge tombstones for the life of the mailbox, so the VANISHED set is exact, never a guess.
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
        List<Long> vanished = new ArrayList<>();
        List<MessageMeta> changed = new ArrayList<>();
        for (StoreChange change : changes.changes()) {
            switch (change) {
                case StoreChange.Expunged e -> {
                    if (view.seqOf(e.uid()) == 0 && within(q.knownUids(), e.uid())) {
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
