package jotmai.imap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.Literal;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.AppendResult;
import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.Mailbox;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;
import jotmai.store.UidSet;

/**
 * APPEND (RFC 9051 §6.3.12) with MULTIAPPEND (RFC 3502) and APPENDUID (RFC 4315 §3). The literal was
 * already streamed to memory or a staging file by the reader; the store takes it from there and has it
 * on stable storage before we answer OK.
 */
final class AppendCommand {
    private static final Logger log = LoggerFactory.getLogger(AppendCommand.class);
    private final SessionContext ctx;

    AppendCommand(SessionContext ctx) {
        this.ctx = ctx;
    }

    Outcome append(SessionState.LoggedIn session, Command.Append command) {
        jotmai.store.Account user = session.account();
        String name = ctx.storeName(command.mailbox());
        // issue 4: the user's own mailbox is found by name inside the store's write, not read first; all
        // rights are the user's there (RFC 4314 §4 matters only for another user's mailbox)
        boolean own = ctx.shared.locate(user, name).map(SharedNamespace.Location::own).orElse(false);
        Mailbox mailbox = null;
        jotmai.store.Rights rights = jotmai.store.Rights.ALL;
        if (!own) {
            // RFC 4314 §4: APPEND needs "i"; flags the user may not set are silently dropped
            SharedNamespace.Access access = ctx.shared.require(user, name, ResponseCode.TRYCREATE)
                    .require('i', ResponseCode.TRYCREATE);
            rights = access.rights();
            mailbox = access.mailbox();
        }
        try {
            check(command);
        } catch (ImapException e) {
            if (own && ctx.mail.mailbox(user.id(), name).isEmpty()) {
                throw noSuchMailbox(); // what a lookup before the checks answers, as for other mailboxes
            }
            throw e;
        }
        // issue 7: into another user's mailbox \Seen is the appending user's own mark
        long reader = own ? 0 : ctx.seenReader(user.id(), mailbox.accountId());
        // RFC 3502 §6.3.11: MULTIAPPEND is all or nothing. Every literal is already staged and every
        // message was checked above; if a later append still fails (quota, store error) the ones this
        // command already appended are expunged again. Window that remains: until that rollback, other
        // sessions may see them (EXISTS), and a crash in between leaves them stored.
        List<Long> uids = new ArrayList<>();
        long uidValidity = 0;
        long mailboxId = own ? 0 : mailbox.id();
        try {
            for (Command.AppendMessage m : command.messages()) {
                Set<String> flags = AclFlags.permitted(rights, Flags.canonical(new LinkedHashSet<>(m.flags())));
                boolean ownSeen = reader != 0 && flags.removeIf(f -> f.equalsIgnoreCase(Flags.SEEN));
                Instant date = m.internalDate().map(d -> d.toInstant()).orElseGet(Instant::now);
                AppendResult result;
                if (uids.isEmpty() && own) {
                    try {
                        result = ctx.mail.appendByName(user.id(), name, source(m.content()), flags, date);
                    } catch (StoreException.NotFound e) {
                        throw noSuchMailbox();
                    }
                    mailboxId = result.mailboxId();
                } else {
                    result = ctx.mail.append(mailboxId, source(m.content()), flags, date);
                }
                if (ownSeen) {
                    ctx.mail.setSeen(mailboxId, reader, UidSet.of(result.uid()), true, OptionalLong.empty());
                }
                uids.add(result.uid());
                uidValidity = result.uidValidity();
            }
        } catch (RuntimeException e) {
            rollBack(mailboxId, uids, e);
            throw e;
        }
        return Outcome.of(session, ResponseCode.appendUid(uidValidity, MessageCommands.uidList(uids)));
    }

    /** What every message must pass before anything is stored (sizes, system flags). */
    private void check(Command.Append command) {
        for (Command.AppendMessage m : command.messages()) {
            if (m.content().size() == 0) {
                throw new ImapException.No("cannot append an empty message");
            }
            if (m.content().size() > ctx.config.appendLimit()) {
                throw new ImapException.No(ResponseCode.TOOBIG, "message too large");
            }
            for (String f : m.flags()) {
                if (f.startsWith("\\") && Flags.canonical(f) == null && !f.equalsIgnoreCase(Flags.RECENT)) {
                    throw new ImapException.Bad("unknown system flag");
                }
            }
        }
    }

    /** RFC 9051 §6.3.12: a missing target mailbox is NO [TRYCREATE]. */
    private static ImapException.No noSuchMailbox() {
        return new ImapException.No(ResponseCode.TRYCREATE, "no such mailbox");
    }

    /** Expunges the messages a failed MULTIAPPEND already appended (only those: UID EXPUNGE semantics). */
    private void rollBack(long mailboxId, List<Long> uids, RuntimeException cause) {
        if (uids.isEmpty()) {
            return;
        }
        try {
            UidSet appended = UidSet.of(uids);
            ctx.mail.updateFlags(mailboxId, appended, FlagOperation.ADD, Set.of(Flags.DELETED),
                    OptionalLong.empty());
            ctx.mail.expunge(mailboxId, Optional.of(appended));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            log.error("session {}: MULTIAPPEND rollback of UIDs {} in mailbox {} failed", ctx.sessionId, uids,
                    mailboxId, e);
        }
    }

    private static MessageSource source(Literal literal) {
        return literal.file().map(MessageSource::ofFile)
                .orElseGet(() -> MessageSource.ofBytes(literal.bytes().orElseThrow()));
    }
}
