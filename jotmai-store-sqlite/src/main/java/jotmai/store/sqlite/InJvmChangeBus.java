package jotmai.store.sqlite;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.ChangeBus;
import jotmai.store.support.LocalSubscribers;

/**
 * The embedded change bus: the in-process subscriber registry, rung by the writer thread after each
 * commit. Listeners must only enqueue a wake-up; one that throws is logged and the others still run.
 * In a process that is a guest on the data directory (the CLI next to a running server), rings are
 * also handed to the owning process ({@link RingSender}).
 */
final class InJvmChangeBus implements ChangeBus {
    private static final Logger log = LoggerFactory.getLogger(InJvmChangeBus.class);

    private final LocalSubscribers subscribers =
            new LocalSubscribers((e, mailboxId) -> log.warn("change listener of mailbox {} failed", mailboxId, e));

    @Override
    public Subscription subscribe(long mailboxId, Runnable listener) {
        return subscribers.subscribe(mailboxId, listener);
    }

    private volatile RingSender guestOf;

    /** From now on rings also go to the process that owns the data directory. */
    void forwardTo(RingSender sender) {
        this.guestOf = sender;
    }

    @Override
    public void ring(long mailboxId) {
        subscribers.ring(mailboxId);
        RingSender sender = guestOf;
        if (sender != null) {
            sender.ring(mailboxId);
        }
    }
}
