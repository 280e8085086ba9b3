package jotmai.store;

/** Storage used by an account across its mailboxes; limitBytes 0 means unlimited. */
public record QuotaUsage(long usedBytes, long messages, long limitBytes) {

    /** Whether adding a message of this size would exceed the quota. */
    public boolean wouldExceed(long additionalBytes) {
        return limitBytes > 0 && usedBytes + additionalBytes > limitBytes;
    }
}
