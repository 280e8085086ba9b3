package jotmai.pop3;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.pop3.SessionState.Authorization;
import jotmai.pop3.SessionState.Closed;
import jotmai.pop3.SessionState.Transaction;
import jotmai.shared.net.Connection;
import jotmai.store.StoreException;

/**
 * One POP3 connection, run on its own virtual thread (RFC 1939 §3: greeting, AUTHORIZATION,
 * TRANSACTION, UPDATE).
 *
 * <p>Implementation notes:
 * <ul>
 *   <li>This thread is the only one that reads from and writes to the connection.</li>
 *   <li>Responses are flushed when no further pipelined command is waiting (RFC 2449 §6.6).</li>
 *   <li>Only QUIT in TRANSACTION changes the store. A timeout, a vanished client or a server shutdown
 *       ends the session without UPDATE (RFC 1939 §3, §6), and the maildrop lock is always released.</li>
 *   <li>Failures map once, here: {@link Pop3Exception.Err} → -ERR and go on, {@link Pop3Exception.Close}
 *       → -ERR and hang up, StoreException.Unavailable → -ERR [SYS/TEMP], other store errors →
 *       -ERR [SYS/PERM], bugs → logged with the session id and -ERR [SYS/TEMP].</li>
 * </ul>
 */
final class Pop3Session {
    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);

    /** Erroneous commands (unknown, wrong state, bad arguments) tolerated before we hang up. */
    static final int MAX_ERRORS = 20;

    private final Connection connection;
    private final SessionContext context;
    private final ResponseWriter out;
    private final AuthorizationCommands authorization;
    private final TransactionCommands transaction;
    private final Optional<String> apopTimestamp;
    private LineReader in;
    private SessionState state = Authorization.initial();
    private Optional<Transaction> held = Optional.empty(); // lock and watch to release at the end
    private int errors;

    Pop3Session(Connection connection, SessionContext context) {
        this.connection = connection;
        this.context = context;
        this.in = new LineReader(connection.in());
        this.out = new ResponseWriter(connection.out());
        this.apopTimestamp = context.config().apop()
                ? Optional.of(Apop.timestamp(context.clock().instant())) : Optional.empty();
        this.authorization = new AuthorizationCommands(context, connection, out, this::nextSaslLine, apopTimestamp);
        this.transaction = new TransactionCommands(context, connection, out);
    }

    void run() {
        log.info("session {}: start, {} from {}{}", connection.id(), connection.listenerName(),
                connection.remote(), connection.isTls() ? " (TLS)" : "");
        String outcome = "closed";
        try {
            connection.setIdleTimeout(context.config().idleTimeout());
            // RFC 1939 §4 greeting; §7: with APOP offered it ends in the timestamp the digest covers.
            out.ok("Jotmai POP3 server ready" + apopTimestamp.map(t -> " " + t).orElse(""));
            out.flush();
            while (!(state instanceof Closed)) {
                if (connection.shutdownRequested()) {
                    // Between commands: say goodbye without UPDATE; nothing uncommitted is lost.
                    out.err(Optional.of(ResponseCode.SYS_TEMP), "server shutting down, try again later");
                    outcome = "server shutdown";
                    break;
                }
                LineReader.Result read;
                try {
                    read = in.read();
                } catch (SocketTimeoutException e) {
                    // RFC 1939 §3 autologout: no UPDATE.
                    out.err(Optional.empty(), "autologout timer expired");
                    out.flush();
                    outcome = "idle timeout";
                    break;
                }
                switch (read) {
                    case LineReader.Result.Line line -> handle(line.text());
                    case LineReader.Result.TooLong ignored -> error(new Pop3Exception.Err("line too long"));
                    case LineReader.Result.Flood ignored -> {
                        out.err(Optional.empty(), "line too long, closing");
                        state = new Closed();
                        outcome = "line flood";
                    }
                    case LineReader.Result.Eof ignored -> {
                        state = new Closed();
                        outcome = "client disconnected";
                    }
                }
                // RFC 2449 §6.6: answers to pipelined commands may go out together; flush before
                // the next read would wait for the client.
                if (!in.hasBufferedInput()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            outcome = "connection lost: " + e;
        } finally {
            transaction.close();
            held.ifPresent(Transaction::release);
            log.info("session {}: end ({})", connection.id(), outcome);
        }
    }

    private void handle(String line) throws IOException {
        try {
            Pop3Command command = CommandParser.parse(line);
            state = switch (command) {
                case Pop3Command.Capa ignored -> capa();
                case Pop3Command.Stls ignored -> stls();
                default -> switch (state) {
                    case Authorization a -> authorization.execute(a, command);
                    case Transaction t -> transaction.execute(t, command);
                    case Closed c -> c;
                };
            };
            if (state instanceof Transaction t) {
                held = Optional.of(t);
            }
        } catch (Pop3Exception.Err e) {
            error(e);
        } catch (Pop3Exception.Close e) {
            out.err(e.code(), e.getMessage());
            state = new Closed();
        } catch (Pop3Exception.Abort e) {
            log.warn("session {}: aborted: {}", connection.id(), e.getMessage());
            state = new Closed();
        } catch (StoreException.Unavailable e) {
            log.warn("session {}: store unavailable: {}", connection.id(), e.toString());
            out.err(Optional.of(ResponseCode.SYS_TEMP), "temporarily unavailable, try again later");
        } catch (StoreException e) {
            log.error("session {}: store error", connection.id(), e);
            out.err(Optional.of(ResponseCode.SYS_PERM), "the mail store refused the operation");
        } catch (UncheckedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("session {}: internal error", connection.id(), e);
            out.err(Optional.of(ResponseCode.SYS_TEMP), "internal error");
        }
    }

    private void error(Pop3Exception.Err e) throws IOException {
        out.err(e.code(), e.getMessage());
        if (++errors >= MAX_ERRORS) {
            out.err(Optional.empty(), "too many errors, closing");
            state = new Closed();
        }
    }

    /** RFC 2449 §5: capabilities for the current state and connection. */
    private SessionState capa() throws IOException {
        boolean authorizing = state instanceof Authorization;
        out.ok("capability list follows");
        out.line("TOP");
        out.line("UIDL");
        out.line("RESP-CODES");
        out.line("AUTH-RESP-CODE");
        out.line("PIPELINING");
        if (authorizing && authorization.plaintextAllowed()) {
            out.line("USER");
            out.line("SASL " + String.join(" ", AuthorizationCommands.SASL_MECHANISMS));
        }
        if (authorizing && connection.tlsAvailable() && !connection.isTls()) {
            out.line("STLS");
        }
        // RFC 2449 §6.7 and §6.5: server-wide values, the same for every user.
        out.line(context.config().expireDays().isPresent()
                ? "EXPIRE " + context.config().expireDays().getAsInt() : "EXPIRE NEVER");
        if (!context.config().loginDelay().isZero()) {
            out.line("LOGIN-DELAY " + context.config().loginDelay().toSeconds());
        }
        out.line("IMPLEMENTATION Jotmai");
        out.end();
        return state;
    }

    /** RFC 2595 §4: STLS in AUTHORIZATION only; afterwards the session starts over (§4, last paragraph). */
    private SessionState stls() throws IOException {
        if (!(state instanceof Authorization)) {
            throw new Pop3Exception.Err("STLS only before login");
        }
        if (connection.isTls()) {
            throw new Pop3Exception.Err("TLS already active");
        }
        if (!connection.tlsAvailable()) {
            throw new Pop3Exception.Err("TLS not available");
        }
        out.ok("begin TLS negotiation");
        out.flush();
        connection.startTls(); // discards anything the client pipelined after STLS
        in = new LineReader(connection.in());
        out.rebind(connection.out());
        return Authorization.initial();
    }

    /** The next client line inside a SASL exchange (RFC 5034 §4). */
    private String nextSaslLine() throws IOException {
        return switch (in.read()) {
            case LineReader.Result.Line line -> line.text();
            case LineReader.Result.TooLong ignored -> throw new Pop3Exception.Err("line too long");
            case LineReader.Result.Flood ignored -> throw new Pop3Exception.Close("line too long, closing");
            case LineReader.Result.Eof ignored -> throw new EOFException("client closed during AUTH");
        };
    }
}
