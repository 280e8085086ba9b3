package jotmai.imap;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.store.QuotaUsage;

/**
 * RFC 9208 QUOTA: one quota root per account, named "" (§3.1), with the resources STORAGE (§5.1) and
 * MESSAGE (§5.2), both counted over all the account's mailboxes. Limits are set by administrators with
 * the CLI, so SETQUOTA is refused (§4.1.3 allows that).
 */
final class QuotaCommands {
    static final String ROOT = "";

    private final SessionContext ctx;

    QuotaCommands(SessionContext ctx) {
        this.ctx = ctx;
    }

    /** RFC 9208 §4.1.2: QUOTAROOT, then QUOTA for each root. */
    Outcome getQuotaRoot(SessionState.LoggedIn session, Command.GetQuotaRoot command) {
        ctx.requireMailbox(session.account().id(), ctx.storeName(command.mailbox()), ResponseCode.NONEXISTENT);
        ctx.out.star().atom("QUOTAROOT ").astring(command.mailbox()).sp().string(ROOT).crlf();
        writeQuota(session);
        return Outcome.of(session);
    }

    /** RFC 9208 §4.1.1. */
    Outcome getQuota(SessionState.LoggedIn session, Command.GetQuota command) {
        requireRoot(command.root());
        writeQuota(session);
        return Outcome.of(session);
    }

    /** RFC 9208 §4.1.3: permitted to refuse; quotas are an administrator's setting here. */
    Outcome setQuota(SessionState.LoggedIn session, Command.SetQuota command) {
        requireRoot(command.root());
        throw new ImapException.No(ResponseCode.NOPERM, "quotas are set by the administrator");
    }

    private static void requireRoot(String root) {
        if (!root.equals(ROOT)) {
            throw new ImapException.No(ResponseCode.NONEXISTENT, "no such quota root");
        }
    }

    /**
     * RFC 9208 §4.2.1: "* QUOTA "" (STORAGE used limit MESSAGE used limit)", STORAGE in KiB with the
     * usage rounded up (§5.1), MESSAGE in messages (§5.2). Only resources with a limit are listed; with
     * none the root has no resources: "* QUOTA "" ()".
     */
    private void writeQuota(SessionState.LoggedIn session) {
        QuotaUsage usage = ctx.mail.quota(session.account().id());
        ctx.out.star().atom("QUOTA ").string(ROOT).atom(" (");
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
