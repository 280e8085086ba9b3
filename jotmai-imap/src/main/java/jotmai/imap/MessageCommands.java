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
        FlagResult result = AclFlags.all(view.rights)
                ? ctx.mail.updateFlags(view.mailboxId, uids, switch (command.mode()) {
                    case REPLACE -> FlagOperation.REPLACE;
                    case ADD -> FlagOperation.ADD;
                    case REMOVE -> FlagOperation.REMOVE;
                }, flags, command.unchangedSince())
                : storeRestricted(view, uids, command, flags);
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
    private FlagResult storeRestricted(MailboxView view, UidSet uids, Command.Store command, Set<String> flags) {
        Set<String> permitted = AclFlags.permitted(view.rights, flags);
        return switch (command.mode()) {
            case ADD -> ctx.mail.updateFlags(view.mailboxId, uids, FlagOperation.ADD, permitted, command.unchangedSince());
            case REMOVE -> ctx.mail.updateFlags(view.mailboxId, uids, FlagOperation.REMOVE, permitted,
                    command.unchangedSince());
            case REPLACE -> {
                Set<String> clear = new java.util.LinkedHashSet<>(MailboxView.SYSTEM_FLAGS);
                clear.addAll(view.keywords);
                clear = AclFlags.permitted(view.rights, clear);
                clear.removeIf(f -> permitted.stream().anyMatch(p -> p.equalsIgnoreCase(f)));
                FlagResult added = ctx.mail.updateFlags(view.mailboxId, uids, FlagOperation.ADD, permitted,
                        command.unchangedSince());
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

    private void writeFlagsOf(MailboxView view, UidSet uids, Map<Long, MessageMeta> known, boolean withUid) {
        List<Long> missing = new ArrayList<>();
        uids.stream().filter(u -> !known.containsKey(u)).limit(10_000_000).forEach(missing::add);
        Map<Long, MessageMeta> all = new HashMap<>(known);
        for (int i = 0; i < missing.size(); i += BATCH) {
            for (MessageMeta m : ctx.mail.messages(view.mailboxId, UidSet.of(missing.subList(i,
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
        CopyResult result = command.move() ? ctx.mail.move(view.mailboxId, uids, target.id())
                : ctx.mail.copy(view.mailboxId, uids, target.id());
        if (result.mappings().isEmpty()) {
            return new Outcome(session, null, "no messages");
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
        List<Long> expunged = ctx.mail.expunge(view.mailboxId, only);
        sync.announceExpunged(view, expunged);
        return Outcome.of(session);
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
