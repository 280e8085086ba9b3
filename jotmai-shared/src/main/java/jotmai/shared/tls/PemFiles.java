package jotmai.shared.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Reads a PEM certificate chain and private key as certbot (and openssl) write them. */
final class PemFiles {

    /** A PEM file larger than this is not a certificate or a key; refuse before reading it. */
    static final long MAX_PEM_BYTES = 1024 * 1024;

    record KeyAndChain(PrivateKey key, X509Certificate[] chain) {}

    private PemFiles() {
    }

    static KeyAndChain load(Path certChain, Path privateKey) throws IOException, GeneralSecurityException {
        X509Certificate[] chain = readChain(certChain);
        PrivateKey key = readKey(privateKey);
        checkKeyMatches(key, chain[0]);
        return new KeyAndChain(key, chain);
    }

    /** All certificates of a PEM file, leaf first (fullchain.pem order). */
    static X509Certificate[] readChain(Path file) throws IOException, GeneralSecurityException {
        checkSize(file);
        List<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(file)) {
            certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + file);
        }
        return certs.stream().map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
    }

    /**
     * The private key: PKCS#8 ("PRIVATE KEY", certbot's default), PKCS#1 RSA ("RSA PRIVATE KEY") or SEC1
     * EC ("EC PRIVATE KEY", possibly after an "EC PARAMETERS" block). Encrypted keys are refused: a
     * server must start unattended.
     */
    static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        checkSize(file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(r)) {
            for (int i = 0; i < 16; i++) {
                Object o = parser.readObject();
                switch (o) {
                    case null -> throw new GeneralSecurityException("no private key in " + file);
                    case PEMKeyPair pair -> {
                        return converter.getKeyPair(pair).getPrivate();
                    }
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMEncryptedKeyPair ignored ->
                            throw new GeneralSecurityException("encrypted private key in " + file + " is not supported");
                    case PKCS8EncryptedPrivateKeyInfo ignored ->
                            throw new GeneralSecurityException("encrypted private key in " + file + " is not supported");
                    default -> {
                        // EC PARAMETERS or another block before the key: skip it.
                    }
                }
            }
            throw new GeneralSecurityException("no private key among the first blocks of " + file);
        }
    }

    /**
     * Signs random bytes with the key and verifies with the certificate, so a half-renewed pair (new
     * chain, old key) is rejected at load time instead of failing every handshake.
     */
    static void checkKeyMatches(PrivateKey key, X509Certificate leaf) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> throw new GeneralSecurityException("unsupported key type " + key.getAlgorithm());
        };
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(leaf.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("private key does not match the certificate "
                    + leaf.getSubjectX500Principal());
        }
    }

    private static void checkSize(Path file) throws IOException {
        if (Files.size(file) > MAX_PEM_BYTES) {
            throw new IOException(file + " is larger than " + MAX_PEM_BYTES + " bytes");
        }
    }
}
