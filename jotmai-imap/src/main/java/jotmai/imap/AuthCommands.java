package jotmai.imap;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.imap.protocol.Command;
import jotmai.imap.protocol.ImapException;
import jotmai.imap.protocol.ResponseCode;
import jotmai.shared.auth.AuthResult;
import jotmai.shared.auth.Authenticator;

/**
 * LOGIN (RFC 9051 §6.2.3) and AUTHENTICATE (§6.2.2) with PLAIN (RFC 4616), LOGIN and SASL-IR
 * (RFC 4959). Whether plaintext authentication is allowed on this connection is decided by the session
 * (LOGINDISABLED). Passwords are never logged.
 */
final class AuthCommands {
    private static final Logger log = LoggerFactory.getLogger(AuthCommands.class);
    /** Longest SASL response line we read. */
    static final int MAX_SASL_LINE = 8 * 1024;

    private final SessionContext ctx;
    private final Authenticator authenticator;
    private final InetAddress remote;

    AuthCommands(SessionContext ctx, Authenticator authenticator, InetAddress remote) {
        this.ctx = ctx;
        this.authenticator = authenticator;
        this.remote = remote;
    }

    SessionState login(String user, String password) {
        return check(user, password);
    }

    /**
     * @param readLine reads one client line of the SASL exchange (null at end of stream)
     */
    SessionState authenticate(Command.Authenticate command, Supplier<String> readLine) {
        return switch (command.mechanism()) {
            case "PLAIN" -> {
                String response = command.initialResponse().orElseGet(() -> challenge("", readLine));
                byte[] decoded = decode(response);
                // authzid NUL authcid NUL passwd (RFC 4616 §2)
                String text = new String(decoded, StandardCharsets.UTF_8);
                int first = text.indexOf('\0');
                int second = first < 0 ? -1 : text.indexOf('\0', first + 1);
                if (second < 0) {
                    throw new ImapException.Bad("malformed PLAIN response");
                }
                String authzid = text.substring(0, first);
                String authcid = text.substring(first + 1, second);
                String password = text.substring(second + 1);
                if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(authcid)) {
                    throw new ImapException.No(ResponseCode.AUTHENTICATIONFAILED, "proxy authentication not supported");
                }
                yield check(authcid, password);
            }
            case "LOGIN" -> {
                // the de-facto LOGIN mechanism: "Username:" and "Password:" challenges
                String user = command.initialResponse().map(r -> new String(decode(r), StandardCharsets.UTF_8))
                        .orElseGet(() -> new String(decode(challenge("VXNlcm5hbWU6", readLine)), StandardCharsets.UTF_8));
                String password = new String(decode(challenge("UGFzc3dvcmQ6", readLine)), StandardCharsets.UTF_8);
                yield check(user, password);
            }
            default -> throw new ImapException.No("unsupported authentication mechanism");
        };
    }

    private String challenge(String base64, Supplier<String> readLine) {
        ctx.out.continuationBase64(base64);
        ctx.out.flush();
        String line = readLine.get();
        if (line == null) {
            throw new ImapException.Bye("connection closed during authentication");
        }
        if (line.equals("*")) {
            throw new ImapException.Bad("authentication cancelled"); // RFC 9051 §6.2.2
        }
        return line;
    }

    private static byte[] decode(String base64) {
        if (base64.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new ImapException.Bad("invalid base64");
        }
    }

    private SessionState check(String user, String password) {
        AuthResult result = authenticator.authenticate(user, password, remote, "imap");
        return switch (result) {
            case AuthResult.Success s -> {
                log.info("session {}: authenticated as {}", ctx.sessionId, s.account().address());
                yield new SessionState.Authenticated(s.account());
            }
            case AuthResult.Failure f -> {
                log.info("session {}: authentication failed for {}: {}", ctx.sessionId, user, f.reason());
                throw new ImapException.No(ResponseCode.AUTHENTICATIONFAILED, "authentication failed");
            }
            case AuthResult.Throttled t ->
                    throw new ImapException.No(ResponseCode.UNAVAILABLE, "too many failures, try again later");
        };
    }

    static Optional<String> none() {
        return Optional.empty();
    }
}
