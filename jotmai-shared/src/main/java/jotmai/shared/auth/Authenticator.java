package jotmai.shared.auth;

import java.net.InetAddress;
import java.util.function.Predicate;

import jotmai.store.Account;

/**
 * The one authentication service every protocol uses (SMTP AUTH, IMAP LOGIN/AUTHENTICATE, POP3
 * USER/PASS/AUTH), so that failure throttling is shared across protocols.
 */
public interface Authenticator {

    /**
     * Checks a username (the account address, case-insensitive) and password. Implementations delay
     * and throttle failures per remote address and per account, and never log the password.
     *
     * @param protocol "smtp", "imap" or "pop3", for logs
     */
    AuthResult authenticate(String username, String password, InetAddress remote, String protocol);

    /**
     * A challenge-response login whose proof the protocol checks against the account (POP3 APOP,
     * RFC 1939 §7: a digest of the server's timestamp and a shared secret). Throttled and logged like
     * {@link #authenticate}: a false proof, or an unknown user, counts as a failure.
     *
     * @param proof tells whether the client's response is right for this account; called at most once,
     *              only when the account exists and the attempt is not throttled
     */
    default AuthResult authenticateChallenge(String username, InetAddress remote, String protocol,
                                             Predicate<Account> proof) {
        return new AuthResult.Failure("challenge-response logins not supported");
    }
}
