package jotmai.store;

/**
 * The doorbell that tells sessions a mailbox changed. It carries no data: a session that hears it
 * pulls {@link MailStore#changesSince}; so lost or coalesced rings heal at the next pull and an
 * in-JVM bus and a cross-node one (PostgreSQL LISTEN/NOTIFY) behave the same.
 *
 * <p>Backends ring after every committed change. Listeners run on the ringing thread and must only
 * enqueue a wake-up, never write to a client.
 */
public interface ChangeBus {

    Subscription subscribe(long mailboxId, Runnable listener);

    /** Rings every subscriber of the mailbox (called by backends after commit). */
    void ring(long mailboxId);

    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
