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

    /**
     * The bus key of an account's mailbox list: rung after a mailbox of the account was created,
     * deleted or renamed, after its subscriptions changed and after METADATA entries it set or owns
     * changed (IMAP NOTIFY MailboxName, SubscriptionChange, MailboxMetadataChange and
     * ServerMetadataChange, RFC 5465 §5.4-5.7). Mailbox ids are positive, so a negative key never names a
     * mailbox; the key travels like a mailbox id (the PostgreSQL payload carries it unchanged), and
     * sessions that do not watch the list pay nothing for it.
     */
    static long mailboxListKey(long accountId) {
        return -accountId;
    }

    /** Listens to {@link #mailboxListKey} of the account: a session then re-reads the list and compares. */
    default Subscription subscribeMailboxList(long accountId, Runnable listener) {
        return subscribe(mailboxListKey(accountId), listener);
    }

    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
