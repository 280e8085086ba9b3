package jotmai.shared.net;

import java.util.concurrent.Semaphore;

/**
 * Lets up to a fixed number of sessions at a time run on platform threads; the rest run on virtual
 * threads as usual. Shared by the listeners of one protocol so the bound holds for all of them.
 *
 * <p>Why a protocol would want this (POP3 does): a virtual thread waiting for the client's next command
 * parks, and the command's arrival wakes the JDK's read poller, which hands the thread to a carrier:
 * two thread wake-ups per command on top of the read itself. For a client that downloads thousands of
 * small messages one RETR at a time, that was a third of the server's CPU per RETR; a platform thread
 * blocks in read() and the kernel wakes it directly (docs/BENCHMARKS.md, POP3, session 6). Platform
 * threads cost a kernel thread and a stack each, hence the bound: sessions beyond it, or when the JVM
 * cannot create a thread, simply run on virtual threads; nothing else about a session changes.
 */
public final class PlatformThreadSlots {
    private final int max;
    private final Semaphore free;

    /** @param max sessions that may hold a platform thread at once; zero: always virtual threads */
    public PlatformThreadSlots(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative");
        }
        this.max = max;
        this.free = new Semaphore(max);
    }

    public int max() {
        return max;
    }

    /** Slots in use now. */
    public int inUse() {
        return max - free.availablePermits();
    }

    /** Starts {@code session} on a platform thread if a slot is free, else on a virtual thread. */
    Thread start(String name, Runnable session) {
        if (free.tryAcquire()) {
            try {
                return Thread.ofPlatform().name(name).daemon(true).start(() -> {
                    try {
                        session.run();
                    } finally {
                        free.release();
                    }
                });
            } catch (OutOfMemoryError noThread) {
                free.release(); // "unable to create native thread": fall back to a virtual one
            }
        }
        return Thread.ofVirtual().name(name).start(session);
    }
}
