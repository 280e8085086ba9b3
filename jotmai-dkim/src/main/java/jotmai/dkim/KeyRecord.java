package jotmai.dkim;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/** A DKIM key record (RFC 6376 §3.6.1) parsed and checked against the signature that needs it. */
record KeyRecord(PublicKey key, boolean strictIdentity) {

    /** RFC 8301 §3.2: verifiers must not accept RSA keys below 1024 bits. */
    static final int MIN_RSA_BITS = 1024;

    /** Why a key record cannot be used; always a permanent error (RFC 6376 §6.1.2). */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    /** The fixed SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410 §4); p= holds the raw 32 octets. */
    private static final byte[] ED25519_SPKI = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    static KeyRecord parse(String txt, DkimKeys.Algorithm algorithm) throws Unusable {
        Map<String, String> tags;
        try {
            tags = TagList.parse(txt);
        } catch (IllegalArgumentException e) {
            throw new Unusable("key syntax error");
        }
        String v = tags.get("v");
        if (v != null && !v.equals("DKIM1")) {
            throw new Unusable("unknown key version " + v);
        }
        String h = tags.get("h");
        if (h != null && Arrays.stream(h.split(":")).map(String::strip).noneMatch("sha256"::equals)) {
            throw new Unusable("key does not allow sha256");
        }
        String k = tags.getOrDefault("k", "rsa");
        if (!k.equals(algorithm.keyType())) {
            throw new Unusable("key type " + k + " does not match " + algorithm.tag());
        }
        String s = tags.get("s");
        if (s != null && Arrays.stream(s.split(":")).map(String::strip).noneMatch(x -> x.equals("*") || x.equals("email"))) {
            throw new Unusable("key not for email");
        }
        String p = tags.get("p");
        if (p == null) {
            throw new Unusable("key without p=");
        }
        p = TagList.base64(p);
        if (p.isEmpty()) {
            throw new Unusable("key revoked");
        }
        boolean strict = tags.containsKey("t")
                && Arrays.stream(tags.get("t").split(":")).map(String::strip).anyMatch("s"::equals);
        try {
            byte[] der = Base64.getDecoder().decode(p);
            return new KeyRecord(publicKey(der, algorithm), strict);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new Unusable("unreadable public key");
        }
    }

    private static PublicKey publicKey(byte[] der, DkimKeys.Algorithm algorithm) throws GeneralSecurityException, Unusable {
        if (algorithm == DkimKeys.Algorithm.ED25519_SHA256) {
            if (der.length != 32) {
                throw new Unusable("Ed25519 key is not 32 octets");
            }
            byte[] spki = Arrays.copyOf(ED25519_SPKI, ED25519_SPKI.length + 32);
            System.arraycopy(der, 0, spki, ED25519_SPKI.length, 32);
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException notSpki) {
            // Some publish the bare RSAPublicKey (PKCS#1); wrap it in a SubjectPublicKeyInfo.
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(wrapPkcs1(der)));
        }
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new Unusable("RSA key shorter than " + MIN_RSA_BITS + " bits");
        }
        return key;
    }

    /** SEQUENCE { SEQUENCE { rsaEncryption, NULL }, BIT STRING { 0, pkcs1 } } */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] bitString = der(0x03, concat(new byte[] {0}, pkcs1));
        return der(0x30, concat(algId, bitString));
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] len = n < 128 ? new byte[] {(byte) n}
                : n < 256 ? new byte[] {(byte) 0x81, (byte) n}
                : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        return concat(concat(new byte[] {(byte) tag}, len), content);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
