package jotmai.imap;

import java.util.Locale;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.Account;
import jotmai.store.AclStore;
import jotmai.store.Rights;
import jotmai.store.StoreException;

/**
 * RFC 4314 ACL commands: SETACL (§3.1), DELETEACL (§3.2), GETACL (§3.3), LISTRIGHTS (§3.4), MYRIGHTS
 * (§3.5). Identifiers are account addresses or "anyone"; negative rights ("-identifier") are not
 * supported (§2: optional). The owner of a mailbox always has every right and cannot lose one.
 */
final class AclCommands {
    private final SessionContext ctx;

    AclCommands(SessionContext ctx) {
        this.ctx = ctx;
    }

    /**
     * RFC 4314 §2.1.1: the obsolete RFC 2086 rights map onto their successors ("c" to "k", "d" to
     * "xte"); any other unknown letter is a BAD (§3.1).
     */
    static Rights parseRights(String letters) {
        StringBuilder mapped = new StringBuilder();
        for (char c : letters.toCharArray()) {
            switch (c) {
                case 'c' -> mapped.append('k');
                case 'd' -> mapped.append("xte");
                default -> {
                    if (Rights.ORDER.indexOf(c) < 0) {
                        throw new ImapException.Bad("unknown right: " + (c < 0x20 || c > 0x7e ? "?" : String.valueOf(c)));
                    }
                    mapped.append(c);
                }
            }
        }
        return Rights.of(mapped.toString());
    }

    /** The mailbox with right "a", the only right that lets a user read or change its ACL (§4). */
    private SharedNamespace.Access administered(SessionState.LoggedIn session, String wireName) {
        return ctx.shared.require(session.account(), ctx.storeName(wireName), ResponseCode.NONEXISTENT)
                .require('a', ResponseCode.NONEXISTENT);
    }

    private String identifier(SharedNamespace.Access access, String identifier) {
        String id = identifier.strip().toLowerCase(Locale.ROOT);
        if (id.startsWith("-")) {
            throw new ImapException.No(ResponseCode.CANNOT, "negative rights are not supported");
        }
        if (id.equals(access.owner().address())) {
            throw new ImapException.No(ResponseCode.CANNOT, "the owner always has all rights");
        }
        if (!id.equals(AclStore.ANYONE) && (id.indexOf('@') <= 0 || ctx.shared.accounts().account(id).isEmpty())) {
            throw new ImapException.No(ResponseCode.CANNOT, "no such user");
        }
        return id;
    }

    /** §3.1: "+rights" adds, "-rights" removes, plain rights replace. */
    Outcome setAcl(SessionState.LoggedIn session, Command.SetAcl command) {
        SharedNamespace.Access access = administered(session, command.mailbox());
        String id = identifier(access, command.identifier());
        String mod = command.rights();
        Rights current = ctx.shared.acl().acl(access.mailbox().id()).stream().filter(e -> e.identifier().equals(id))
                .map(AclStore.AclEntry::rights).findFirst().orElse(Rights.NONE);
        Rights next;
        if (mod.startsWith("+")) {
            next = current.plus(parseRights(mod.substring(1)));
        } else if (mod.startsWith("-")) {
            next = current.minus(parseRights(mod.substring(1)));
        } else {
            next = parseRights(mod);
        }
        try {
            ctx.shared.acl().setRights(access.mailbox().id(), id, next);
        } catch (StoreException.NotFound e) {
            throw new ImapException.No(ResponseCode.NONEXISTENT, "no such mailbox");
        }
        return Outcome.of(session);
    }

    /** §3.2. */
    Outcome deleteAcl(SessionState.LoggedIn session, Command.DeleteAcl command) {
        SharedNamespace.Access access = administered(session, command.mailbox());
        String id = identifier(access, command.identifier());
        ctx.shared.acl().removeRights(access.mailbox().id(), id);
        return Outcome.of(session);
    }

    /** §3.3: "* ACL mailbox id rights ...", the owner first with every right. */
    Outcome getAcl(SessionState.LoggedIn session, Command.GetAcl command) {
        SharedNamespace.Access access = administered(session, command.mailbox());
        ctx.out.star().atom("ACL ").astring(command.mailbox()).sp().astring(access.owner().address()).sp()
                .astring(Rights.ALL.letters());
        for (AclStore.AclEntry e : ctx.shared.acl().acl(access.mailbox().id())) {
            ctx.out.sp().astring(e.identifier()).sp().astring(e.rights().letters());
        }
        ctx.out.crlf();
        return Outcome.of(session);
    }

    /**
     * §3.4: the rights always granted first, then each right that may be granted alone. The owner has
     * them all; anyone else has none by default and may get any of the eleven.
     */
    Outcome listRights(SessionState.LoggedIn session, Command.ListRights command) {
        SharedNamespace.Access access = administered(session, command.mailbox());
        String id = command.identifier().strip().toLowerCase(Locale.ROOT);
        ctx.out.star().atom("LISTRIGHTS ").astring(command.mailbox()).sp().astring(command.identifier()).sp();
        if (id.equals(access.owner().address())) {
            ctx.out.astring(Rights.ALL.letters());
        } else {
            ctx.out.string("");
            for (char c : Rights.ORDER.toCharArray()) {
                ctx.out.sp().atom(String.valueOf(c));
            }
        }
        ctx.out.crlf();
        return Outcome.of(session);
    }

    /** §3.5: any right on the mailbox lets the user ask; none makes it look nonexistent. */
    Outcome myRights(SessionState.LoggedIn session, Command.MyRights command) {
        Account user = session.account();
        SharedNamespace.Access access = ctx.shared.require(user, ctx.storeName(command.mailbox()),
                ResponseCode.NONEXISTENT);
        ctx.out.star().atom("MYRIGHTS ").astring(command.mailbox()).sp().astring(access.rights().letters()).crlf();
        return Outcome.of(session);
    }
}
