package jotmai.pop3;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jotmai.store.AccountStore;

/**
 * RFC 2449 §6.5 LOGIN-DELAY: the last POP3 login of each account lives in the store
 * ({@link AccountStore#recordLogin}), so the delay holds across restarts and across the nodes that share
 * a PostgreSQL store. The caller holds the account's maildrop lock, which makes check-then-record
 * atomic for POP3 (RFC 1939 §8: one session per maildrop, on every node).
 */
final class LoginDelays {

    /** The protocol name under which POP3 logins are recorded. */
    static final String PROTOCOL = "pop3";

    private final AccountStore accounts;

    LoginDelays(AccountStore accounts) {
        this.accounts = accounts;
    }

    /**
     * Records a login at {@code now} unless the previous one was less than {@code delay} ago; returns
     * whether the login may go ahead. With no delay configured nothing is read or written.
     */
    boolean tryLogin(long accountId, Instant now, Duration delay) {
        if (delay.isZero()) {
            return true;
        }
        Optional<Instant> last = accounts.lastLogin(accountId, PROTOCOL);
        if (last.isPresent() && now.isBefore(last.get().plus(delay))) {
            return false;
        }
        accounts.recordLogin(accountId, PROTOCOL, now);
        return true;
    }
}
