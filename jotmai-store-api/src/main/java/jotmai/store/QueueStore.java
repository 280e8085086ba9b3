package jotmai.store;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable outbound queue. SMTP hands mail for external recipients here; the delivery module
 * takes it out. {@link #enqueue} is durable before it returns, so SMTP may answer 250.
 *
 * <p>Runner protocol: {@link #claimDue} leases due messages (one runner per message, also across
 * PostgreSQL nodes; a lease that expires because its node died makes the message claimable again);
 * the runner records each recipient's outcome as soon as it is known ({@link #recordOutcome}, durable
 * before it returns, so a recipient accepted by the remote server is not sent again, except in the
 * window between the remote 250 and this commit), then either {@link #remove}s the message (nothing
 * pending any more) or {@link #reschedule}s it, which also ends the lease.
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

    /** Where a recipient stands. PENDING: never tried; DEFERRED: tried, temporary failure. */
    enum RecipientStatus { PENDING, DEFERRED, DELIVERED, FAILED }

    /** One recipient with its delivery state; {@code lastReply} is "" before the first attempt. */
    record RecipientState(int position, String address, String notifyOn, String orcpt, RecipientStatus status,
                          int attempts, String lastReply, Optional<Instant> lastAttemptAt) {
        public boolean open() {
            return status == RecipientStatus.PENDING || status == RecipientStatus.DEFERRED;
        }
    }

    /** A queued message as the runner and operators see it. */
    record QueuedMessage(String id, String envelopeFrom, DsnRequest dsn, long size, Instant createdAt,
                         Instant nextAttemptAt, boolean delayWarned, List<RecipientState> recipients) {
        public List<RecipientState> openRecipients() {
            return recipients.stream().filter(RecipientState::open).toList();
        }
    }

    /**
     * Leases up to {@code max} messages due at {@code now} (next attempt reached, no live lease) for
     * {@code lease}, and returns them. A message leased by a runner that dies becomes claimable again
     * when the lease expires (PostgreSQL) or when the process restarts (SQLite: leases live in the JVM).
     */
    List<QueuedMessage> claimDue(Instant now, int max, Duration lease);

    /**
     * Extends the lease of a message this runner claimed and is still delivering to {@code now + lease},
     * so that a long transfer (a large message to a slow peer) does not let another runner claim it.
     *
     * @return false when the lease is no longer ours: the message is gone, was rescheduled, or another
     *         runner (node) claimed it after the lease ran out
     */
    boolean renewLease(String queueId, Instant now, Duration lease);

    /** The message bytes exactly as enqueued. */
    InputStream open(String queueId);

    /**
     * Records the outcome of one attempt for one recipient (durable before it returns) and counts the
     * attempt. {@code status} is DELIVERED, FAILED or DEFERRED.
     */
    void recordOutcome(String queueId, int position, RecipientStatus status, String reply, Instant at);

    /** Sets the next attempt time and ends the lease. */
    void reschedule(String queueId, Instant nextAttemptAt);

    /** Remembers that a delay warning (RFC 3464 action "delayed") was sent, so it is sent once. */
    void markDelayWarned(String queueId);

    /** Removes the message and its bytes; false when it was not there. */
    boolean remove(String queueId);

    /** One message with its recipients, for operators. */
    Optional<QueuedMessage> find(String queueId);

    /** Up to {@code limit} messages in order of next attempt, for operators ({@code jotmai queue list}). */
    List<QueuedMessage> list(int limit);
}
