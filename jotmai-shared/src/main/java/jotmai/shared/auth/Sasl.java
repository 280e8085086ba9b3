package jotmai.shared.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decoders for the SASL mechanisms Jotmai offers: PLAIN (RFC 4616) and LOGIN (the obsolete but
 * universally deployed draft-murchison-sasl-login). Pure functions over the client's base64 text;
 * the protocols (SMTP AUTH RFC 4954, IMAP AUTHENTICATE RFC 9051 §6.2.2, POP3 AUTH RFC 5034) own the
 * exchange: continuation prompts, "*" to cancel, and "=" for an empty initial response.
 */
public final class Sasl {

    /**
     * Longest base64 response accepted. RFC 4616 §2 requires accepting 255 octets for each of authzid,
     * authcid and password; 3 x 255 + 2 NULs encode to 1024 characters, so 2048 leaves room without
     * letting a client make us decode megabytes.
     */
    public static final int MAX_RESPONSE_CHARS = 2048;

    /** Longest single field (authzid, authcid, password, LOGIN user or password) in UTF-8 octets. */
    public static final int MAX_FIELD_OCTETS = 1024;

    /** The LOGIN mechanism's challenges, base64 of "Username:" and "Password:". */
    public static final String LOGIN_USERNAME_CHALLENGE = "VXNlcm5hbWU6";
    public static final String LOGIN_PASSWORD_CHALLENGE = "UGFzc3dvcmQ6";

    /** A client sends "*" to abort an exchange (RFC 4954 §4, RFC 9051 §6.2.2, RFC 5034 §4). */
    public static final String CANCEL = "*";

    /** "=" stands for an empty initial response (RFC 4954 §4, RFC 4959 §3, RFC 5034 §4). */
    public static final String EMPTY_INITIAL_RESPONSE = "=";

    /**
     * A decoded PLAIN response.
     *
     * @param authzid  the identity to act as; always empty or equal to authcid here (we offer no proxy
     *                 authorization), see {@link #decodePlain}
     * @param authcid  the login name
     * @param password the password; never log it
     */
    public record Plain(String authzid, String authcid, String password) {
        @Override
        public String toString() {
            return "Plain[authzid=" + authzid + ", authcid=" + authcid + ", password=<hidden>]";
        }
    }

    private Sasl() {
    }

    /** True when the client's line cancels the exchange. */
    public static boolean isCancel(String line) {
        return CANCEL.equals(line.strip());
    }

    /**
     * Decodes a PLAIN response: base64 of {@code [authzid] NUL authcid NUL passwd} (RFC 4616 §2).
     * authcid and passwd must not be empty and no field may contain NUL. Since Jotmai does not let one
     * user act as another, an authzid that is not empty must equal authcid (case-insensitively, as
     * logins are) — RFC 4616 §2 lets the server refuse authorization identities it does not allow.
     */
    public static Plain decodePlain(String base64) {
        byte[] raw = decodeBase64(base64);
        int first = indexOf(raw, 0);
        int second = first < 0 ? -1 : indexOf(raw, first + 1);
        if (first < 0 || second < 0) {
            throw new SaslException("PLAIN response needs two NUL separators");
        }
        if (indexOf(raw, second + 1) >= 0) {
            throw new SaslException("PLAIN response has more than two NUL separators");
        }
        String authzid = utf8(raw, 0, first);
        String authcid = utf8(raw, first + 1, second);
        String password = utf8(raw, second + 1, raw.length);
        if (authcid.isEmpty() || password.isEmpty()) {
            throw new SaslException("PLAIN response has an empty authcid or password");
        }
        if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(authcid)) {
            throw new SaslException("PLAIN authzid differs from authcid");
        }
        return new Plain(authzid, authcid, password);
    }

    /**
     * Decodes one LOGIN response (the user name after {@link #LOGIN_USERNAME_CHALLENGE}, the password
     * after {@link #LOGIN_PASSWORD_CHALLENGE}): base64 of UTF-8 text without NUL, not empty.
     */
    public static String decodeLogin(String base64) {
        byte[] raw = decodeBase64(base64);
        if (raw.length == 0) {
            throw new SaslException("LOGIN response is empty");
        }
        if (indexOf(raw, 0) >= 0) {
            throw new SaslException("LOGIN response contains NUL");
        }
        return utf8(raw, 0, raw.length);
    }

    /** Base64 of a challenge or of an empty string as "" (the protocol adds "+ " or "334 "). */
    public static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] decodeBase64(String base64) {
        if (base64 == null) {
            throw new SaslException("no response");
        }
        String s = base64.strip();
        if (s.length() > MAX_RESPONSE_CHARS) {
            throw new SaslException("response longer than " + MAX_RESPONSE_CHARS + " characters");
        }
        if (s.equals(EMPTY_INITIAL_RESPONSE)) {
            return new byte[0];
        }
        // RFC 4648 §3.3: reject characters outside the alphabet (the basic decoder does), and require
        // canonical padding so that two different strings never decode to the same response.
        if (s.length() % 4 != 0) {
            throw new SaslException("base64 length is not a multiple of 4");
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new SaslException("invalid base64");
        }
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i < raw.length; i++) {
            if (raw[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String utf8(byte[] raw, int from, int to) {
        if (to - from > MAX_FIELD_OCTETS) {
            throw new SaslException("field longer than " + MAX_FIELD_OCTETS + " octets");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SaslException("field is not valid UTF-8");
        }
    }
}
