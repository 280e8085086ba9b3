package jotmai.shared.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.store.Account;
import jotmai.store.AccountStore;

/**
 * The one {@link Authenticator}: looks the account up (case-insensitively), verifies the password hash,
 * throttles failures per address and per account across all protocols ({@link Throttle}), and upgrades
 * an imported or weaker hash to the default scheme after a successful login.
 *
 * <p>Implementation notes:
 * <ul>
 * <li>An unknown user costs the same as a wrong password: we verify against a dummy hash of the
 *     default scheme and count the failure the same way, so neither timing nor throttling reveals
 *     which addresses exist.</li>
 * <li>The throttling delay is a sleep on the caller's (virtual) thread, taken before the check so that
 *     a correct guess is not answered faster than a wrong one; other sessions are not affected.</li>
 * <li>The password is never logged, nor the stored hash; log lines carry protocol, user and address.</li>
 * <li>Store failures ({@link jotmai.store.StoreException.Unavailable}) propagate: the protocol answers
 *     with its temporary error and no failure is counted.</li>
 * </ul>
 */
public final class AuthService implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(AuthService.class);

    /** Longest login accepted: an address is at most 254 octets (RFC 5321 §4.5.3.1.3 with RFC 3696 errata). */
    public static final int MAX_USERNAME_LENGTH = 320;
    /** Longer passwords are refused unhashed, so a client cannot make us hash megabytes. */
    public static final int MAX_PASSWORD_LENGTH = 1024;

    /** How the throttling delay is spent; tests record instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final AccountStore accounts;
    private final Throttle throttle;
    private final Sleeper sleeper;
    private final String dummyHash;
    private final VerifiedPasswords verified;

    public AuthService(AccountStore accounts) {
        this(accounts, new Throttle());
    }

    /**
     * Accounts and throttle state of {@code store}: with a shared database (PostgreSQL) the failure
     * counters and bans are shared by every node (issue 8).
     */
    public AuthService(jotmai.store.Store store, Throttle.Policy policy) {
        this(store.accounts(), new Throttle(policy, java.time.Clock.systemUTC(), store.throttle()));
    }

    /** With a throttle of chosen policy and clock (tests, or configuration). */
    public AuthService(AccountStore accounts, Throttle throttle) {
        this(accounts, throttle, d -> Thread.sleep(d));
    }

    AuthService(AccountStore accounts, Throttle throttle, Sleeper sleeper) {
        this(accounts, throttle, sleeper, VerifiedPasswords.DEFAULT_TTL);
    }

    AuthService(AccountStore accounts, Throttle throttle, Sleeper sleeper, Duration verifiedTtl) {
        this.verified = new VerifiedPasswords(verifiedTtl);
        this.accounts = accounts;
        this.throttle = throttle;
        this.sleeper = sleeper;
        this.dummyHash = Passwords.hash("jotmai-no-such-user-" + System.nanoTime());
    }

    public Throttle throttle() {
        return throttle;
    }

    /** The login as stored: trimmed, lower case (addresses are compared case-insensitively). */
    public static String normalize(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public AuthResult authenticate(String username, String password, InetAddress remote, String protocol) {
        String user = normalize(username);
        if (user.length() > MAX_USERNAME_LENGTH) {
            user = user.substring(0, MAX_USERNAME_LENGTH);
        }
        String peer = remote.getHostAddress();
        String logUser = forLog(user);

        switch (throttle.check(remote, user)) {
            case Throttle.Decision.Banned banned -> {
                log.info("auth {} throttled user={} remote={} retry-after={}s", protocol, logUser, peer,
                        banned.retryAfter().toSeconds());
                return new AuthResult.Throttled(banned.retryAfter());
            }
            case Throttle.Decision.Proceed proceed -> pause(proceed.delay());
        }

        Optional<Account> account = user.isEmpty() ? Optional.empty() : accounts.account(user);
        boolean ok;
        String reason;
        if (password == null || password.isEmpty() || password.length() > MAX_PASSWORD_LENGTH) {
            Passwords.verify(dummyHash, "x"); // same cost as a real check
            ok = false;
            reason = "empty or overlong password";
        } else if (account.isEmpty()) {
            Passwords.verify(dummyHash, password);
            ok = false;
            reason = "unknown user";
        } else if (verified.contains(user, password, account.get().passwordHash())) {
            ok = true;
            reason = "";
        } else {
            ok = Passwords.verify(account.get().passwordHash(), password);
            reason = ok ? "" : "wrong password";
        }

        if (!ok) {
            throttle.recordFailure(remote, user);
            log.info("auth {} failed user={} remote={} reason={}", protocol, logUser, peer, reason);
            return new AuthResult.Failure(reason);
        }
        throttle.recordSuccess(remote, user);
        Account found = upgradeHash(account.get(), password);
        verified.remember(user, password, found.passwordHash());
        log.info("auth {} ok user={} remote={}", protocol, logUser, peer);
        return new AuthResult.Success(found);
    }

    @Override
    public AuthResult authenticateChallenge(String username, InetAddress remote, String protocol,
                                            java.util.function.Predicate<Account> proof) {
        String user = normalize(username);
        if (user.length() > MAX_USERNAME_LENGTH) {
            user = user.substring(0, MAX_USERNAME_LENGTH);
        }
        String peer = remote.getHostAddress();
        String logUser = forLog(user);
        switch (throttle.check(remote, user)) {
            case Throttle.Decision.Banned banned -> {
                log.info("auth {} throttled user={} remote={} retry-after={}s", protocol, logUser, peer,
                        banned.retryAfter().toSeconds());
                return new AuthResult.Throttled(banned.retryAfter());
            }
            case Throttle.Decision.Proceed proceed -> pause(proceed.delay());
        }
        Optional<Account> account = user.isEmpty() ? Optional.empty() : accounts.account(user);
        if (account.isEmpty() || !proof.test(account.get())) {
            throttle.recordFailure(remote, user);
            String reason = account.isEmpty() ? "unknown user" : "wrong response";
            log.info("auth {} failed user={} remote={} reason={}", protocol, logUser, peer, reason);
            return new AuthResult.Failure(reason);
        }
        throttle.recordSuccess(remote, user);
        log.info("auth {} ok user={} remote={}", protocol, logUser, peer);
        return new AuthResult.Success(account.get());
    }

    /**
     * The login as it may appear in a log line: client-chosen text, so control characters (a CR LF
     * would forge a log line) become '?', and it is cut at 100 characters.
     */
    static String forLog(String user) {
        StringBuilder b = new StringBuilder(Math.min(user.length(), 100));
        for (int i = 0; i < user.length() && i < 100; i++) {
            char c = user.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    private void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            // Shutting down: keep the flag for the session loop and answer the attempt anyway.
            Thread.currentThread().interrupt();
        }
    }

    /** Issue 2: imported (Dovecot) hashes are replaced by the default scheme at the next login. */
    private Account upgradeHash(Account account, String password) {
        if (!Passwords.needsRehash(account.passwordHash())) {
            return account;
        }
        try {
            String fresh = Passwords.hash(password);
            accounts.setPasswordHash(account.id(), fresh);
            log.info("auth upgraded password hash of user={} from {} to {}", account.address(),
                    Passwords.schemeOf(account.passwordHash()).orElse("unknown"), Passwords.DEFAULT_SCHEME);
            return new Account(account.id(), account.address(), fresh, account.quotaBytes(), account.quotaMessages(),
                    account.created());
        } catch (RuntimeException e) {
            // The login itself succeeded; the upgrade is retried next time.
            log.warn("auth could not upgrade password hash of user={}: {}", account.address(), e.toString());
            return account;
        }
    }
}
