package jotmai.smtp;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mail-bomb guard: messages per hour per authenticated user, counted in fixed one-hour windows.
 * Memory is bounded by the number of accounts that sent in the current window; stale windows are
 * dropped when the map grows.
 */
final class SendRateLimiter {
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final int PRUNE_ABOVE = 10_000;

    private record Window(long start, int count) {}

    private final int perHour;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    SendRateLimiter(int perHour, Clock clock) {
        this.perHour = perHour;
        this.clock = clock;
    }

    /** Whether the user may start another message now. */
    boolean allows(String user) {
        if (perHour <= 0) {
            return true;
        }
        Window w = windows.get(user);
        return w == null || w.start() + WINDOW.toMillis() <= clock.millis() || w.count() < perHour;
    }

    /** Counts one accepted message. */
    void record(String user) {
        if (perHour <= 0) {
            return;
        }
        long now = clock.millis();
        windows.compute(user, (k, w) -> w == null || w.start() + WINDOW.toMillis() <= now
                ? new Window(now, 1) : new Window(w.start(), w.count() + 1));
        if (windows.size() > PRUNE_ABOVE) {
            windows.values().removeIf(w -> w.start() + WINDOW.toMillis() <= now);
        }
    }
}
