package jotmai.imap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.CopyResult;
import jotmai.store.FlagOperation;
import jotmai.store.FlagResult;
import jotmai.store.Flags;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;

/** STORE, COPY, MOVE, EXPUNGE, UID EXPUNGE and CLOSE (RFC 9051 §6.4, RFC 6851, RFC 4315). */
final class MessageCommands {
    /** Messages per store call when reading flags back after STORE. */
    static final int BATCH = 1000;

    private final SessionContext ctx;
    private final ChangeSync sync;

    MessageCommands(SessionContext ctx, ChangeSync sync) {
        this.ctx = ctx;
        this.sync = sync;
    }

    /** RFC 9051 §6.4.6 STORE. */
    Outcome store(SessionState.Selected session, Command.Store command) {
        MailboxView view = session.view();
        UidSet uids = view.resolve(command.set(), command.uid());
        if (view.readOnly) {
            throw new ImapException.No(ResponseCode.of("READ-ONLY"), "mailbox is read-only");
        }
        Set<String> flags = Flags.canonical(new java.util.LinkedHashSet<>(command.flags()));
        for (String f : command.flags()) {
            if (f.startsWith("\\") && Flags.canonical(f) == null && !f.equalsIgnoreCase(Flags.RECENT)) {
                throw new ImapException.Bad("unknown system flag");
            }
        }
        if (command.unchangedSince().isPresent()) {
            ctx.enableCondstore(); // RFC 7162 §3.1: first CONDSTORE-using command enables it
        }
        if (uids.isEmpty()) {
            return Outcome.of(session);
        }
        FlagResult result = PrivateSeen.applies(view) ? storeAsReader(view, uids, command, flags)
                : AclFlags.all(view.rights)
                ? ctx.mail.updateFlags(view.mailboxId, uids, switch (command.mode()) {
                    case REPLACE -> FlagOperation.REPLACE;
                    case ADD -> FlagOperation.ADD;
                    case REMOVE -> FlagOperation.REMOVE;
                }, flags, command.unchangedSince())
                : storeRestricted(view, view.rights, uids, command.mode(), flags, command.unchangedSince());
        Map<Long, MessageMeta> updated = new HashMap<>();
        for (MessageMeta m : result.updated()) {
            updated.put(m.uid(), m);
            view.ownFlagChanges.put(m.uid(), m.modSeq());
            sync.noteKeywords(view, m.flags());
        }
        if (!command.silent()) {
            // RFC 9051 §6.4.6: the new flags of every message in the set, changed or not; RFC 7162
            // §3.1.3: not those that failed the UNCHANGEDSINCE test
            writeFlagsOf(view, without(uids, result.modified()), updated, command.uid() || ctx.qresync());
        } else if (ctx.condstore()) {
            // RFC 7162 §3.1.3: with .SILENT, still a FETCH (MODSEQ) for each message actually changed
            for (MessageMeta m : result.updated()) {
                int seq = view.seqOf(m.uid());
                if (seq > 0) {
                    ctx.out.star().number(seq).atom(" FETCH (");
                    if (command.uid() || ctx.qresync()) {
                        ctx.out.atom("UID ").number(m.uid()).sp();
                    }
                    ctx.out.atom("MODSEQ (").number(m.modSeq()).atom("))").crlf();
                }
            }
        }
        if (!result.modified().isEmpty()) {
            List<Long> modified = new ArrayList<>();
            result.modified().stream().forEach(uid -> {
                if (command.uid()) {
                    modified.add(uid);
                } else if (view.seqOf(uid) > 0) {
                    modified.add((long) view.seqOf(uid));
                }
            });
            return Outcome.of(session, new ResponseCode("MODIFIED", uidList(modified.stream().sorted().toList())));
        }
        return Outcome.of(session);
    }

    /**
     * RFC 4314 §4: STORE on a shared mailbox changes only the flags the user has rights for and leaves
     * the others silently alone. A replace becomes "add the permitted flags asked for" plus "remove the
     * permitted flags not asked for" (the known keywords and system flags), so flags the user may not
     * touch keep their values.
     */
    private FlagResult storeRestricted(MailboxView view, jotmai.store.Rights rights, UidSet uids,
                                       Command.StoreMode mode, Set<String> flags, OptionalLong unchangedSince) {
        Set<String> permitted = AclFlags.permitted(rights, flags);
        return switch (mode) {
            case ADD -> ctx.mail.updateFlags(view.mailboxId, uids, FlagOperation.ADD, permitted, unchangedSince);
            case REMOVE -> ctx.mail.updateFlags(view.mailboxId, uids, FlagOperation.REMOVE, permitted,
                    unchangedSince);
            case REPLACE -> {
                Set<String> clear = new java.util.LinkedHashSet<>(MailboxView.SYSTEM_FLAGS);
                clear.addAll(view.keywords);
                clear = AclFlags.permitted(rights, clear);
                clear.removeIf(f -> permitted.stream().anyMatch(p -> p.equalsIgnoreCase(f)));
                FlagResult added = ctx.mail.updateFlags(view.mailboxId, uids, FlagOperation.ADD, permitted,
                        unchangedSince);
                UidSet rest = without(uids, added.modified());
                FlagResult removed = rest.isEmpty() ? added
                        : ctx.mail.updateFlags(view.mailboxId, rest, FlagOperation.REMOVE, clear, OptionalLong.empty());
                Map<Long, MessageMeta> latest = new java.util.TreeMap<>();
                added.updated().forEach(m -> latest.put(m.uid(), m));
                if (removed != added) {
                    removed.updated().forEach(m -> latest.put(m.uid(), m));
                }
                yield new FlagResult(List.copyOf(latest.values()), added.modified());
            }
        };
    }

    /**
     * Issue 7: STORE by a user on another user's mailbox with per-user \Seen. \Seen goes to the user's
     * own marks (needs "s", RFC 4314 §4), every other flag to the message as on any shared mailbox
     * ({@link #storeRestricted}, without ever touching the owner's \Seen). UNCHANGEDSINCE (RFC 7162
     * §3.1.3) is tested against the MODSEQ the user sees, the larger of the message's and its mark's.
     * Two store calls: a crash between them may keep one half (flag changes are relaxed writes anyway).
     */
    private FlagResult storeAsReader(MailboxView view, UidSet uids, Command.Store command, Set<String> flags) {
        boolean seenAsked = flags.stream().anyMatch(f -> f.equalsIgnoreCase(Flags.SEEN));
        Set<String> others = new java.util.LinkedHashSet<>(flags);
        others.removeIf(f -> f.equalsIgnoreCase(Flags.SEEN));
        OptionalLong since = command.unchangedSince();
        List<Long> modified = new ArrayList<>();
        UidSet targets = uids;
        if (since.isPresent()) {
            for (MessageMeta m : ctx.seen.messages(view, uids)) {
                if (m.modSeq() > since.getAsLong()) {
                    modified.add(m.uid());
                }
            }
            targets = without(uids, UidSet.of(modified));
        }
        java.util.SortedSet<Long> changed = new java.util.TreeSet<>();
        jotmai.store.Rights othersRights = view.rights.minus(jotmai.store.Rights.of("s"));
        boolean touchOthers = command.mode() == Command.StoreMode.REPLACE
                ? othersRights.has('w') || othersRights.has('t') : !AclFlags.permitted(othersRights, others).isEmpty();
        if (!targets.isEmpty() && touchOthers) {
            FlagResult r = storeRestricted(view, othersRights, targets, command.mode(), others, since);
            r.updated().forEach(m -> changed.add(m.uid()));
            r.modified().stream().forEach(modified::add);
            targets = without(targets, r.modified());
        }
        // ADD sets \Seen if asked, REMOVE clears it if asked, REPLACE sets it to whether it was asked
        boolean touchSeen = view.rights.has('s') && (seenAsked || command.mode() == Command.StoreMode.REPLACE);
        if (!targets.isEmpty() && touchSeen) {
            boolean seen = command.mode() != Command.StoreMode.REMOVE && seenAsked;
            jotmai.store.SeenUpdate s = ctx.seen.setSeen(view, targets, seen, since);
            s.updated().forEach(m -> changed.add(m.uid()));
            s.modified().stream().forEach(modified::add);
        }
        List<MessageMeta> updated = changed.isEmpty() ? List.of() : ctx.seen.messages(view, UidSet.of(changed));
        return new FlagResult(updated, UidSet.of(modified));
    }

    private void writeFlagsOf(MailboxView view, UidSet uids, Map<Long, MessageMeta> known, boolean withUid) {
        List<Long> missing = new ArrayList<>();
        uids.stream().filter(u -> !known.containsKey(u)).limit(10_000_000).forEach(missing::add);
        Map<Long, MessageMeta> all = new HashMap<>(known);
        for (int i = 0; i < missing.size(); i += BATCH) {
            for (MessageMeta m : ctx.seen.messages(view, UidSet.of(missing.subList(i,
                    Math.min(missing.size(), i + BATCH))))) {
                all.put(m.uid(), m);
            }
        }
        uids.stream().forEach(uid -> {
            MessageMeta m = all.get(uid);
            int seq = view.seqOf(uid);
            if (m == null || seq == 0) {
                return; // expunged meanwhile; the EXPUNGE will follow
            }
            ctx.out.star().number(seq).atom(" FETCH (");
            if (withUid) {
                ctx.out.atom("UID ").number(uid).sp();
            }
            ctx.out.atom("FLAGS ");
            sync.writeFlags(view, uid, m.flags());
            sync.writeModSeq(m);
            ctx.out.close().crlf();
        });
    }

    /** RFC 9051 §6.4.7 COPY, RFC 6851 MOVE, RFC 4315 §3 COPYUID. */
    Outcome copy(SessionState.Selected session, Command.Copy command) {
        MailboxView view = session.view();
        UidSet uids = view.resolve(command.set(), command.uid());
        // RFC 4314 §4: the target needs "i"; MOVE also needs "t" and "e" on the source (RFC 6851 §3.3)
        SharedNamespace.Access targetAccess = ctx.shared.require(session.account(), ctx.storeName(command.mailbox()),
                ResponseCode.TRYCREATE).require('i', ResponseCode.TRYCREATE);
        Mailbox target = targetAccess.mailbox();
        if (command.move() && view.readOnly) {
            throw new ImapException.No(ResponseCode.of("READ-ONLY"), "mailbox is read-only");
        }
        if (command.move() && !view.rights.hasAll("te")) {
            throw new ImapException.No(ResponseCode.NOPERM, "permission denied (rights t and e needed)");
        }
        if (uids.isEmpty()) {
            return new Outcome(session, null, "no messages");
        }
        // issue 7: the copies keep \Seen as this user saw it (read before a MOVE removes the marks)
        long targetReader = ctx.seenReader(session.account().id(), target.accountId());
        Set<Long> seenBefore = PrivateSeen.applies(view) || targetReader != 0 ? seenAsUserSees(view, uids) : null;
        CopyResult result = command.move() ? ctx.mail.move(view.mailboxId, uids, target.id())
                : ctx.mail.copy(view.mailboxId, uids, target.id());
        if (result.mappings().isEmpty()) {
            return new Outcome(session, null, "no messages");
        }
        if (seenBefore != null) {
            carrySeen(view, target, targetReader, targetAccess.rights(), result, seenBefore);
        }
        List<Long> sources = result.mappings().stream().map(CopyResult.UidMapping::sourceUid).toList();
        List<Long> destinations = result.mappings().stream().map(CopyResult.UidMapping::destinationUid).toList();
        if (!AclFlags.all(targetAccess.rights())) {
            dropForbiddenFlags(target, destinations, targetAccess.rights());
        }
        ResponseCode copyUid = ResponseCode.copyUid(result.destinationUidValidity(), uidList(sources),
                uidList(destinations));
        if (!command.move()) {
            return Outcome.of(session, copyUid);
        }
        // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs
        ctx.out.untaggedOk(copyUid, "moved");
        sync.announceExpunged(view, sources);
        return Outcome.of(session);
    }

    /**
     * RFC 4314 §4: COPY/MOVE into a mailbox where the user may not set some flags stores the copies
     * without them (the store copies flags as they are, so they are cleared right after; other sessions
     * may see them for that moment).
     */
    private void dropForbiddenFlags(Mailbox target, List<Long> uids, jotmai.store.Rights rights) {
        Set<String> forbidden = new java.util.TreeSet<>();
        for (int i = 0; i < uids.size(); i += BATCH) {
            for (MessageMeta m : ctx.mail.messages(target.id(), UidSet.of(uids.subList(i, Math.min(uids.size(), i + BATCH))))) {
                m.flags().stream().filter(f -> !AclFlags.mayChange(rights, f)).forEach(forbidden::add);
            }
        }
        if (!forbidden.isEmpty()) {
            ctx.mail.updateFlags(target.id(), UidSet.of(uids), FlagOperation.REMOVE, forbidden, OptionalLong.empty());
        }
    }

    private Set<Long> seenAsUserSees(MailboxView view, UidSet uids) {
        Set<Long> seen = new java.util.HashSet<>();
        List<Long> all = new ArrayList<>();
        uids.stream().limit(10_000_000).forEach(all::add);
        for (int i = 0; i < all.size(); i += BATCH) {
            for (MessageMeta m : ctx.seen.messages(view, UidSet.of(all.subList(i, Math.min(all.size(), i + BATCH))))) {
                if (m.hasFlag(Flags.SEEN)) {
                    seen.add(m.uid());
                }
            }
        }
        return seen;
    }

    /**
     * Issue 7: into another user's mailbox with per-user \Seen the user's \Seen becomes its own mark
     * there (with "s" on the target) and the copies are unseen for the target's owner. Out
     * of a mailbox where the user had its own \Seen into its own mailbox, the copies' \Seen flag is
     * set to what the user saw.
     */
    private void carrySeen(MailboxView view, Mailbox target, long targetReader, jotmai.store.Rights targetRights,
                           CopyResult result, Set<Long> seenBefore) {
        List<Long> seen = new ArrayList<>();
        List<Long> unseen = new ArrayList<>();
        for (CopyResult.UidMapping m : result.mappings()) {
            (seenBefore.contains(m.sourceUid()) ? seen : unseen).add(m.destinationUid());
        }
        if (targetReader != 0) {
            if (targetRights.has('s') && !seen.isEmpty()) {
                ctx.mail.setSeen(target.id(), targetReader, UidSet.of(seen), true, OptionalLong.empty());
            }
            // the message flags are the target owner's \Seen, and the owner has not seen these copies
            // (as with APPEND into another user's mailbox); without this the copier's own \Seen flag
            // from its mailbox, or the source owner's, would mark them read for the owner
            if (!seen.isEmpty() || PrivateSeen.applies(view)) {
                List<Long> all = new ArrayList<>(seen);
                all.addAll(unseen);
                ctx.mail.updateFlags(target.id(), UidSet.of(all), FlagOperation.REMOVE, Set.of(Flags.SEEN),
                        OptionalLong.empty());
            }
        } else if (PrivateSeen.applies(view)) {
            if (!seen.isEmpty()) {
                ctx.mail.updateFlags(target.id(), UidSet.of(seen), FlagOperation.ADD, Set.of(Flags.SEEN),
                        OptionalLong.empty());
            }
            if (!unseen.isEmpty()) {
                ctx.mail.updateFlags(target.id(), UidSet.of(unseen), FlagOperation.REMOVE, Set.of(Flags.SEEN),
                        OptionalLong.empty());
            }
        }
    }

    private static UidSet without(UidSet uids, UidSet removed) {
        if (removed.isEmpty()) {
            return uids;
        }
        return UidSet.of(uids.stream().filter(u -> !removed.contains(u)).boxed().toList());
    }

    /** UIDs in the order given, as a comma list with ranges where consecutive (RFC 4315 uid-set). */
    static String uidList(List<Long> uids) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < uids.size()) {
            int j = i;
            while (j + 1 < uids.size() && uids.get(j + 1) == uids.get(j) + 1) {
                j++;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(uids.get(i));
            if (j > i) {
                sb.append(':').append(uids.get(j));
            }
            i = j + 1;
        }
        return sb.toString();
    }

    /** RFC 9051 §6.4.3 EXPUNGE, RFC 4315 §2.1 UID EXPUNGE. */
    Outcome expunge(SessionState.Selected session, Command.Expunge command) {
        MailboxView view = session.view();
        if (view.readOnly) {
            throw new ImapException.No(ResponseCode.of("READ-ONLY"), "mailbox is read-only");
        }
        if (!view.rights.has('e')) {
            throw new ImapException.No(ResponseCode.NOPERM, "permission denied (right e needed)"); // RFC 4314 §4
        }
        Optional<UidSet> only = command.uids().map(set -> view.resolve(set, true));
        if (only.isPresent() && only.get().isEmpty()) {
            return Outcome.of(session);
        }
        // issue 4: the view, brought up to date (free when no commit touched the mailbox since the last
        // sync), may already know the answer to the store's "is anything \Deleted here?" (MessageMetas)
        Boolean deleted = null;
        if (!PrivateSeen.applies(view)) {
            sync.sync(view, true);
            deleted = knownDeleted(view, only);
        }
        if (Boolean.FALSE.equals(deleted)) {
            return Outcome.of(session);
        }
        List<Long> expunged = Boolean.TRUE.equals(deleted) ? ctx.mail.expungeKnownDeleted(view.mailboxId, only)
                : ctx.mail.expunge(view.mailboxId, only);
        sync.announceExpunged(view, expunged);
        return Outcome.of(session);
    }

    /**
     * Whether a message in scope has \Deleted by the rows the view remembers: TRUE as soon as one does,
     * FALSE when every row is known and none does, null when some row is not known.
     */
    private static Boolean knownDeleted(MailboxView view, Optional<UidSet> only) {
        boolean allKnown = true;
        int size = view.size();
        java.util.PrimitiveIterator.OfLong scope = only.isPresent() ? only.get().stream().iterator() : null;
        for (int seq = 1; scope != null ? scope.hasNext() : seq <= size; seq++) {
            long uid = scope != null ? scope.nextLong() : view.uidAt(seq);
            MessageMeta m = view.knownMeta(uid);
            if (m == null) {
                allKnown = false;
            } else if (m.hasFlag(Flags.DELETED)) {
                return Boolean.TRUE;
            }
        }
        return allKnown ? Boolean.FALSE : null;
    }

    /** RFC 9051 §6.4.1 CLOSE: silent expunge when read-write, then back to authenticated. */
    Outcome close(SessionState.Selected session) {
        MailboxView view = session.view();
        if (!view.readOnly && view.rights.has('e')) { // RFC 4314 §4: without "e" CLOSE just closes
            ctx.mail.expunge(view.mailboxId, Optional.empty());
        }
        return Outcome.of(new SessionState.Authenticated(session.account()));
    }
}
