package jotmai.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.imap.protocol.ResponseWriter;
import jotmai.store.Changes;
import jotmai.store.Flags;
import jotmai.store.MessageMeta;
import jotmai.store.StoreChange;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/**
 * Brings a session's {@link MailboxView} up to date with the store and tells the client (RFC 9051 §7.4,
 * §5.2): pulls {@code changesSince} the view's MODSEQ, answers EXPUNGE (unless withheld, §7.4.1), EXISTS
 * and RECENT, FETCH (FLAGS) for others' flag changes, and FLAGS when a new keyword appears. The same path
 * runs before every tagged completion and whenever the change bus rings during IDLE.
 */
final class ChangeSync {
    private final SessionContext ctx;

    ChangeSync(SessionContext ctx) {
        this.ctx = ctx;
    }

    void sync(MailboxView view, boolean allowExpunge) {
        sync(view, allowExpunge, null, 0);
    }

    /**
     * The same after an IDLE wake-up rung at {@code wokenNanos}: the store work is shared with the other
     * idlers of the mailbox ({@link SharedChanges}).
     */
    void syncAfterWake(MailboxView view, SharedChanges shared, long wokenNanos) {
        sync(view, true, shared, wokenNanos);
    }

    private void sync(MailboxView view, boolean allowExpunge, SharedChanges shared, long wokenNanos) {
        Changes changes;
        long queryStarted = 0;
        try {
            if (shared == null) {
                changes = ctx.mail.changesSince(view.mailboxId, view.modSeq);
            } else {
                SharedChanges.Result r = shared.changesSince(view.mailboxId, view.modSeq, wokenNanos);
                changes = r.changes();
                queryStarted = r.startedNanos();
            }
            // issue 7: the user's own \Seen on another user's mailbox; other readers' marks stay unseen
            changes = ctx.seen.changes(view, changes, view.modSeq);
            // the view's MODSEQ is below the vanished floor (tombstones pruned while this session did
            // not look): every UID of the view that no longer exists was expunged (Changes#existing)
            if (!changes.expungesComplete()) {
                changes = changes.completedFor(view.uids());
            }
        } catch (StoreException.NotFound e) {
            // another session deleted the selected mailbox (revalidated before every completion)
            throw new ImapException.Bye("the selected mailbox was deleted");
        }
        List<MessageMeta> added = new ArrayList<>();
        List<MessageMeta> flagChanges = new ArrayList<>();
        for (StoreChange change : changes.changes()) {
            switch (change) {
                case StoreChange.Added a -> {
                    if (!view.pendingExpunges.contains(a.uid())) {
                        if (view.add(a.uid())) {
                            added.add(a.meta());
                        }
                        view.rememberMeta(a.meta());
                    }
                }
                case StoreChange.FlagsChanged f -> {
                    view.rememberMeta(f.meta()); // the row's current state (MessageMetas)
                    Long own = view.ownFlagChanges.get(f.uid());
                    if (view.seqOf(f.uid()) > 0 && (own == null || own < f.modSeq())) {
                        flagChanges.add(f.meta());
                    }
                }
                case StoreChange.Expunged e -> {
                    if (view.seqOf(e.uid()) > 0) {
                        view.pendingExpunges.add(e.uid());
                    }
                }
            }
        }
        view.modSeq = Math.max(view.modSeq, changes.highestModSeq());
        view.ownFlagChanges.clear();
        if (allowExpunge) {
            flushExpunges(view);
        }
        if (!added.isEmpty()) {
            for (MessageMeta m : added) {
                noteKeywords(view, m.flags());
            }
            if (!view.readOnly) {
                // issue 4: messages were just added, so the store need not look for unclaimed ones first
                UidSet claimed = shared == null ? ctx.mail.claimRecentAfterAdd(view.mailboxId)
                        : shared.claimRecent(view.mailboxId, queryStarted);
                claimed.stream().forEach(uid -> {
                    if (view.seqOf(uid) > 0) {
                        view.recent.add(uid);
                    }
                });
            }
            ctx.out.star().number(view.size()).atom(" EXISTS").crlf();
            if (!ctx.rev2()) {
                ctx.out.star().number(view.recent.size()).atom(" RECENT").crlf();
            }
        }
        for (MessageMeta m : flagChanges) {
            int seq = view.seqOf(m.uid());
            if (seq > 0) {
                noteKeywords(view, m.flags());
                ctx.out.star().number(seq).atom(" FETCH (");
                if (ctx.rev2() || ctx.qresync()) { // RFC 7162 §3.2.4: UID in every FETCH once QRESYNC is on
                    ctx.out.atom("UID ").number(m.uid()).sp();
                }
                ctx.out.atom("FLAGS ");
                writeFlags(view, m.uid(), m.flags());
                writeModSeq(m);
                ctx.out.close().crlf();
            }
        }
    }

    /**
     * Whether {@link #applyNewOnly} may serve this view at all: nothing withheld or remembered that the
     * full {@link #sync} would have to write or forget first, and the user's own mailbox: another user's
     * may have lost the "r" right (RFC 4314 §4, read again at each wake-up) or show private \Seen marks
     * (issue 7).
     */
    static boolean mayApplyNewOnly(MailboxView view) {
        return view.pendingExpunges.isEmpty() && view.ownFlagChanges.isEmpty() && !view.shared
                && !PrivateSeen.applies(view);
    }

    /**
     * The IDLE fan-out's short form of {@link #sync} for changes that only add messages (see
     * {@link IdleFanOut}), run by the fan-out thread while it holds the session's lock: adds the UIDs
     * and writes EXISTS, and RECENT for IMAP4rev1 (RFC 9051 §7.4.1, RFC 3501 §7.3.2) with the session's
     * unchanged \Recent count, since this path never claims. Returns the bytes written, or -1 without
     * changing anything when a change is not an addition or a new keyword needs FLAGS first (RFC 9051
     * §7.3.5): the full path does those.
     */
    int applyNewOnly(MailboxView view, Changes changes) {
        if (!changes.expungesComplete()) {
            return -1; // the full path works out the expunges the pruned tombstones no longer name
        }
        for (StoreChange c : changes.changes()) {
            if (!(c instanceof StoreChange.Added a)) {
                return -1;
            }
            for (String f : a.meta().flags()) {
                if (!f.startsWith("\\") && !view.keywords.contains(f)) {
                    return -1;
                }
            }
        }
        boolean added = false;
        for (StoreChange c : changes.changes()) {
            added |= view.add(c.uid());
            view.rememberMeta(((StoreChange.Added) c).meta());
        }
        view.modSeq = Math.max(view.modSeq, changes.highestModSeq());
        if (!added) {
            return 0;
        }
        int size = view.size();
        ctx.out.star().number(size).atom(" EXISTS").crlf();
        int bytes = 11 + digits(size);
        if (!ctx.rev2()) {
            int recent = view.recent.size();
            ctx.out.star().number(recent).atom(" RECENT").crlf();
            bytes += 11 + digits(recent);
        }
        return bytes;
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }

    /** Announces withheld expunges (allowed now). */
    void flushExpunges(MailboxView view) {
        List<Long> uids = new ArrayList<>(view.pendingExpunges);
        view.pendingExpunges.clear();
        announceExpunged(view, uids);
    }

    /**
     * Removes UIDs from the view and tells the client: EXPUNGE per message (RFC 9051 §7.5.1), or once
     * QRESYNC is enabled one VANISHED with the UIDs (RFC 7162 §3.2.10, which replaces EXPUNGE).
     */
    void announceExpunged(MailboxView view, List<Long> uids) {
        List<Long> removed = new ArrayList<>();
        for (long uid : uids) {
            view.pendingExpunges.remove(uid);
            int seq = view.remove(uid);
            if (seq > 0) {
                if (ctx.qresync()) {
                    removed.add(uid);
                } else {
                    ctx.out.star().number(seq).atom(" EXPUNGE").crlf();
                }
            }
        }
        for (int i = 0; i < removed.size(); i += Resync.VANISHED_PER_LINE) {
            List<Long> part = removed.subList(i, Math.min(removed.size(), i + Resync.VANISHED_PER_LINE));
            ctx.out.star().atom("VANISHED ").atom(MessageCommands.uidList(part.stream().sorted().toList())).crlf();
        }
    }

    /** " MODSEQ (n)" inside a FETCH once CONDSTORE is enabled (RFC 7162 §3.1.4.1, §3.1.3). */
    void writeModSeq(MessageMeta m) {
        if (ctx.condstore()) {
            ctx.out.atom(" MODSEQ (").number(m.modSeq()).atom(")");
        }
    }

    /** Writes a flag list, with \Recent for this session's recent messages (RFC 3501 §2.3.2). */
    void writeFlags(MailboxView view, long uid, Set<String> flags) {
        ResponseWriter out = ctx.out;
        out.open();
        boolean first = true;
        for (String f : flags) {
            if (!first) {
                out.sp();
            }
            out.atom(f);
            first = false;
        }
        if (!ctx.rev2() && view.isRecent(uid)) {
            if (!first) {
                out.sp();
            }
            out.atom(Flags.RECENT);
        }
        out.close();
    }

    /** Sends FLAGS and PERMANENTFLAGS again when a keyword not announced yet appears (RFC 9051 §7.3.5). */
    void noteKeywords(MailboxView view, Set<String> flags) {
        boolean changed = false;
        for (String f : flags) {
            if (!f.startsWith("\\") && view.keywords.add(f)) {
                changed = true;
            }
        }
        if (changed) {
            writeFlagsResponses(view);
        }
    }

    void writeFlagsResponses(MailboxView view) {
        List<String> all = new ArrayList<>(MailboxView.SYSTEM_FLAGS);
        all.addAll(view.keywords);
        ctx.out.star().atom("FLAGS (").atom(String.join(" ", all)).close().crlf();
        List<String> permanent = new ArrayList<>();
        if (!view.readOnly) {
            // RFC 4314 §4: only the flags this user may change (s: \Seen, t: \Deleted, w: the others)
            for (String f : all) {
                if (AclFlags.mayChange(view.rights, f)) {
                    permanent.add(f);
                }
            }
            if (view.rights.has('w')) {
                permanent.add("\\*");
            }
        }
        ctx.out.untaggedOk(ResponseCode.permanentFlags(permanent), view.readOnly ? "read-only" : "flags permitted");
    }
}
