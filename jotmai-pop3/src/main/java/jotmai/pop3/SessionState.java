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
    record Transaction(Account account, Maildrop maildrop, MailStore.MaildropLock lock, ExpungeWatch watch)
            implements SessionState {
        void release() {
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
