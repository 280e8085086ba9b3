package jotmai.pop3;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * RFC 1939 §7 APOP: the greeting's timestamp and the check of the client's digest,
 * MD5(timestamp + shared secret) in lower-case hex.
 *
 * <p>Why a separate secret: APOP needs the secret itself (the server computes the same digest), so it
 * cannot be the Argon2id-hashed password; accounts get one only when an operator sets it
 * ({@code jotmai user apop-secret}), and the server offers APOP only when {@code pop3.apop} is on.
 */
final class Apop {

    /** An MD5 digest in hex. */
    static final int DIGEST_HEX_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Apop() {}

    /**
     * A fresh timestamp for one greeting, in RFC 822 msg-id syntax as §7 asks: unpredictable (random) and
     * never repeated (random plus clock), so that a captured digest cannot be replayed.
     */
    static String timestamp(Instant now) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return "<" + HexFormat.of().formatHex(random) + "." + now.toEpochMilli() + "@jotmai>";
    }

    /** Whether the client's digest is right; compares in constant time. */
    static boolean matches(String timestamp, String secret, String clientDigest) {
        if (clientDigest.length() != DIGEST_HEX_LENGTH) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(md5(timestamp + secret)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = clientDigest.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has MD5", e);
        }
    }
}
