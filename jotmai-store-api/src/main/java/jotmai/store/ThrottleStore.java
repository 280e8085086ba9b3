package jotmai.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Authentication failure counters and bans, keyed by what is throttled ("ip:203.0.113.7",
 * "ip:20010db800000000::/64", "acct:alice@example.com"). With a shared database every node of a
 * cluster sees the same counters, so a password guesser cannot multiply its attempts by the number
 * of nodes (issue 8). The in-memory policy (delays, thresholds, escalation) stays in the caller;
 * this is only the shared memory.
 *
 * <p>Calls may fail with {@link StoreException.Unavailable}; callers fail open (a login must not be
 * refused because the throttle table is away). Keys are at most {@link #MAX_KEY_LENGTH} characters.
 */
public interface ThrottleStore {

    /** Longest key accepted (a prefix plus a login of at most 320 characters). */
    int MAX_KEY_LENGTH = 400;

    /**
     * One key's record.
     *
     * @param failures    failures counted within the window (0 when none)
     * @param lastFailure when the last failure was counted
     * @param bannedUntil end of the current or last ban, if any
     * @param bans        bans so far (each repeated ban may be longer)
     */
    record State(int failures, Instant lastFailure, Optional<Instant> bannedUntil, int bans) {}

    /**
     * Counts one failure at {@code now} and returns the key's failures including this one. A count
     * whose last failure is older than {@code window} (and that is not under an active ban) starts
     * again from 1. One atomic statement: concurrent nodes never lose a count.
     */
    int recordFailure(String key, Instant now, Duration window);

    /** The key's record, or empty when nothing is known about it. */
    Optional<State> state(String key);

    /** End of the key's ban, if it ever had one (may be in the past). */
    default Optional<Instant> bannedUntil(String key) {
        return state(key).flatMap(State::bannedUntil);
    }

    /**
     * Bans the key until {@code until} and sets its failure count to {@code failuresAfter} (a banned
     * guesser starts again part way, so the next ban comes sooner) and counts one more ban. Creates
     * the record if needed. A later ban never shortens an existing one.
     */
    void ban(String key, Instant until, int failuresAfter);

    /** Forgets the key (a successful login clears the account's count). */
    void reset(String key);

    /** Deletes records whose last failure and ban both ended before {@code olderThan}; returns how many. */
    int purge(Instant olderThan);
}
