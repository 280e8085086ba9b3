package jotmai.pop3;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 2449 §6.5 LOGIN-DELAY: remembers each account's last POP3 login. In memory, per server process:
 * the store has no place for it yet, and forgetting it at a restart only lets one early login through.
 */
final class LoginDelays {

    /** Above this many remembered accounts, entries older than the delay are dropped. */
    static final int PRUNE_THRESHOLD = 10_000;

    private final ConcurrentHashMap<Long, Instant> lastLogin = new ConcurrentHashMap<>();

    /**
     * Records a login at {@code now} unless the previous one was less than {@code delay} ago; returns
     * whether the login may go ahead.
     */
    boolean tryLogin(long accountId, Instant now, Duration delay) {
        if (delay.isZero()) {
            return true;
        }
        boolean[] allowed = {false};
        lastLogin.compute(accountId, (id, last) -> {
            if (last == null || !now.isBefore(last.plus(delay))) {
                allowed[0] = true;
                return now;
            }
            return last;
        });
        if (lastLogin.size() > PRUNE_THRESHOLD) {
            lastLogin.values().removeIf(last -> !now.isBefore(last.plus(delay)));
        }
        return allowed[0];
    }
}
