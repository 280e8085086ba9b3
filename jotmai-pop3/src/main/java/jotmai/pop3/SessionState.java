package jotmai.pop3;

import java.util.Optional;

import jotmai.store.Account;
import jotmai.store.MailStore;

/** RFC 1939 §3 session states. UPDATE is transient: QUIT in TRANSACTION commits and goes to Closed. */
sealed interface SessionState {

    /** Before login; {@code user} is the name a USER command gave, waiting for PASS. */
    record Authorization(Optional<String> user) implements SessionState {
        static Authorization initial() {
            return new Authorization(Optional.empty());
        }
    }

    /**
     * Logged in, holding the maildrop lock (RFC 1939 §8) and a watch for expunges by other sessions
     * until the session ends; {@link #release} frees both.
     */
    record Transaction(Account account, Maildrop maildrop, MailStore.MaildropLock lock, ExpungeWatch watch,
                       java.util.concurrent.atomic.AtomicBoolean released) implements SessionState {
        Transaction(Account account, Maildrop maildrop, MailStore.MaildropLock lock, ExpungeWatch watch) {
            this(account, maildrop, lock, watch, new java.util.concurrent.atomic.AtomicBoolean());
        }

        /** Frees the lock and the watch; once only (QUIT frees them early, the session's end again). */
        void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            try {
                watch.close();
            } finally {
                lock.close();
            }
        }
    }

    /** The session is over; the connection gets closed. */
    record Closed() implements SessionState {}
}
