package jotmai.store;

import java.util.List;

/**
 * The durable outbound queue. SMTP hands mail for external recipients here; the delivery module
 * (a later issue) takes it out. {@link #enqueue} is durable before it returns, so SMTP may answer 250.
 */
public interface QueueStore {

    /**
     * @param envelopeFrom reverse-path, "" for the null sender
     * @param recipients   external forward-paths with their DSN parameters
     * @param dsn          MAIL FROM DSN parameters (RFC 3461 RET, ENVID), empty strings when absent
     * @return the queue id
     */
    String enqueue(String envelopeFrom, List<QueuedRecipient> recipients, MessageSource message, DsnRequest dsn);

    /** RFC 3461 §4.2 NOTIFY and §4.3 ORCPT, "" when absent. */
    record QueuedRecipient(String address, String notifyOn, String orcpt) {}

    /** RFC 3461 §4.3 RET and §4.4 ENVID, "" when absent; smtputf8 when the message needs SMTPUTF8. */
    record DsnRequest(String ret, String envid, boolean smtputf8, boolean eightBitMime) {}

    /** Number of messages waiting (for operators and tests). */
    long size();
}
