package jotmai.imap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.Rights;
import jotmai.store.MailboxStatus;
import jotmai.store.SelectState;
import jotmai.store.SpecialUse;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/** Mailbox commands of the authenticated state (RFC 9051 §6.3): SELECT, EXAMINE, CREATE, DELETE, ... */
final class MailboxCommands {
    private final SessionContext ctx;
    private final ChangeSync sync;
    private final ListCommand list;

    MailboxCommands(SessionContext ctx, ChangeSync sync) {
        this.ctx = ctx;
        this.sync = sync;
        this.list = new ListCommand(ctx);
    }

    /** RFC 9051 §6.3.2 SELECT, §6.3.3 EXAMINE; RFC 3501 §6.3.1 for RECENT and UNSEEN. */
    Outcome select(SessionState.LoggedIn session, Command.Select command) {
        long accountId = session.account().id();
        if (session instanceof SessionState.Selected) {
            // RFC 9051 §6.3.2: the old mailbox is closed first (without expunge), announced with [CLOSED]
            ctx.out.untaggedOk(ResponseCode.CLOSED, "previous mailbox closed");
        }
        if (command.qresync().isPresent() && !ctx.qresync()) {
            throw new ImapException.Bad("QRESYNC parameter without ENABLE QRESYNC"); // RFC 7162 §3.2.5
        }
        if (command.condstore()) {
            ctx.enableCondstore(); // RFC 7162 §3.1: a CONDSTORE parameter enables CONDSTORE
        }
        SessionState.Authenticated unselected = new SessionState.Authenticated(session.account());
        String name = ctx.storeName(command.mailbox());
        SharedNamespace.Access access;
        try {
            // RFC 4314 §4: SELECT and EXAMINE need "r"; without any right the mailbox does not exist
            access = ctx.shared.require(session.account(), name, ResponseCode.NONEXISTENT)
                    .require('r', ResponseCode.NONEXISTENT);
        } catch (ImapException.No no) {
            throw new NoWithState(unselected, no);
        }
        Mailbox mailbox = access.asSeen();
        // RFC 4314 §4: a user who may change no state of the mailbox gets it read-only
        boolean readOnly = command.readOnly() || !writable(access.rights());
        // The mailbox row was just read: UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ from it, no STATUS counts
        // (a scan of every message in SQLite). Its MODSEQ is from before the rows below, so a change in
        // between is announced again at the next sync (harmless), never lost.
        long uidValidity = mailbox.uidValidity();
        // issue 4: UIDs, first unseen UID and keywords only (MailStore.selectState), not every message's
        // flags: those are read by the first command that needs them (FETCH FLAGS, SEARCH UNSEEN, ...)
        // issue 7: on another user's mailbox the user's own \Seen (PrivateSeen), also for [UNSEEN]
        long seenReader = ctx.seenReader(session.account().id(), mailbox.accountId());
        SelectState state = seenReader == 0 ? ctx.mail.selectState(mailbox.id())
                : SelectState.of(ctx.seen.flagRows(mailbox.id(), seenReader));
        MailboxView view = MailboxView.sharing(mailbox.id(), mailbox.name(), uidValidity, readOnly, state.uids(),
                mailbox.highestModSeq());
        // a message appended after the mailbox row was read is in the rows: predict past it
        long uidNext = Math.max(mailbox.uidNext(), view.maxUid() + 1);
        view.rights = access.rights();
        view.examined = command.readOnly();
        view.shared = !access.own();
        view.seenReader = seenReader;
        // RFC 3501 §7.1: [UNSEEN] is the sequence number of the first unseen message
        long firstUnseen = state.firstUnseenUid() == 0 ? 0 : view.seqOf(state.firstUnseenUid());
        view.keywords.addAll(state.keywords());
        // RFC 3501 §2.3.2: SELECT claims \Recent for this session; EXAMINE (§6.3.2, read-only) reports the
        // messages nobody has claimed yet as recent but leaves them recent for the next SELECT.
        UidSet recent = readOnly ? ctx.mail.recent(mailbox.id()) : ctx.mail.claimRecent(mailbox.id());
        recent.stream().filter(u -> view.seqOf(u) > 0).forEach(view.recent::add);
        sync.writeFlagsResponses(view);
        ctx.out.star().number(view.size()).atom(" EXISTS").crlf();
        if (!ctx.rev2()) {
            ctx.out.star().number(view.recent.size()).atom(" RECENT").crlf();
            if (firstUnseen > 0) {
                ctx.out.untaggedOk(ResponseCode.unseen(firstUnseen), "first unseen");
            }
        }
        ctx.out.untaggedOk(ResponseCode.uidValidity(uidValidity), "UIDs valid");
        ctx.out.untaggedOk(ResponseCode.uidNext(uidNext), "predicted next UID");
        // RFC 7162 §3.1.2.1: every mailbox keeps MODSEQs, so HIGHESTMODSEQ goes with every SELECT/EXAMINE
        ctx.out.untaggedOk(new ResponseCode("HIGHESTMODSEQ", Long.toString(view.modSeq)), "highest");
        ctx.out.untaggedOk(new ResponseCode("MAILBOXID", ObjectIds.parenthesized(ObjectIds.mailboxId(mailbox))),
                "mailbox id"); // RFC 8474 §4.1
        if (ctx.rev2()) {
            ctx.out.star().atom("LIST () \"/\" ").astring(ctx.wireName(mailbox.name())).crlf();
        }
        command.qresync().filter(q -> q.uidValidity() == uidValidity)
                .ifPresent(q -> new Resync(ctx, sync).afterSelect(view, q));
        return Outcome.of(new SessionState.Selected(session.account(), view),
                readOnly ? ResponseCode.READ_ONLY : ResponseCode.READ_WRITE);
    }

    /**
     * The owner may change or withdraw rights while another user has the mailbox selected: they are read
     * again before each command, and without "r" the mailbox is closed ([CLOSED], RFC 9051 §7.1) and
     * the command refused.
     */
    void revalidateRights(SessionState.Selected session) {
        MailboxView view = session.view();
        if (!view.shared) {
            return;
        }
        applyRights(view, ctx.shared.acl().rights(view.mailboxId, session.account()));
        if (!view.rights.has('r')) {
            ctx.out.untaggedOk(ResponseCode.CLOSED, "access to the mailbox was withdrawn");
            throw new NoWithState(new SessionState.Authenticated(session.account()),
                    new ImapException.No(ResponseCode.NOPERM, "access to the mailbox was withdrawn"));
        }
    }

    /**
     * For IDLE, which cannot answer with a tagged NO: reads the rights again after a ring (an ACL change
     * rings the mailbox) and says whether the session may still see the mailbox's changes. Without "r"
     * nothing more is reported; the command after DONE closes the mailbox ({@link #revalidateRights}).
     */
    boolean mayStillRead(SessionState.Selected session) {
        MailboxView view = session.view();
        if (!view.shared) {
            return true;
        }
        applyRights(view, ctx.shared.acl().rights(view.mailboxId, session.account()));
        return view.rights.has('r');
    }

    /** RFC 4314 §4: any of "s w t e" lets the user change the mailbox, so SELECT opens it read-write. */
    private static boolean writable(Rights rights) {
        return rights.has('s') || rights.has('w') || rights.has('t') || rights.has('e');
    }

    /**
     * New rights of a selected shared mailbox. RFC 9051 §7.1: READ-ONLY and READ-WRITE also say that the
     * access of the selected mailbox changed, so a session that lost (or regained) every right to change
     * it hears so at once (an EXAMINEd mailbox stays read-only). Nothing is said once "r" is gone: the
     * caller closes the mailbox then.
     */
    private void applyRights(MailboxView view, Rights rights) {
        Rights before = view.rights;
        view.rights = rights;
        if (!rights.has('r')) {
            return;
        }
        boolean readOnly = view.examined || !writable(rights);
        boolean accessChanged = readOnly != view.readOnly;
        if (accessChanged) {
            view.readOnly = readOnly;
            ctx.out.untaggedOk(readOnly ? ResponseCode.READ_ONLY : ResponseCode.READ_WRITE,
                    readOnly ? "access to the mailbox is now read-only" : "access to the mailbox is now read-write");
        }
        // RFC 4314 §4: PERMANENTFLAGS lists what s, t and w allow; tell the client when that changed
        if (accessChanged || !readOnly && (before.has('s') != rights.has('s') || before.has('t') != rights.has('t')
                || before.has('w') != rights.has('w'))) {
            sync.writeFlagsResponses(view);
        }
    }

    /** A NO that also changes the state (a failed SELECT leaves no mailbox selected, RFC 9051 §6.3.2). */
    static final class NoWithState extends RuntimeException {
        final SessionState state;
        final ImapException.No no;

        NoWithState(SessionState state, ImapException.No no) {
            super(no.getMessage(), null, false, false);
            this.state = state;
            this.no = no;
        }
    }

    /** RFC 9051 §6.3.4, RFC 6154 §3 (CREATE ... USE). Missing parents are created too. */
    Outcome create(SessionState.LoggedIn session, Command.Create command) {
        long accountId = session.account().id();
        String name = ctx.storeName(command.mailbox());
        if (name.equalsIgnoreCase(Mailbox.INBOX)) {
            throw new ImapException.No(ResponseCode.ALREADYEXISTS, "INBOX always exists");
        }
        MailboxNames.checkCreatable(name);
        Optional<SpecialUse> use = Optional.empty();
        if (command.specialUse().size() > 1) {
            throw new ImapException.No(ResponseCode.of("USEATTR"), "only one special use per mailbox");
        }
        for (String attr : command.specialUse()) {
            use = SpecialUse.fromAttribute(attr);
            if (use.isEmpty()) {
                throw new ImapException.No(ResponseCode.of("USEATTR"), "unsupported special use");
            }
        }
        if (SharedNamespace.inSharedNamespace(name)) {
            return createShared(session, name, use);
        }
        if (ctx.mail.mailbox(accountId, name).isPresent()) {
            throw new ImapException.No(ResponseCode.ALREADYEXISTS, "mailbox exists");
        }
        int slash = -1;
        while ((slash = name.indexOf(Mailbox.DELIMITER, slash + 1)) > 0) {
            String parent = name.substring(0, slash);
            if (ctx.mail.mailbox(accountId, parent).isEmpty()) {
                try {
                    ctx.mail.createMailbox(accountId, parent, Optional.empty());
                } catch (StoreException.AlreadyExists ignored) {
                    // created concurrently: fine
                }
            }
        }
        Mailbox created = ctx.mail.createMailbox(accountId, name, use);
        // RFC 8474 §4.1: CREATE's OK carries the new MAILBOXID
        return Outcome.of(session, new ResponseCode("MAILBOXID", ObjectIds.parenthesized(ObjectIds.mailboxId(created))));
    }

    /**
     * RFC 4314 §4 CREATE in another user's hierarchy: "k" on the parent, which must exist (parents are
     * not created there); the new mailbox belongs to the parent's owner.
     */
    private Outcome createShared(SessionState.LoggedIn session, String name, Optional<SpecialUse> use) {
        int slash = name.lastIndexOf(Mailbox.DELIMITER);
        SharedNamespace.Access parent = ctx.shared.find(session.account(), name.substring(0, Math.max(slash, 0)))
                .orElseThrow(() -> new ImapException.No(ResponseCode.NOPERM, "cannot create mailboxes here"));
        parent.require('k', ResponseCode.NONEXISTENT);
        if (ctx.shared.find(session.account(), name).isPresent()) {
            throw new ImapException.No(ResponseCode.ALREADYEXISTS, "mailbox exists");
        }
        ctx.mail.createMailbox(parent.mailbox().accountId(),
                parent.mailbox().name() + Mailbox.DELIMITER + name.substring(slash + 1), use);
        return Outcome.of(session);
    }

    /** RFC 9051 §6.3.5; RFC 4314 §4: "x" on another user's mailbox. */
    Outcome delete(SessionState.LoggedIn session, Command.Delete command) {
        String name = ctx.storeName(command.mailbox());
        if (name.equals(Mailbox.INBOX)) {
            throw new ImapException.No(ResponseCode.CANNOT, "INBOX cannot be deleted");
        }
        SharedNamespace.Access access = ctx.shared.require(session.account(), name, ResponseCode.NONEXISTENT)
                .require('x', ResponseCode.NONEXISTENT);
        Mailbox mailbox = access.mailbox();
        ctx.mail.deleteMailbox(mailbox.accountId(), mailbox.name());
        if (session instanceof SessionState.Selected sel && sel.view().mailboxId == mailbox.id()) {
            ctx.out.untaggedOk(ResponseCode.CLOSED, "selected mailbox deleted");
            return Outcome.of(new SessionState.Authenticated(session.account()));
        }
        return Outcome.of(session);
    }

    /** RFC 9051 §6.3.6 (INBOX: messages move, INBOX stays). */
    Outcome rename(SessionState.LoggedIn session, Command.Rename command) {
        String from = ctx.storeName(command.from());
        String to = ctx.storeName(command.to());
        if (SharedNamespace.inSharedNamespace(from) || SharedNamespace.inSharedNamespace(to)) {
            return renameShared(session, from, to);
        }
        long accountId = session.account().id();
        ctx.requireMailbox(accountId, from, ResponseCode.NONEXISTENT);
        MailboxNames.checkCreatable(to);
        if (to.equals(Mailbox.INBOX) || ctx.mail.mailbox(accountId, to).isPresent()) {
            throw new ImapException.No(ResponseCode.ALREADYEXISTS, "target mailbox exists");
        }
        if (!from.equals(Mailbox.INBOX) && (to + "/").startsWith(from + "/")) {
            throw new ImapException.No(ResponseCode.CANNOT, "cannot rename a mailbox into itself");
        }
        int slash = -1;
        while ((slash = to.indexOf(Mailbox.DELIMITER, slash + 1)) > 0) {
            String parent = to.substring(0, slash);
            if (ctx.mail.mailbox(accountId, parent).isEmpty()) {
                ctx.mail.createMailbox(accountId, parent, Optional.empty());
            }
        }
        ctx.mail.renameMailbox(accountId, from, to);
        return Outcome.of(session);
    }

    /**
     * RFC 4314 §4 RENAME within one other user's hierarchy: "x" on the source and "k" on the new parent
     * (which must exist). Moving a mailbox between owners is refused: it would be a copy and a delete.
     */
    private Outcome renameShared(SessionState.LoggedIn session, String from, String to) {
        SharedNamespace.Access source = ctx.shared.require(session.account(), from, ResponseCode.NONEXISTENT)
                .require('x', ResponseCode.NONEXISTENT);
        int slash = to.lastIndexOf(Mailbox.DELIMITER);
        Optional<SharedNamespace.Location> target = ctx.shared.locate(session.account(), to);
        if (target.isEmpty() || target.get().owner().id() != source.mailbox().accountId() || slash < 0) {
            throw new ImapException.No(ResponseCode.CANNOT, "cannot move a mailbox to another owner");
        }
        SharedNamespace.Access parent = ctx.shared.find(session.account(), to.substring(0, slash))
                .orElseThrow(() -> new ImapException.No(ResponseCode.NOPERM, "cannot create mailboxes here"));
        parent.require('k', ResponseCode.NONEXISTENT);
        if (ctx.shared.find(session.account(), to).isPresent()) {
            throw new ImapException.No(ResponseCode.ALREADYEXISTS, "target mailbox exists");
        }
        ctx.mail.renameMailbox(source.mailbox().accountId(), source.mailbox().name(), target.get().ownerName());
        return Outcome.of(session);
    }

    /** RFC 9051 §6.3.7, §6.3.8; a shared mailbox needs "l" to be subscribed (RFC 4314 §4). */
    Outcome subscribe(SessionState.LoggedIn session, Command.Subscribe command) {
        String name = ctx.storeName(command.mailbox());
        if (command.subscribe() && ctx.shared.find(session.account(), name).filter(a -> a.rights().has('l')).isEmpty()) {
            throw new ImapException.No(ResponseCode.NONEXISTENT, "no such mailbox");
        }
        ctx.mail.setSubscribed(session.account().id(), name, command.subscribe());
        return Outcome.of(session);
    }

    Outcome list(SessionState.LoggedIn session, Command.ListMailboxes command) {
        list.list(session.account(), command, (mailbox, items) -> writeStatus(session, mailbox, items));
        return Outcome.of(session);
    }

    /** RFC 9051 §6.3.11, RFC 8438 SIZE; RFC 4314 §4: "r" on another user's mailbox. */
    Outcome status(SessionState.LoggedIn session, Command.Status command) {
        String name = ctx.storeName(command.mailbox());
        if (!SharedNamespace.inSharedNamespace(name)) {
            // issue 4: an own mailbox (every right, as SharedNamespace.find gives it) is looked up, counted
            // and its RECENT count read in one read transaction instead of three
            boolean withRecent = command.items().contains(Command.StatusItem.RECENT);
            MailStore.NamedStatus named = ctx.mail.statusByName(session.account().id(), name, withRecent)
                    .orElseThrow(() -> new ImapException.No(ResponseCode.NONEXISTENT, "no such mailbox"));
            writeStatus(session, named.mailbox(), command.items(), named.status(), named.unclaimedRecent());
            return Outcome.of(session);
        }
        Mailbox mailbox = ctx.shared.require(session.account(), name, ResponseCode.NONEXISTENT)
                .require('r', ResponseCode.NONEXISTENT).asSeen();
        writeStatus(session, mailbox, command.items());
        return Outcome.of(session);
    }

    void writeStatus(SessionState.LoggedIn session, Mailbox mailbox, List<Command.StatusItem> items) {
        MailboxStatus s = ctx.mail.status(mailbox.id());
        long unclaimed = items.contains(Command.StatusItem.RECENT) ? ctx.mail.recent(mailbox.id()).count() : 0;
        writeStatus(session, mailbox, items, s, unclaimed);
    }

    private void writeStatus(SessionState.LoggedIn session, Mailbox mailbox, List<Command.StatusItem> items,
            MailboxStatus s, long unclaimedRecent) {
        long recent = items.contains(Command.StatusItem.RECENT) ? recentCount(session, mailbox, unclaimedRecent) : 0;
        List<String> parts = new ArrayList<>();
        for (Command.StatusItem item : items) {
            if (item == Command.StatusItem.MAILBOXID) {
                parts.add("MAILBOXID " + ObjectIds.parenthesized(ObjectIds.mailboxId(mailbox))); // RFC 8474 §4.2
                continue;
            }
            long value = switch (item) {
                case MESSAGES -> s.messages();
                case UIDNEXT -> s.uidNext();
                case UIDVALIDITY -> s.uidValidity();
                // issue 7: per user on another user's mailbox
                case UNSEEN -> ctx.seen.unseen(mailbox.id(), ctx.seenReader(session.account().id(),
                        mailbox.accountId()), s.messages(), s.unseen());
                case DELETED -> s.deleted();
                case SIZE -> s.size();
                case RECENT -> recent;
                case HIGHESTMODSEQ -> s.highestModSeq();
                case MAILBOXID -> throw new IllegalStateException("written above");
            };
            parts.add(item.name() + " " + value);
        }
        ctx.out.star().atom("STATUS ").astring(ctx.wireName(mailbox.name())).atom(" (")
                .atom(String.join(" ", parts)).close().crlf();
    }

    /**
     * STATUS RECENT (RFC 3501 §6.3.10) counts without claiming: the messages no session has claimed yet,
     * plus, for the mailbox this session has selected, the ones this session claimed (they are recent
     * for it, RFC 3501 §2.3.2).
     */
    private static long recentCount(SessionState.LoggedIn session, Mailbox mailbox, long unclaimed) {
        if (session instanceof SessionState.Selected selected && selected.view().mailboxId == mailbox.id()) {
            return unclaimed + selected.view().recent.size();
        }
        return unclaimed;
    }
}
