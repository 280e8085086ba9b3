package jotmai.pop3;

import jotmai.shared.auth.Sasl;
import jotmai.shared.auth.SaslException;

/**
 * The POP3 side of SASL (RFC 5034 §4): "*" cancels, decoding errors become -ERR. The mechanisms
 * themselves are decoded by the shared {@link Sasl} (PLAIN RFC 4616, LOGIN).
 */
final class SaslDecoder {

    record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + ", ***]";
        }
    }

    private SaslDecoder() {}

    static Credentials plain(String response) {
        requireNotCancelled(response);
        try {
            Sasl.Plain plain = Sasl.decodePlain(response);
            return new Credentials(plain.authcid(), plain.password());
        } catch (SaslException e) {
            throw new Pop3Exception.Err(ResponseCode.AUTH, "malformed PLAIN response");
        }
    }

    /** One LOGIN field (user name or password). */
    static String loginField(String response) {
        requireNotCancelled(response);
        try {
            return Sasl.decodeLogin(response);
        } catch (SaslException e) {
            throw new Pop3Exception.Err(ResponseCode.AUTH, "malformed LOGIN response");
        }
    }

    private static void requireNotCancelled(String response) {
        if (Sasl.isCancel(response)) {
            throw new Pop3Exception.Err("authentication cancelled");
        }
    }
}
