package jotmai.pop3;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decodes the SASL responses POP3 AUTH carries (RFC 5034 §4): base64, "=" for an empty response,
 * "*" to cancel. PLAIN is RFC 4616 §2 (authzid NUL authcid NUL passwd).
 */
final class SaslDecoder {

    record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + ", ***]";
        }
    }

    private SaslDecoder() {}

    static byte[] base64(String response) {
        if (response.equals("*")) {
            throw new Pop3Exception.Err("authentication cancelled");
        }
        if (response.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(response);
        } catch (IllegalArgumentException e) {
            throw new Pop3Exception.Err("invalid base64 in SASL response");
        }
    }

    static String base64Text(String response) {
        return new String(base64(response), StandardCharsets.UTF_8);
    }

    /** RFC 4616 §2; an authorization identity other than the user itself is refused. */
    static Credentials plain(String response) {
        String text = base64Text(response);
        int first = text.indexOf('\0');
        int second = first < 0 ? -1 : text.indexOf('\0', first + 1);
        if (first < 0 || second < 0 || text.indexOf('\0', second + 1) >= 0) {
            throw new Pop3Exception.Err(ResponseCode.AUTH, "malformed PLAIN response");
        }
        String authzid = text.substring(0, first);
        String authcid = text.substring(first + 1, second);
        String password = text.substring(second + 1);
        if (authcid.isEmpty()) {
            throw new Pop3Exception.Err(ResponseCode.AUTH, "malformed PLAIN response");
        }
        if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(authcid)) {
            throw new Pop3Exception.Err(ResponseCode.AUTH, "authorization identity not permitted");
        }
        return new Credentials(authcid, password);
    }

    static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
