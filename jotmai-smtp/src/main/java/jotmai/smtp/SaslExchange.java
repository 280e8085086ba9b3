package jotmai.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jotmai.shared.auth.Sasl;
import jotmai.shared.auth.SaslException;

/**
 * The SASL exchanges of AUTH (RFC 4954 §4): PLAIN (RFC 4616) and LOGIN, decoded with the shared
 * {@link Sasl}. Returns the credentials; the session checks them with the shared Authenticator.
 * Never logs a password.
 */
final class SaslExchange {

    record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + ", <hidden>]";
        }
    }

    private final SmtpReader in;
    private final ReplyWriter out;

    SaslExchange(SmtpReader in, ReplyWriter out) {
        this.in = in;
        this.out = out;
    }

    Credentials run(Command.Auth auth) throws IOException {
        try {
            return switch (auth.mechanism()) {
                case "PLAIN" -> {
                    Sasl.Plain p = Sasl.decodePlain(initialOrChallenge(auth.initialResponse(), ""));
                    yield new Credentials(p.authcid(), p.password());
                }
                case "LOGIN" -> {
                    String user = Sasl.decodeLogin(initialOrChallenge(auth.initialResponse(),
                            Sasl.LOGIN_USERNAME_CHALLENGE));
                    yield new Credentials(user, Sasl.decodeLogin(challenge(Sasl.LOGIN_PASSWORD_CHALLENGE)));
                }
                default -> throw new SmtpReply(504, "5.5.4", "Unrecognized authentication mechanism");
            };
        } catch (SaslException e) {
            throw new SmtpReply(501, "5.5.2", "Cannot decode response"); // RFC 4954 §4
        }
    }

    private String initialOrChallenge(Optional<String> initial, String challenge) throws IOException {
        if (initial.isPresent()) {
            // RFC 4954 §4: "=" is an empty initial response
            return initial.get().equals(Sasl.EMPTY_INITIAL_RESPONSE) ? "" : initial.get();
        }
        return challenge(challenge);
    }

    private String challenge(String base64) throws IOException {
        out.reply(334, "", base64);
        SmtpReader.Line line = in.readLine(SmtpReader.MAX_LINE);
        if (!line.ok()) {
            throw new SmtpReply(500, "5.5.6", "Authentication exchange line too long or malformed");
        }
        String text = new String(line.bytes(), StandardCharsets.US_ASCII);
        if (Sasl.isCancel(text)) {
            throw new SmtpReply(501, "5.0.0", "Authentication cancelled"); // RFC 4954 §4
        }
        return text;
    }
}
