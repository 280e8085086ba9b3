package jotmai.shared.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes in the scheme-prefixed form Dovecot writes ({@code {SCHEME}encoded}), so a provider
 * can import its users' hashes and they log in with their old passwords.
 *
 * <p>New hashes are always {@code {ARGON2ID}} in PHC string format
 * ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}, RFC 9106 for the function; base64 without
 * padding as the PHC string format and libargon2/libsodium write it). Verified for migration:
 * {@code {ARGON2ID}}, {@code {ARGON2I}}, {@code {BLF-CRYPT}} (bcrypt $2a$/$2b$/$2y$),
 * {@code {SHA512-CRYPT}}, {@code {SHA256-CRYPT}} and {@code {CRYPT}} holding a $6$, $5$ or $2?$ hash.
 * A hash without a {SCHEME} prefix is recognised by its own $id$ prefix. Every comparison of derived
 * bytes is constant-time ({@link MessageDigest#isEqual}); a malformed stored hash never matches.
 */
public final class Passwords {

    /**
     * Argon2id cost for new hashes: 7 MiB, 5 passes, 1 lane. This is one of the equivalent minimum
     * settings in OWASP's Password Storage Cheat Sheet (m=19 MiB/t=2, 12 MiB/t=3, 9 MiB/t=4, 7 MiB/t=5),
     * the one with the least memory, which matters when a burst of logins hashes concurrently (each
     * concurrent verification holds m KiB). Measured with Bouncy Castle's pure-Java Argon2 on this
     * shared 2-core machine: about 35 ms per hash when the machine is quiet, 50 ms at load 2 and 300 ms
     * at load 20+ (19 MiB/t=2 took 110-140 ms quiet; Dovecot's own default 64 MiB/t=3 took 1.2-1.4 s). An offline guesser gets tens of guesses per second per core instead of
     * billions; a provider's login burst of 50/s costs under two cores. One lane because each session
     * runs on one virtual thread. Raising these later is safe: {@link #needsRehash} reports weaker
     * stored hashes and AuthService upgrades them at the next successful login.
     */
    public static final int ARGON2_MEMORY_KIB = 7 * 1024;
    public static final int ARGON2_ITERATIONS = 5;
    public static final int ARGON2_PARALLELISM = 1;
    static final int ARGON2_SALT_BYTES = 16;
    static final int ARGON2_HASH_BYTES = 32;

    /**
     * Upper bounds accepted when verifying a stored Argon2 hash, so that a corrupt or hostile row cannot
     * make one login allocate gigabytes or spin for minutes.
     */
    static final int ARGON2_MAX_MEMORY_KIB = 1024 * 1024;
    static final int ARGON2_MAX_ITERATIONS = 64;
    static final int ARGON2_MAX_PARALLELISM = 16;

    /**
     * Memory all concurrent Argon2 computations of the process may hold, in MiB. A login flood would
     * otherwise allocate m KiB per attempt in parallel (1,000 attempts x 7 MiB = 7 GB); each computation
     * takes permits for its memory and waits (on its virtual thread) when the budget is spent. 128 MiB
     * allows 18 default hashes at once, or two imported Dovecot hashes (64 MiB each). This budget is the
     * one piece of process-wide state here, on purpose: memory is process-wide.
     */
    public static final int ARGON2_MEMORY_BUDGET_MIB = 128;
    private static final Semaphore ARGON2_MEMORY = new Semaphore(ARGON2_MEMORY_BUDGET_MIB, true);

    /** bcrypt only uses the first 72 bytes of a password (OpenBSD crypt, which Dovecot uses, truncates). */
    private static final int BCRYPT_MAX_PASSWORD_BYTES = 72;

    /** The scheme prefix of new hashes. */
    public static final String DEFAULT_SCHEME = "ARGON2ID";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64_ENCODER = Base64.getEncoder().withoutPadding();

    private Passwords() {
    }

    /** Hashes a password with the default scheme: {@code {ARGON2ID}$argon2id$v=19$m=7168,t=5,p=1$...}. */
    public static String hash(String password) {
        byte[] salt = new byte[ARGON2_SALT_BYTES];
        RANDOM.nextBytes(salt);
        Argon2Hash h = new Argon2Hash(Argon2Parameters.ARGON2_id, Argon2Parameters.ARGON2_VERSION_13,
                ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM, salt, new byte[0]);
        byte[] derived = h.derive(password, ARGON2_HASH_BYTES);
        return "{" + DEFAULT_SCHEME + "}" + h.withHash(derived).encode();
    }

    /**
     * True when {@code password} matches {@code storedHash}. Unknown schemes and malformed hashes give
     * false (never an exception), so a broken row behaves like a wrong password.
     */
    public static boolean verify(String storedHash, String password) {
        if (storedHash == null || password == null) {
            return false;
        }
        try {
            Scheme scheme = Scheme.of(storedHash).orElse(null);
            if (scheme == null) {
                return false;
            }
            String encoded = scheme.payload(storedHash);
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            return switch (scheme) {
                case ARGON2ID, ARGON2I -> verifyArgon2(scheme, encoded, password);
                case BLF_CRYPT -> verifyBcrypt(encoded, pw);
                case SHA512_CRYPT -> encoded.startsWith("$6$") && verifySha2Crypt(encoded, pw);
                case SHA256_CRYPT -> encoded.startsWith("$5$") && verifySha2Crypt(encoded, pw);
                case CRYPT -> verifyCrypt(encoded, pw);
            };
        } catch (RuntimeException malformed) {
            // Bad base64, bad numbers, unsupported bcrypt cost...: the hash cannot match anything.
            return false;
        }
    }

    /**
     * True when the stored hash is not in the default scheme with at least the current cost (or cannot
     * be parsed). AuthService then stores a fresh {@link #hash} after a successful login.
     */
    public static boolean needsRehash(String storedHash) {
        if (storedHash == null) {
            return true;
        }
        try {
            if (Scheme.of(storedHash).orElse(null) != Scheme.ARGON2ID) {
                return true;
            }
            Argon2Hash h = Argon2Hash.parse(Scheme.ARGON2ID.payload(storedHash));
            return h.type() != Argon2Parameters.ARGON2_id
                    || h.version() != Argon2Parameters.ARGON2_VERSION_13
                    || h.memoryKib() < ARGON2_MEMORY_KIB
                    // Memory x passes is the work an attacker pays per guess; more memory with fewer
                    // passes (Dovecot's default 64 MiB, t=3) is at least as strong and is kept.
                    || (long) h.memoryKib() * h.iterations() < (long) ARGON2_MEMORY_KIB * ARGON2_ITERATIONS
                    || h.salt().length < ARGON2_SALT_BYTES
                    || h.hash().length < ARGON2_HASH_BYTES;
        } catch (RuntimeException malformed) {
            return true;
        }
    }

    /** The scheme name of a stored hash ("ARGON2ID", "BLF-CRYPT", ...), for logs and admin output. */
    public static Optional<String> schemeOf(String storedHash) {
        return storedHash == null ? Optional.empty() : Scheme.of(storedHash).map(Scheme::label);
    }

    private static boolean verifyArgon2(Scheme scheme, String encoded, String password) {
        Argon2Hash stored = Argon2Hash.parse(encoded);
        int expectedType = scheme == Scheme.ARGON2ID ? Argon2Parameters.ARGON2_id : Argon2Parameters.ARGON2_i;
        if (stored.type() != expectedType) {
            return false;
        }
        byte[] derived = stored.derive(password, stored.hash().length);
        return MessageDigest.isEqual(derived, stored.hash());
    }

    private static boolean verifyBcrypt(String encoded, byte[] password) {
        if (!(encoded.startsWith("$2a$") || encoded.startsWith("$2b$") || encoded.startsWith("$2y$"))) {
            return false;
        }
        byte[] pw = password.length > BCRYPT_MAX_PASSWORD_BYTES
                ? Arrays.copyOf(password, BCRYPT_MAX_PASSWORD_BYTES) : password;
        // OpenBSDBCrypt recomputes with the stored salt and cost and compares in constant time.
        return OpenBSDBCrypt.checkPassword(encoded, pw);
    }

    private static boolean verifySha2Crypt(String encoded, byte[] password) {
        // Sha2Crypt takes the whole "$6$[rounds=N$]salt[$hash]" string as salt and ignores the hash part.
        String computed = encoded.startsWith("$6$")
                ? Sha2Crypt.sha512Crypt(password, encoded)
                : Sha2Crypt.sha256Crypt(password, encoded);
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                encoded.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean verifyCrypt(String encoded, byte[] password) {
        if (encoded.startsWith("$6$") || encoded.startsWith("$5$")) {
            return verifySha2Crypt(encoded, password);
        }
        if (encoded.startsWith("$2")) {
            return verifyBcrypt(encoded, password);
        }
        // DES and MD5 crypt are deliberately not supported: too weak to keep; such users must reset.
        return false;
    }

    /** The schemes we verify, with the labels Dovecot uses in {...} prefixes. */
    enum Scheme {
        ARGON2ID("ARGON2ID", "$argon2id$"),
        ARGON2I("ARGON2I", "$argon2i$"),
        BLF_CRYPT("BLF-CRYPT", "$2"),
        SHA512_CRYPT("SHA512-CRYPT", "$6$"),
        SHA256_CRYPT("SHA256-CRYPT", "$5$"),
        CRYPT("CRYPT", null);

        private final String label;
        private final String barePrefix;

        Scheme(String label, String barePrefix) {
            this.label = label;
            this.barePrefix = barePrefix;
        }

        String label() {
            return label;
        }

        /** The part after "{SCHEME}" (or the whole string for an unprefixed hash). */
        String payload(String stored) {
            return stored.startsWith("{") ? stored.substring(stored.indexOf('}') + 1) : stored;
        }

        static Optional<Scheme> of(String stored) {
            if (stored.startsWith("{")) {
                int end = stored.indexOf('}');
                if (end < 0) {
                    return Optional.empty();
                }
                String name = stored.substring(1, end).toUpperCase(Locale.ROOT);
                for (Scheme s : values()) {
                    if (s.label.equals(name)) {
                        return Optional.of(s);
                    }
                }
                return Optional.empty();
            }
            // No prefix: recognise the crypt-style $id$ (longest prefixes first: argon2id before argon2i).
            for (Scheme s : values()) {
                if (s.barePrefix != null && stored.startsWith(s.barePrefix)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One Argon2 PHC string: {@code $argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>}. The "v=" field may be
     * absent (then version 0x10, as the reference implementation assumes).
     */
    record Argon2Hash(int type, int version, int memoryKib, int iterations, int parallelism, byte[] salt,
                      byte[] hash) {

        static Argon2Hash parse(String phc) {
            String[] parts = phc.split("\\$", -1);
            // ["", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash] or without the "v=" element.
            if (parts.length != 6 && parts.length != 5 || !parts[0].isEmpty()) {
                throw new IllegalArgumentException("not a PHC string");
            }
            int type = switch (parts[1]) {
                case "argon2id" -> Argon2Parameters.ARGON2_id;
                case "argon2i" -> Argon2Parameters.ARGON2_i;
                case "argon2d" -> Argon2Parameters.ARGON2_d;
                default -> throw new IllegalArgumentException("not argon2");
            };
            int i = 2;
            int version = Argon2Parameters.ARGON2_VERSION_10;
            if (parts.length == 6) {
                if (!parts[2].startsWith("v=")) {
                    throw new IllegalArgumentException("bad version field");
                }
                version = Integer.parseInt(parts[2].substring(2));
                if (version != Argon2Parameters.ARGON2_VERSION_10 && version != Argon2Parameters.ARGON2_VERSION_13) {
                    throw new IllegalArgumentException("unknown version");
                }
                i = 3;
            }
            int m = -1;
            int t = -1;
            int p = -1;
            for (String kv : parts[i].split(",")) {
                if (kv.startsWith("m=")) {
                    m = Integer.parseInt(kv.substring(2));
                } else if (kv.startsWith("t=")) {
                    t = Integer.parseInt(kv.substring(2));
                } else if (kv.startsWith("p=")) {
                    p = Integer.parseInt(kv.substring(2));
                } else {
                    throw new IllegalArgumentException("unknown parameter");
                }
            }
            if (m < 8 || m > ARGON2_MAX_MEMORY_KIB || t < 1 || t > ARGON2_MAX_ITERATIONS
                    || p < 1 || p > ARGON2_MAX_PARALLELISM || m < 8 * p) {
                throw new IllegalArgumentException("parameters out of range");
            }
            byte[] salt = decodeB64(parts[i + 1]);
            byte[] hash = decodeB64(parts[i + 2]);
            if (salt.length < 8 || hash.length < 4 || hash.length > 1024) {
                throw new IllegalArgumentException("bad salt or hash length");
            }
            return new Argon2Hash(type, version, m, t, p, salt, hash);
        }

        private static byte[] decodeB64(String s) {
            // PHC omits padding; Java's decoder accepts unpadded input but not stray characters.
            return Base64.getDecoder().decode(s);
        }

        byte[] derive(String password, int length) {
            Argon2Parameters params = new Argon2Parameters.Builder(type)
                    .withVersion(version)
                    .withMemoryAsKB(memoryKib)
                    .withIterations(iterations)
                    .withParallelism(parallelism)
                    .withSalt(salt)
                    .build();
            int permits = Math.min(ARGON2_MEMORY_BUDGET_MIB, Math.max(1, (memoryKib + 1023) / 1024));
            ARGON2_MEMORY.acquireUninterruptibly(permits);
            try {
                Argon2BytesGenerator generator = new Argon2BytesGenerator();
                generator.init(params);
                byte[] out = new byte[length];
                generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
                return out;
            } finally {
                ARGON2_MEMORY.release(permits);
            }
        }

        Argon2Hash withHash(byte[] derived) {
            return new Argon2Hash(type, version, memoryKib, iterations, parallelism, salt, derived);
        }

        String encode() {
            String name = switch (type) {
                case Argon2Parameters.ARGON2_id -> "argon2id";
                case Argon2Parameters.ARGON2_i -> "argon2i";
                default -> "argon2d";
            };
            return "$" + name + "$v=" + version + "$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                    + "$" + B64_ENCODER.encodeToString(salt) + "$" + B64_ENCODER.encodeToString(hash);
        }
    }
}
