package jotmai.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;

/**
 * The public key of an Ed25519 private key. The JDK has no direct derivation; its key pair generator
 * takes the 32-octet private key from the random source (RFC 8032 §5.1.5), so feeding it the stored
 * private key yields the same pair.
 */
final class Ed25519Public {

    private Ed25519Public() {}

    static PublicKey derive(PrivateKey key) throws GeneralSecurityException {
        if (!(key instanceof EdECPrivateKey ed)) {
            throw new GeneralSecurityException("not an Ed25519 key");
        }
        byte[] seed = ed.getBytes().orElseThrow(() -> new GeneralSecurityException("Ed25519 key without bytes"));
        SecureRandom fixed = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
            }
        };
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        g.initialize(NamedParameterSpec.ED25519, fixed);
        return g.generateKeyPair().getPublic();
    }
}
