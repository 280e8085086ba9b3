package jotmai.smtp;

import java.util.Map;
import java.util.Optional;

/** One parsed SMTP command (RFC 5321 §4.1.1 and the extensions the server offers). */
sealed interface Command {

    /** EHLO, HELO or LHLO (RFC 2033 §4.1). */
    record Hello(Kind kind, String domain) implements Command {
        enum Kind { HELO, EHLO, LHLO }
    }

    /** MAIL FROM; {@code from} empty for the null reverse-path "<>". Parameter keys are upper case. */
    record Mail(Optional<MailAddress> from, Map<String, String> params) implements Command {}

    /**
     * RCPT TO; {@code postmaster} is the domain-less "<Postmaster>" every server must accept
     * (RFC 5321 §4.1.1.3), then {@code to} is empty.
     */
    record Rcpt(Optional<MailAddress> to, boolean postmaster, Map<String, String> params) implements Command {}

    record Data() implements Command {}

    /** RFC 3030 §2: BDAT chunk-size [LAST]. */
    record Bdat(long size, boolean last) implements Command {}

    record Rset() implements Command {}

    record Noop() implements Command {}

    record Quit() implements Command {}

    record Help() implements Command {}

    record Vrfy() implements Command {}

    record Expn() implements Command {}

    record StartTls() implements Command {}

    /** RFC 4954 §4: AUTH mechanism [initial-response]. */
    record Auth(String mechanism, Optional<String> initialResponse) implements Command {}
}
