package jotmai.shared.auth;

import java.net.InetAddress;

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
}
