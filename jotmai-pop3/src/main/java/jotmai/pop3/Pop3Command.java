package jotmai.pop3;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One parsed POP3 command (RFC 1939 §4-§7, RFC 2449 §5 CAPA, RFC 5034 §4 AUTH, RFC 2595 §4 STLS).
 * Message numbers are as the client sent them (1-based); the session checks them against the maildrop.
 */
sealed interface Pop3Command {

    record User(String name) implements Pop3Command {}

    record Pass(String password) implements Pop3Command {
        @Override
        public String toString() {
            return "Pass[***]"; // never log a password
        }
    }

    /** RFC 1939 §7 APOP; parsed so that it can be refused properly (APOP is not offered). */
    record Apop(String name, String digest) implements Pop3Command {}

    /**
     * RFC 5034 §4. Without a mechanism the client asks for the list of mechanisms (an old RFC 1734
     * habit many clients still have). {@code initialResponse} is the base64 text, "=" meaning empty.
     */
    record Auth(Optional<String> mechanism, Optional<String> initialResponse) implements Pop3Command {
        @Override
        public String toString() {
            return "Auth[" + mechanism.orElse("") + "]";
        }
    }

    record Stls() implements Pop3Command {}

    record Capa() implements Pop3Command {}

    record Quit() implements Pop3Command {}

    record Stat() implements Pop3Command {}

    record List(OptionalInt message) implements Pop3Command {}

    record Retr(int message) implements Pop3Command {}

    record Dele(int message) implements Pop3Command {}

    record Noop() implements Pop3Command {}

    record Rset() implements Pop3Command {}

    record Top(int message, int lines) implements Pop3Command {}

    record Uidl(OptionalInt message) implements Pop3Command {}
}
