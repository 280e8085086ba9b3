package jotmai.store.sqlite;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import jotmai.store.StoreException;
import jotmai.store.ThrottleStore;

/**
 * The embedded store's throttle memory: an embedded store serves exactly one process, so the
 * counters live in memory (nothing to share, and a restart forgetting them is what the in-memory
 * throttle always did). Bounded: at most {@link #MAX_ENTRIES}, the least recently touched evicted.
 * A short {@link ReentrantLock} instead of synchronized, per the style guide's virtual-thread rule.
 */
final class LocalThrottleStore implements ThrottleStore {

    /** About 100 bytes an entry: some 20 MB at worst. */
    static final int MAX_ENTRIES = 200_000;

    private static final class Counter {
        int failures;
        Instant lastFailure;
        Instant bannedUntil;
        int bans;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Counter> entries = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    @Override
    public int recordFailure(String key, Instant now, Duration window) {
        checkKey(key);
        lock.lock();
        try {
            Counter e = entries.computeIfAbsent(key, k -> new Counter());
            boolean banActive = e.bannedUntil != null && e.bannedUntil.isAfter(now);
            if (e.lastFailure != null && e.lastFailure.isBefore(now.minus(window)) && !banActive) {
                e.failures = 0;
            }
            e.failures++;
            e.lastFailure = now;
            return e.failures;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<State> state(String key) {
        lock.lock();
        try {
            Counter e = entries.get(key);
            return e == null ? Optional.empty()
                    : Optional.of(new State(e.failures, e.lastFailure, Optional.ofNullable(e.bannedUntil), e.bans));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ban(String key, Instant until, int failuresAfter) {
        checkKey(key);
        lock.lock();
        try {
            Counter e = entries.computeIfAbsent(key, k -> new Counter());
            if (e.bannedUntil == null || e.bannedUntil.isBefore(until)) {
                e.bannedUntil = until;
            }
            e.failures = failuresAfter;
            e.bans++;
            if (e.lastFailure == null) {
                e.lastFailure = until;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reset(String key) {
        lock.lock();
        try {
            entries.remove(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int purge(Instant olderThan) {
        lock.lock();
        try {
            int before = entries.size();
            entries.values().removeIf(e -> (e.lastFailure == null || e.lastFailure.isBefore(olderThan))
                    && (e.bannedUntil == null || e.bannedUntil.isBefore(olderThan)));
            return before - entries.size();
        } finally {
            lock.unlock();
        }
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new StoreException.Invalid("bad throttle key");
        }
    }
}
