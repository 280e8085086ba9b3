package jotmai.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The SASL exchanges of AUTH (RFC 4954 §4): PLAIN (RFC 4616) and LOGIN. Decodes the credentials and
 * returns them; the session checks them with the shared Authenticator. Never logs a password.
 */
final class SaslExchange {

    record Credentials(String username, String password) {}

    private final SmtpReader in;
    private final ReplyWriter out;

    SaslExchange(SmtpReader in, ReplyWriter out) {
        this.in = in;
        this.out = out;
    }

    Credentials run(Command.Auth auth) throws IOException {
        return switch (auth.mechanism()) {
            case "PLAIN" -> plain(auth.initialResponse());
            case "LOGIN" -> login(auth.initialResponse());
            default -> throw new SmtpReply(504, "5.5.4", "Unrecognized authentication mechanism");
        };
    }

    private Credentials plain(Optional<String> initial) throws IOException {
        byte[] response = initial.isPresent() ? decode(initial.get()) : challenge("");
        // RFC 4616 §2: [authzid] NUL authcid NUL passwd
        String s = new String(response, StandardCharsets.UTF_8);
        int first = s.indexOf('\0');
        int second = first < 0 ? -1 : s.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || s.indexOf('\0', second + 1) >= 0) {
            throw new SmtpReply(501, "5.5.2", "Malformed PLAIN response");
        }
        String authzid = s.substring(0, first);
        String authcid = s.substring(first + 1, second);
        if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(authcid)) {
            throw new SmtpReply(535, "5.7.8", "Authentication credentials invalid");
        }
        return new Credentials(authcid, s.substring(second + 1));
    }

    private Credentials login(Optional<String> initial) throws IOException {
        byte[] user = initial.isPresent() ? decode(initial.get()) : challenge("VXNlcm5hbWU6"); // "Username:"
        byte[] password = challenge("UGFzc3dvcmQ6"); // "Password:"
        return new Credentials(new String(user, StandardCharsets.UTF_8), new String(password, StandardCharsets.UTF_8));
    }

    private byte[] challenge(String base64) throws IOException {
        out.reply(334, "", base64);
        SmtpReader.Line line = in.readLine(SmtpReader.MAX_LINE);
        if (!line.ok()) {
            throw new SmtpReply(500, "5.5.6", "Authentication exchange line is too long or malformed");
        }
        String text = new String(line.bytes(), StandardCharsets.US_ASCII);
        if (text.equals("*")) {
            throw new SmtpReply(501, "5.0.0", "Authentication cancelled"); // RFC 4954 §4
        }
        return decode(text);
    }

    private static byte[] decode(String text) {
        if (text.equals("=")) {
            return new byte[0]; // RFC 4954 §4: "=" is an empty initial response
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new SmtpReply(501, "5.5.2", "Invalid base64 data");
        }
    }
}
