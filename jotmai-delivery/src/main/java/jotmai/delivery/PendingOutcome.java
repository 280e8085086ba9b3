package jotmai.delivery;

import java.io.IOException;
import java.io.InterruptedIOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome of the last message a connection worker sent, being committed on a virtual thread of
 * its own while the worker already transmits the next message (group commit: the store's writer
 * makes the outcomes of all workers durable with one fsync).
 *
 * <p>Why: a worker that waited for its own outcome's fsync before taking the next message spent most
 * of its time waiting, one fsync per message per connection. Guarantee kept: the worker calls
 * {@link #awaitDurable} before it sends the end of the next message's data (the final dot), so at any
 * moment at most one message per connection has been accepted by the remote server without its outcome
 * being on stable storage (the at-least-once window, as before this change).
 */
final class PendingOutcome implements OutboundSession.EndBarrier {
    private static final Logger log = LoggerFactory.getLogger(PendingOutcome.class);

    private final Thread thread;

    private PendingOutcome(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts {@code commit} (records the outcome, durable when it returns), then {@code after} whatever
     * happened (finishes the job); a failure of the commit is logged, the lease expires and the message
     * is tried again, as for any store failure.
     */
    static PendingOutcome start(String queueId, Runnable commit, Runnable after) {
        return new PendingOutcome(Thread.ofVirtual().name("delivery-outcome-" + queueId).start(() -> {
            try {
                commit.run();
            } catch (RuntimeException e) {
                log.error("queue {}: recording the outcome failed; the message stays queued", queueId, e);
            } finally {
                after.run();
            }
        }));
    }

    @Override
    public boolean passed() {
        return !thread.isAlive();
    }

    @Override
    public void await() throws IOException {
        awaitDurable();
    }

    /**
     * Waits until the outcome is committed. Interrupted (shutdown) it throws, so that the caller does not
     * end the next message's data: the peer then discards that message (RFC 5321 §4.1.1.4).
     */
    void awaitDurable() throws IOException {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the previous outcome was committing");
        }
    }

    /** Waits for the commit without giving up (a worker that ends, so shutdown sees every outcome). */
    void awaitQuietly() {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
