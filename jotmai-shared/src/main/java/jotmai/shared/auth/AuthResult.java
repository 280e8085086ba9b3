package jotmai.shared.auth;

import java.time.Duration;

import jotmai.store.Account;

/** Outcome of one authentication attempt. */
public sealed interface AuthResult {

    record Success(Account account) implements AuthResult {}

    /** Wrong user or password; the reason is for logs only, never for the client. */
    record Failure(String reason) implements AuthResult {}

    /**
     * Too many failures from this address or for this account: refuse without checking the password.
     * Protocols answer with a temporary error (SMTP 454 4.7.0, IMAP NO [UNAVAILABLE], POP3 -ERR [AUTH]).
     */
    record Throttled(Duration retryAfter) implements AuthResult {}
}
