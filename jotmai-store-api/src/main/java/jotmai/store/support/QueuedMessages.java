package jotmai.store.support;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import jotmai.store.StoreException;

/**
 * The backend-neutral parts of enqueueing an outbound message: the recipient limit and the form of a
 * queue id. Shared so that every backend accepts the same envelopes and hands out ids that look alike
 * (operators and logs see them).
 */
public final class QueuedMessages {

    /** Most recipients one queued message may carry (RFC 5321 §4.5.3.1.8 requires at least 100). */
    public static final int MAX_RECIPIENTS = 1_000;
    /** Random bytes in a queue id (96 bits: collisions are not a concern, and ids are not guessable). */
    private static final int ID_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private QueuedMessages() {}

    /** Refuses an envelope with no recipients or more than {@link #MAX_RECIPIENTS}. */
    public static void checkRecipientCount(List<?> recipients) {
        if (recipients.isEmpty() || recipients.size() > MAX_RECIPIENTS) {
            throw new StoreException.Invalid("a queued message needs 1 to " + MAX_RECIPIENTS + " recipients");
        }
    }

    /** A new random queue id: lower-case hex. */
    public static String newId() {
        byte[] idBytes = new byte[ID_BYTES];
        RANDOM.nextBytes(idBytes);
        return HexFormat.of().formatHex(idBytes);
    }
}
