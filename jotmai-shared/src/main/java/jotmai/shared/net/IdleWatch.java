package jotmai.shared.net;

/**
 * Bookkeeping for the idle timeout of {@link Connection#setIdleTimeout}, which {@link WriteWatchdog}'s
 * once-a-second pass enforces instead of a socket read timeout (SO_TIMEOUT).
 *
 * <p>Why not SO_TIMEOUT: on a virtual thread, every blocking read with a timeout arms a timer in the
 * JDK's scheduler (JDK 25: {@code ForkJoinPool.schedule}) and cancels it when input arrives, and both
 * steps wake the scheduler's timer thread: two thread wake-ups per command on top of the poller's own.
 * For a POP3 client downloading 5 KB messages (one command per ~0.1 ms) that was about half of the
 * server's CPU per RETR (docs/BENCHMARKS.md, POP3, session 6). Here a read only notes when it began
 * waiting; the watchdog, which already looks at every connection once per period for stalled writes,
 * shuts the input of a connection whose read has waited longer than the idle timeout. The blocked read
 * then returns and {@link Connection} turns that into a {@link java.net.SocketTimeoutException}, as
 * SO_TIMEOUT would have; only input is shut, so the session can still write its goodbye.
 *
 * <p>Writes come from the reading thread, reads of the fields from the watchdog thread.
 */
final class IdleWatch {
    /** Zero: no idle timeout. */
    private volatile long idleNanos;
    /** When the current read began to wait; meaningful while {@link #waiting}. */
    private volatile long waitingSince;
    private volatile boolean waiting;
    private volatile boolean expired;

    void setIdle(long nanos) {
        idleNanos = nanos;
    }

    boolean enabled() {
        return idleNanos > 0;
    }

    /** A read is about to wait for input (the stamp is written before the flag the watchdog reads). */
    void begin(long nowNanos) {
        waitingSince = nowNanos;
        waiting = true;
    }

    void end() {
        waiting = false;
    }

    /** Whether the read in progress has waited longer than the idle timeout (watchdog thread). */
    boolean overdueAt(long nowNanos) {
        long idle = idleNanos;
        return waiting && idle > 0 && nowNanos - waitingSince > idle;
    }

    /** Marks the timeout as hit; from now on every read of the connection fails. */
    void expire() {
        expired = true;
    }

    boolean expired() {
        return expired;
    }

    long idleNanos() {
        return idleNanos;
    }
}
