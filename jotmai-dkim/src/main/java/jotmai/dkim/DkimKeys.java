package jotmai.dkim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * DKIM keys under {@code <dataDir>/dkim/<domain>/<selector>.pem} (PKCS#8 PEM, mode 0600). Several
 * selectors per domain are allowed (e.g. one RSA and one Ed25519 key: the message is signed with
 * both, RFC 8463 §1 recommends dual signing during the transition).
 *
 * <p>Public entry points for the CLI ({@code jotmai dkim generate example.test}):
 * {@link #generate(Path, String, String, Algorithm)} writes the key and returns the TXT record.
 */
public final class DkimKeys {

    /** RFC 8301 §3.2: at least 1024 bits, 2048 recommended; we generate 2048. */
    public static final int RSA_BITS = 2048;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public enum Algorithm {
        RSA_SHA256("rsa-sha256", "rsa"), ED25519_SHA256("ed25519-sha256", "ed25519");

        final String tag;
        final String keyType;

        Algorithm(String tag, String keyType) {
            this.tag = tag;
            this.keyType = keyType;
        }

        /** The a= value (RFC 6376 §3.5, RFC 8463 §3). */
        public String tag() {
            return tag;
        }

        /** The k= value of the key record (RFC 6376 §3.6.1). */
        public String keyType() {
            return keyType;
        }
    }

    /** A signing key with its selector and algorithm. */
    public record SigningKey(String domain, String selector, Algorithm algorithm, PrivateKey key) {}

    /** What to publish: {@code name} IN TXT {@code value}. */
    public record TxtRecord(String name, String value) {
        @Override
        public String toString() {
            return name + ". IN TXT \"" + value + "\"";
        }
    }

    private DkimKeys() {}

    static Path dir(Path dataDir, String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        for (String label : d.split("\\.")) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("not a domain name: " + domain);
            }
        }
        return dataDir.resolve("dkim").resolve(d);
    }

    /**
     * Generates a key for {@code domain} with {@code selector}, stores it (refusing to overwrite) and
     * returns the DNS TXT record to publish at {@code selector._domainkey.domain}.
     */
    public static TxtRecord generate(Path dataDir, String domain, String selector, Algorithm algorithm) {
        if (!LABEL.matcher(selector).matches()) {
            throw new IllegalArgumentException("not a valid selector: " + selector);
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm == Algorithm.RSA_SHA256 ? "RSA" : "Ed25519");
            if (algorithm == Algorithm.RSA_SHA256) {
                g.initialize(RSA_BITS);
            }
            KeyPair pair = g.generateKeyPair();
            Path dir = dir(dataDir, domain);
            Files.createDirectories(dir);
            Path file = dir.resolve(selector + ".pem");
            if (Files.exists(file)) {
                throw new IllegalStateException("a key for selector " + selector + " of " + domain + " exists: " + file);
            }
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Path tmp = dir.resolve(selector + ".pem.tmp");
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return txt(domain, selector, algorithm, pair.getPublic());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The TXT record for an existing key (e.g. to print it again). */
    public static TxtRecord txtRecord(Path dataDir, String domain, String selector) {
        SigningKey k = load(dir(dataDir, domain).resolve(selector + ".pem"), domain);
        return txt(domain, selector, k.algorithm(), publicKey(k));
    }

    /** RFC 6376 §3.6.1; RFC 8463 §4.2: an Ed25519 p= is the raw 32-octet key, not SubjectPublicKeyInfo. */
    static TxtRecord txt(String domain, String selector, Algorithm algorithm, PublicKey pub) {
        byte[] p = pub.getEncoded();
        if (algorithm == Algorithm.ED25519_SHA256) {
            p = Arrays.copyOfRange(p, p.length - 32, p.length);
        }
        return new TxtRecord(selector + "._domainkey." + domain.toLowerCase(Locale.ROOT),
                "v=DKIM1; k=" + algorithm.keyType + "; p=" + Base64.getEncoder().encodeToString(p));
    }

    /** Every key stored for the domain, in selector order; empty when none. */
    public static List<SigningKey> keysFor(Path dataDir, String domain) {
        Path dir;
        try {
            dir = dir(dataDir, domain);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<SigningKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".pem")).sorted().toList()) {
                keys.add(load(f, domain));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    static SigningKey load(Path file, String domain) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII);
            String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(b64);
            String name = file.getFileName().toString();
            String selector = name.substring(0, name.length() - ".pem".length());
            for (String alg : new String[] {"RSA", "Ed25519"}) {
                try {
                    PrivateKey key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                    return new SigningKey(domain.toLowerCase(Locale.ROOT), selector,
                            alg.equals("RSA") ? Algorithm.RSA_SHA256 : Algorithm.ED25519_SHA256, key);
                } catch (GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            throw new IllegalArgumentException("unsupported DKIM key in " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PublicKey publicKey(SigningKey k) {
        try {
            if (k.key() instanceof RSAPrivateCrtKey rsa) {
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            }
            // Ed25519: derive the public key by signing nothing is not possible; use the PKCS#8 v2
            // public part when present, else recompute through a key pair generator seeded with it.
            return Ed25519Public.derive(k.key());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
