package jotmai.imap;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.Account;
import jotmai.store.QuotaUsage;

/**
 * RFC 9208 QUOTA: one quota root per account, with the resources STORAGE (§5.1) and MESSAGE (§5.2),
 * both counted over all the account's mailboxes. A user sees its own root, named "" (§3.1).
 *
 * <p>Administrators (config {@code imap.admins}, {@link ImapConfig#admins()}) also address every other
 * account's root by the account's address, e.g. {@code GETQUOTA "bob@example.com"}, and may change any
 * root with SETQUOTA (§4.1.3, advertised to them as QUOTASET). For everyone else SETQUOTA is
 * {@code NO [NOPERM]} and a root other than "" does not exist, so an address's existence does not leak.
 */
final class QuotaCommands {
    private static final Logger log = LoggerFactory.getLogger(QuotaCommands.class);

    static final String ROOT = "";
    static final String STORAGE = "STORAGE";
    static final String MESSAGE = "MESSAGE";
    /** The largest STORAGE limit in KiB whose octet count fits a long. */
    static final long MAX_STORAGE_KIB = Long.MAX_VALUE / 1024;

    private final SessionContext ctx;

    QuotaCommands(SessionContext ctx) {
        this.ctx = ctx;
    }

    /**
     * RFC 9208 §4.1.2: QUOTAROOT, then QUOTA for each root. Another user's mailbox (RFC 4314 "r" needed,
     * without "l" it does not exist) counts against its owner's root: named to administrators, left out
     * for everyone else ("* QUOTAROOT mailbox" with no root), since they cannot read it.
     */
    Outcome getQuotaRoot(SessionState.LoggedIn session, Command.GetQuotaRoot command) {
        SharedNamespace.Access access = ctx.shared
                .require(session.account(), ctx.storeName(command.mailbox()), ResponseCode.NONEXISTENT)
                .require('r', ResponseCode.NONEXISTENT);
        ctx.out.star().atom("QUOTAROOT ").astring(command.mailbox());
        if (access.own()) {
            ctx.out.sp().string(ROOT).crlf();
            writeQuota(ROOT, session.account().id());
        } else if (isAdmin(session)) {
            ctx.out.sp().astring(access.owner().address()).crlf();
            writeQuota(access.owner().address(), access.owner().id());
        } else {
            ctx.out.crlf();
        }
        return Outcome.of(session);
    }

    /** RFC 9208 §4.1.1. */
    Outcome getQuota(SessionState.LoggedIn session, Command.GetQuota command) {
        Account owner = rootOwner(session, command.root());
        writeQuota(command.root(), owner.id());
        return Outcome.of(session);
    }

    /**
     * RFC 9208 §4.1.3: the given limits replace all the root's limits, so "()" removes them; STORAGE is
     * in KiB. A resource this server does not have is a tagged NO and changes nothing.
     */
    Outcome setQuota(SessionState.LoggedIn session, Command.SetQuota command) {
        if (!isAdmin(session)) {
            rootOwner(session, command.root()); // NONEXISTENT for any root but the user's own
            throw new ImapException.No(ResponseCode.NOPERM, "quotas are set by the administrator");
        }
        Account owner = rootOwner(session, command.root());
        long storageBytes = 0;
        long messages = 0;
        for (Map.Entry<String, Long> limit : command.limits().entrySet()) {
            long value = limit.getValue();
            switch (limit.getKey()) {
                case STORAGE -> {
                    if (value > MAX_STORAGE_KIB) {
                        throw new ImapException.No(ResponseCode.LIMIT, "STORAGE limit too large");
                    }
                    storageBytes = value * 1024;
                }
                case MESSAGE -> messages = value;
                default -> throw new ImapException.No(ResponseCode.CANNOT,
                        "unsupported quota resource (STORAGE and MESSAGE are)");
            }
            if (value == 0) {
                // the store's 0 means "no limit"; a zero limit would silently become unlimited
                throw new ImapException.No(ResponseCode.CANNOT, "a limit of 0 is not supported; omit the resource");
            }
        }
        ctx.shared.accounts().setQuota(owner.id(), storageBytes);
        ctx.shared.accounts().setMessageQuota(owner.id(), messages);
        log.info("session {}: {} set the quota of {} to {} octets, {} messages (0 = unlimited)", ctx.sessionId,
                session.account().address(), owner.address(), storageBytes, messages);
        writeQuota(command.root(), owner.id());
        return Outcome.of(session);
    }

    boolean isAdmin(SessionState.LoggedIn session) {
        return ctx.config.isAdmin(session.account().address());
    }

    /** The account whose quota root this is: "" is the user's own; an administrator may name any account. */
    private Account rootOwner(SessionState.LoggedIn session, String root) {
        if (root.equals(ROOT)) {
            return session.account();
        }
        if (isAdmin(session) && root.indexOf('@') > 0) {
            return ctx.shared.accounts().account(root)
                    .orElseThrow(() -> new ImapException.No(ResponseCode.NONEXISTENT, "no such quota root"));
        }
        throw new ImapException.No(ResponseCode.NONEXISTENT, "no such quota root");
    }

    /**
     * RFC 9208 §4.2.1: "* QUOTA root (STORAGE used limit MESSAGE used limit)", STORAGE in KiB with the
     * usage rounded up (§5.1), MESSAGE in messages (§5.2). Only resources with a limit are listed; with
     * none the root has no resources: "* QUOTA root ()".
     */
    private void writeQuota(String root, long accountId) {
        QuotaUsage usage = ctx.mail.quota(accountId);
        ctx.out.star().atom("QUOTA ").astring(root).atom(" (");
        if (usage.limitBytes() > 0) {
            ctx.out.atom("STORAGE ").number(kib(usage.usedBytes())).sp().number(usage.limitBytes() / 1024);
        }
        if (usage.limitMessages() > 0) {
            ctx.out.atom(usage.limitBytes() > 0 ? " MESSAGE " : "MESSAGE ").number(usage.messages()).sp()
                    .number(usage.limitMessages());
        }
        ctx.out.close().crlf();
    }

    private static long kib(long bytes) {
        return (bytes + 1023) / 1024;
    }
}
