package jotmai.store;

/**
 * Everything a store operation can fail with. Each protocol maps these once, e.g. Unavailable to
 * SMTP 451 4.3.0, IMAP NO [UNAVAILABLE], POP3 -ERR [SYS/TEMP]; QuotaExceeded to 452 4.2.2 / 552 5.2.2,
 * NO [OVERQUOTA].
 */
public sealed abstract class StoreException extends RuntimeException {

    protected StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Temporary: the database or disk is not available now; retry later. */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The mailbox, message or account does not exist. */
    public static final class NotFound extends StoreException {
        public NotFound(String message) {
            super(message, null);
        }
    }

    /** The name or address is already taken. */
    public static final class AlreadyExists extends StoreException {
        public AlreadyExists(String message) {
            super(message, null);
        }
    }

    /**
     * The operation would exceed the account's quota. {@code messageTooLargeAlone} is true when the
     * message by itself is larger than the whole quota (SMTP answers 552 5.2.2 then, else 452 4.2.2).
     */
    public static final class QuotaExceeded extends StoreException {
        private final boolean messageTooLargeAlone;

        public QuotaExceeded(String message, boolean messageTooLargeAlone) {
            super(message, null);
            this.messageTooLargeAlone = messageTooLargeAlone;
        }

        public boolean messageTooLargeAlone() {
            return messageTooLargeAlone;
        }
    }

    /** Not allowed in the current state (e.g. deleting INBOX, removing a domain with accounts). */
    public static final class Conflict extends StoreException {
        public Conflict(String message) {
            super(message, null);
        }
    }

    /** A name or argument the store cannot accept (e.g. an invalid mailbox name). */
    public static final class Invalid extends StoreException {
        public Invalid(String message) {
            super(message, null);
        }
    }
}
