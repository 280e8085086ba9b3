package jotmai.pop3;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.pop3.SessionState.Authorization;
import jotmai.pop3.SessionState.Closed;
import jotmai.pop3.SessionState.Transaction;
import jotmai.shared.auth.AuthResult;
import jotmai.shared.auth.Sasl;
import jotmai.shared.net.Connection;
import jotmai.store.Account;
import jotmai.store.FlagOperation;
import jotmai.store.Flags;
import jotmai.store.MailStore;
import jotmai.store.Mailbox;
import jotmai.store.MessageMeta;
import jotmai.store.UidSet;

/**
 * The AUTHORIZATION state (RFC 1939 §4, §7): USER/PASS, SASL AUTH PLAIN and LOGIN (RFC 5034), and the
 * move into TRANSACTION: LOGIN-DELAY check, maildrop lock, EXPIRE clean-up, snapshot.
 *
 * <p>Credentials go to the shared {@link jotmai.shared.auth.Authenticator}, which throttles failures
 * across protocols. Passwords are never logged.
 */
final class AuthorizationCommands {
    private static final Logger log = LoggerFactory.getLogger(AuthorizationCommands.class);

    /** Failed logins on one connection before we hang up (the Authenticator also throttles). */
    static final int MAX_AUTH_FAILURES = 3;

    static final List<String> SASL_MECHANISMS = List.of("PLAIN", "LOGIN");

    /** Reads one client line during a SASL exchange. */
    @FunctionalInterface
    interface ClientLines {
        String next() throws IOException;
    }

    private final SessionContext context;
    private final Connection connection;
    private final ResponseWriter out;
    private final ClientLines lines;
    private final Optional<String> apopTimestamp;
    private int failures;

    /**
     * @param apopTimestamp the greeting's RFC 1939 §7 timestamp when APOP is offered
     */
    AuthorizationCommands(SessionContext context, Connection connection, ResponseWriter out, ClientLines lines,
                          Optional<String> apopTimestamp) {
        this.apopTimestamp = apopTimestamp;
        this.context = context;
        this.connection = connection;
        this.out = out;
        this.lines = lines;
    }

    /**
     * RFC 2595 §2.1: no cleartext passwords over a cleartext connection, except from loopback or when
     * the operator allows it.
     */
    boolean plaintextAllowed() {
        return connection.isTls() || connection.isLoopback() || context.config().allowPlaintextAuth();
    }

    SessionState execute(Authorization state, Pop3Command command) throws IOException {
        return switch (command) {
            case Pop3Command.User user -> {
                requirePlaintextAllowed();
                out.ok("send PASS");
                yield new Authorization(Optional.of(user.name()));
            }
            case Pop3Command.Pass pass -> {
                String user = state.user().orElseThrow(() -> new Pop3Exception.Err("send USER first"));
                requirePlaintextAllowed();
                yield login(user, pass.password());
            }
            case Pop3Command.Auth auth -> auth(auth);
            case Pop3Command.Apop apop -> apop(apop);
            case Pop3Command.Quit ignored -> {
                out.ok("Jotmai POP3 server signing off");
                yield new Closed();
            }
            case Pop3Command.Capa ignored -> throw new IllegalStateException("CAPA is handled by the session");
            case Pop3Command.Stls ignored -> throw new IllegalStateException("STLS is handled by the session");
            case Pop3Command.Stat ignored -> throw notYet();
            case Pop3Command.List ignored -> throw notYet();
            case Pop3Command.Retr ignored -> throw notYet();
            case Pop3Command.Dele ignored -> throw notYet();
            case Pop3Command.Noop ignored -> throw notYet();
            case Pop3Command.Rset ignored -> throw notYet();
            case Pop3Command.Top ignored -> throw notYet();
            case Pop3Command.Uidl ignored -> throw notYet();
        };
    }

    private static Pop3Exception.Err notYet() {
        return new Pop3Exception.Err("log in first");
    }

    private void requirePlaintextAllowed() {
        if (!plaintextAllowed()) {
            throw new Pop3Exception.Err(ResponseCode.AUTH, "use STLS before sending a password");
        }
    }

    // RFC 5034 §4 (AUTH), RFC 4616 (PLAIN); LOGIN is the widely used draft-murchison-sasl-login.
    private SessionState auth(Pop3Command.Auth auth) throws IOException {
        if (auth.mechanism().isEmpty()) {
            // Not in RFC 5034, but clients (and RFC 1734 servers before it) list mechanisms this way.
            out.ok("SASL mechanisms follow");
            if (plaintextAllowed()) {
                for (String mechanism : SASL_MECHANISMS) {
                    out.line(mechanism);
                }
            }
            out.end();
            return new Authorization(Optional.empty());
        }
        requirePlaintextAllowed();
        SaslDecoder.Credentials credentials = switch (auth.mechanism().get()) {
            case "PLAIN" -> SaslDecoder.plain(auth.initialResponse().orElseGet(() -> challenge("")));
            case "LOGIN" -> {
                String user = SaslDecoder.loginField(auth.initialResponse()
                        .orElseGet(() -> challenge(Sasl.LOGIN_USERNAME_CHALLENGE)));
                String password = SaslDecoder.loginField(challenge(Sasl.LOGIN_PASSWORD_CHALLENGE));
                yield new SaslDecoder.Credentials(user, password);
            }
            default -> throw new Pop3Exception.Err("unsupported SASL mechanism");
        };
        return login(credentials.username(), credentials.password());
    }

    private String challenge(String base64) {
        try {
            out.continuation(base64);
            out.flush();
            return lines.next();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * RFC 1939 §7 APOP, only when the server offers it (the greeting carried a timestamp) and only for
     * accounts with an APOP secret; anything else is an ordinary, throttled login failure. No cleartext
     * password crosses the wire, so it is allowed without TLS.
     */
    private SessionState apop(Pop3Command.Apop apop) throws IOException {
        String timestamp = apopTimestamp.orElseThrow(
                () -> new Pop3Exception.Err("APOP not supported, use USER/PASS or AUTH"));
        AuthResult result = context.auth().authenticateChallenge(apop.name(), connection.remoteAddress(), "pop3",
                account -> context.accounts().apopSecret(account.id())
                        .map(secret -> Apop.matches(timestamp, secret, apop.digest()))
                        .orElse(false));
        return outcome(apop.name(), result);
    }

    private SessionState login(String user, String password) throws IOException {
        return outcome(user, context.auth().authenticate(user, password, connection.remoteAddress(), "pop3"));
    }

    private SessionState outcome(String user, AuthResult result) throws IOException {
        return switch (result) {
            case AuthResult.Success success -> enterTransaction(success.account());
            case AuthResult.Failure failure -> {
                failures++;
                log.info("session {}: login failed for {}: {}", connection.id(), user, failure.reason());
                if (failures >= MAX_AUTH_FAILURES) {
                    throw new Pop3Exception.Close(ResponseCode.AUTH, "authentication failed, too many attempts");
                }
                // RFC 1939 §7: after a failed PASS the client starts again with USER.
                out.err(Optional.of(ResponseCode.AUTH), "authentication failed");
                yield Authorization.initial();
            }
            case AuthResult.Throttled throttled -> {
                log.info("session {}: login throttled for {}", connection.id(), user);
                throw new Pop3Exception.Close(ResponseCode.AUTH, "too many failed logins, try again later");
            }
        };
    }

    /** RFC 1939 §4: lock the maildrop, take the snapshot, answer +OK. */
    private SessionState enterTransaction(Account account) throws IOException {
        MailStore mail = context.mail();
        Mailbox inbox = mail.mailbox(account.id(), Mailbox.INBOX)
                .orElseThrow(() -> new Pop3Exception.Err(ResponseCode.SYS_PERM, "no INBOX for this account"));
        // RFC 1939 §8 and RFC 2449 §8.1.2: one session per maildrop.
        MailStore.MaildropLock lock = mail.lockMaildrop(account.id())
                .orElseThrow(() -> new Pop3Exception.Err(ResponseCode.IN_USE, "maildrop is in use by another POP3 session"));
        ExpungeWatch watch = null;
        try {
            // RFC 2449 §8.1.1: refused because of LOGIN-DELAY (checked under the lock, so that a refused
            // IN-USE attempt does not count as a login).
            if (!context.loginDelays().tryLogin(account.id(), context.clock().instant(), context.config().loginDelay())) {
                throw new Pop3Exception.Err(ResponseCode.LOGIN_DELAY,
                        "minimum time between logins is " + context.config().loginDelay().toSeconds() + " seconds");
            }
            // Subscribe before listing: an expunge before the listing is not in the snapshot, one after
            // it rings the watch. inbox.highestModSeq() was read before subscribing, so pulls miss nothing.
            watch = ExpungeWatch.subscribe(mail, context.changes(), inbox.id());
            watch.startAt(inbox.highestModSeq());
            Map<Long, Instant> retrieved = mail.retrievedTimes(inbox.id());
            List<MessageMeta> messages = expire(inbox.id(), mail.messages(inbox.id()), retrieved);
            Maildrop maildrop = Maildrop.snapshot(inbox, messages, retrieved.keySet(), context.config().hideSeenOverImap());
            out.ok("maildrop has " + maildrop.liveCount() + " messages (" + maildrop.liveSize() + " octets)");
            log.info("session {}: {} logged in, {} messages", connection.id(), account.address(), maildrop.liveCount());
            return new Transaction(account, maildrop, lock, watch);
        } catch (RuntimeException | IOException e) {
            if (watch != null) {
                watch.close();
            }
            lock.close();
            throw e;
        }
    }

    /**
     * RFC 2449 §6.7 EXPIRE: messages whose first download over POP3 is more than the retention period
     * ago are removed before the snapshot (with EXPIRE 0: at the next login after the download);
     * returns the messages that remain.
     */
    private List<MessageMeta> expire(long mailboxId, List<MessageMeta> messages, Map<Long, Instant> retrieved) {
        if (context.config().expireDays().isEmpty() || retrieved.isEmpty()) {
            return messages;
        }
        Instant now = context.clock().instant();
        Duration retention = Duration.ofDays(context.config().expireDays().getAsInt());
        List<Long> expired = new ArrayList<>();
        List<MessageMeta> kept = new ArrayList<>(messages.size());
        for (MessageMeta m : messages) {
            Instant first = retrieved.get(m.uid());
            if (first != null && now.isAfter(first.plus(retention))) {
                expired.add(m.uid());
            } else {
                kept.add(m);
            }
        }
        if (!expired.isEmpty()) {
            UidSet uids = UidSet.of(expired);
            context.mail().updateFlags(mailboxId, uids, FlagOperation.ADD, Set.of(Flags.DELETED), OptionalLong.empty());
            List<Long> removed = context.mail().expunge(mailboxId, Optional.of(uids));
            log.info("session {}: EXPIRE removed {} messages", connection.id(), removed.size());
        }
        return kept;
    }
}
