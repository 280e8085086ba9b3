package jotmai.smtp;

import java.util.List;
import java.util.Optional;

import jotmai.store.Account;
import jotmai.store.AccountStore;
import jotmai.store.MailStore;
import jotmai.store.QuotaUsage;
import jotmai.store.RecipientResolver;

/**
 * Who may send to whom: the relay rules of the MX listener, the sender rule of submission, and
 * RCPT-time resolution so unknown recipients are refused at once (no backscatter).
 *
 * <p>The classic relay tricks (user%remote@local, "user@remote"@local, remote!user@local,
 * @local:user@remote, user@remote@local, trailing dots, IP literals) are refused: source routes are
 * ignored (RFC 5321 §C) so the real domain decides; "%", "!" and "@" in a hosted local part are
 * refused outright; the parser rejects trailing dots and a second "@"; IP literals are never hosted.
 */
final class RecipientPolicy {

    /** Outcome for one RCPT. */
    sealed interface Decision {
        record Local(RecipientResolver.Resolution resolution) implements Decision {}

        record Relay(String address) implements Decision {}
    }

    private final AccountStore accounts;
    private final MailStore mail;
    private final RecipientResolver resolver;

    RecipientPolicy(AccountStore accounts, MailStore mail) {
        this.accounts = accounts;
        this.mail = mail;
        this.resolver = new RecipientResolver(accounts);
    }

    /**
     * @param mayRelay   the client is authenticated or in a trusted network (never for LMTP)
     * @param sizeHint   the MAIL SIZE parameter, 0 when absent
     * @throws SmtpReply when the recipient is refused
     */
    Decision recipient(MailAddress to, boolean mayRelay, long sizeHint) {
        if (!to.addressLiteral() && accounts.isHostedDomain(to.domainKey())) {
            String local = to.localPart();
            if (local.indexOf('%') >= 0 || local.indexOf('!') >= 0 || local.indexOf('@') >= 0) {
                throw new SmtpReply(550, "5.7.1", "Relaying denied: routing characters in local part");
            }
            RecipientResolver.Resolution r = resolver.resolve(to.key())
                    .orElseThrow(() -> new SmtpReply(550, "5.1.1", "No such user here"));
            for (Account account : r.local()) {
                checkQuota(account, sizeHint);
            }
            return new Decision.Local(r);
        }
        if (mayRelay) {
            return new Decision.Relay(to.wire());
        }
        throw new SmtpReply(550, "5.7.1", "Relaying denied");
    }

    /**
     * RFC 3463 X.2.2 (mailbox full): 552 5.2.2 if the message alone is larger than the storage quota,
     * else 452 4.2.2 while the storage or the message-count quota (RFC 9208 §5.2) is used up, so that
     * the sender retries after the user has made room.
     */
    private void checkQuota(Account account, long sizeHint) {
        if (account.quotaBytes() <= 0 && account.quotaMessages() <= 0) {
            return; // unlimited: spare the store a read
        }
        QuotaUsage q = mail.quota(account.id());
        if (q.limitBytes() > 0) {
            if (sizeHint > q.limitBytes()) {
                throw new SmtpReply(552, "5.2.2", "Mailbox full: message larger than the quota");
            }
            if (q.usedBytes() >= q.limitBytes() || q.wouldExceed(sizeHint)) {
                throw new SmtpReply(452, "4.2.2", "Mailbox full, try again later");
            }
        }
        if (q.wouldExceedMessages(1)) {
            throw new SmtpReply(452, "4.2.2", "Mailbox full, try again later");
        }
    }

    /** Local targets a hosted address expands to, for the sender check. */
    List<Account> localAccounts(MailAddress address) {
        if (address.addressLiteral() || !accounts.isHostedDomain(address.domainKey())) {
            return List.of();
        }
        return resolver.resolve(address.key()).map(RecipientResolver.Resolution::local).orElse(List.of());
    }

    /**
     * RFC 6409 §6.1: the submission server may check the sender. An authenticated user may use the
     * null sender, its own address, and hosted addresses (aliases) that resolve to it.
     */
    void checkSender(Optional<MailAddress> from, Account user) {
        if (from.isEmpty()) {
            return;
        }
        boolean own = localAccounts(from.get()).stream().anyMatch(a -> a.id() == user.id());
        if (!own) {
            throw new SmtpReply(553, "5.7.1", "Sender address not owned by the authenticated user");
        }
    }
}
