package jotmai.imap;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jotmai.shared.auth.AuthResult;
import jotmai.shared.auth.Authenticator;

/**
 * Benchmark helper for {@link DevServer}: remembers successful logins so that a load client opening
 * thousands of sessions for a few users measures sessions, not Argon2id. Test scope only.
 */
final class CachingAuthenticator implements Authenticator {
    private static final int MAX_ENTRIES = 100_000;

    private final Authenticator delegate;
    private final Map<String, AuthResult.Success> cache = new ConcurrentHashMap<>();

    CachingAuthenticator(Authenticator delegate) {
        this.delegate = delegate;
    }

    @Override
    public AuthResult authenticate(String username, String password, InetAddress remote, String protocol) {
        String key = key(username, password);
        AuthResult.Success hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        AuthResult result = delegate.authenticate(username, password, remote, protocol);
        if (result instanceof AuthResult.Success s && cache.size() < MAX_ENTRIES) {
            cache.put(key, s);
        }
        return result;
    }

    private static String key(String username, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(username).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
