package jotmai.shared.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers for a short while that a password was verified for an account, so that clients that log in
 * again and again (a POP3 client polling every minute, a phone reconnecting IMAP, a script submitting
 * mail one connection per message) do not pay the deliberately slow Argon2 check at every login — the
 * same trade Dovecot's auth cache makes.
 *
 * <p>What is kept is no password and no password hash that could be attacked offline without the
 * process's memory: an HMAC-SHA-256 of login and password under a key drawn at start, bound to the
 * stored hash, so that a password change or reset makes the entry useless at once. Only successful
 * checks are remembered: a wrong password never matches, so guessing still pays the full cost and the
 * throttle still counts every failure.
 */
final class VerifiedPasswords {
    static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    /** Beyond this many logins remembered the cache is emptied: it is only a shortcut. */
    static final int MAX_ENTRIES = 100_000;

    private record Entry(byte[] mac, String storedHash, long expiresAtNanos) {}

    private final SecretKeySpec key;
    private final long ttlNanos;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    VerifiedPasswords(Duration ttl) {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.ttlNanos = ttl.toNanos();
    }

    /** Whether {@code password} was verified for {@code user} against this very {@code storedHash} lately. */
    boolean contains(String user, String password, String storedHash) {
        if (ttlNanos <= 0) {
            return false;
        }
        Entry e = entries.get(user);
        if (e == null) {
            return false;
        }
        if (System.nanoTime() - e.expiresAtNanos() >= 0) {
            entries.remove(user, e);
            return false;
        }
        return e.storedHash().equals(storedHash) && MessageDigest.isEqual(e.mac(), mac(user, password));
    }

    void remember(String user, String password, String storedHash) {
        if (ttlNanos <= 0) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(user, new Entry(mac(user, password), storedHash, System.nanoTime() + ttlNanos));
    }

    private byte[] mac(String user, String password) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(user.getBytes(StandardCharsets.UTF_8));
            m.update((byte) 0); // an address never contains NUL: "ab"+"c" and "a"+"bc" differ
            return m.doFinal(password.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }
}
