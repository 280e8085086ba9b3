package jotmai.store.postgres;

import jotmai.store.StoreException;

/**
 * Mailbox ids carry their account: {@code id = accountId << 24 | ordinal}. The store API names a
 * mailbox by its id alone, and this lets every query on it still filter on {@code account_id} (the
 * leading primary-key column and the Citus distribution column) without a lookup first.
 */
final class MailboxIds {

    /** Bits of the per-account ordinal: 16.7 million mailboxes created over an account's life. */
    static final int ORDINAL_BITS = 24;
    static final long MAX_ORDINAL = (1L << ORDINAL_BITS) - 1;
    /** Largest account id that still fits (2^39 - 1, about 5.5 * 10^11). */
    static final long MAX_ACCOUNT_ID = (1L << (63 - ORDINAL_BITS)) - 1;

    private MailboxIds() {}

    static long accountOf(long mailboxId) {
        return mailboxId >>> ORDINAL_BITS;
    }

    static long compose(long accountId, long ordinal) {
        if (accountId < 1 || accountId > MAX_ACCOUNT_ID) {
            throw new StoreException.Conflict("account id out of range for mailbox ids: " + accountId);
        }
        if (ordinal < 1 || ordinal > MAX_ORDINAL) {
            throw new StoreException.Conflict("account " + accountId + " has created too many mailboxes");
        }
        return accountId << ORDINAL_BITS | ordinal;
    }
}
