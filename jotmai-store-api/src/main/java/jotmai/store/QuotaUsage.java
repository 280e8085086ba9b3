package jotmai.store;

/**
 * Storage and message count used by an account across its mailboxes, with its limits (RFC 9208 §5.1
 * STORAGE and §5.2 MESSAGE); a limit of 0 means unlimited.
 */
public record QuotaUsage(long usedBytes, long messages, long limitBytes, long limitMessages) {

    /** Usage of an account without a message-count limit. */
    public QuotaUsage(long usedBytes, long messages, long limitBytes) {
        this(usedBytes, messages, limitBytes, 0);
    }

    /** Whether adding a message of this size would exceed the storage quota. */
    public boolean wouldExceed(long additionalBytes) {
        return limitBytes > 0 && usedBytes + additionalBytes > limitBytes;
    }

    /** Whether this many more messages would exceed the message-count limit. */
    public boolean wouldExceedMessages(long additionalMessages) {
        return limitMessages > 0 && messages + additionalMessages > limitMessages;
    }

    /** Whether either limit is set. */
    public boolean limited() {
        return limitBytes > 0 || limitMessages > 0;
    }
}
