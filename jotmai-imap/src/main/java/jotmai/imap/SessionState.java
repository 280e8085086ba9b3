package jotmai.imap;

import jotmai.store.Account;

/** The connection states of RFC 9051 §3. */
sealed interface SessionState {

    record NotAuthenticated() implements SessionState {}

    /** Authenticated or Selected. */
    sealed interface LoggedIn extends SessionState {
        Account account();
    }

    record Authenticated(Account account) implements LoggedIn {}

    record Selected(Account account, MailboxView view) implements LoggedIn {}

    record Logout() implements SessionState {}
}
