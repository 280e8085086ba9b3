package jotmai.shared.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-signed certificate used when no certificate is configured (issue 2): generated once under
 * the data directory, reused on later starts. RSA 2048 because every mail client still in use accepts
 * it; SHA-256 signature; the host name as CN and as subjectAltName (RFC 6125 §6.4.4: clients match the
 * SAN); valid for {@link #VALIDITY}.
 */
final class SelfSigned {
    private static final Logger log = LoggerFactory.getLogger(SelfSigned.class);

    static final String CERT_FILE = "selfsigned-fullchain.pem";
    static final String KEY_FILE = "selfsigned-privkey.pem";
    static final Duration VALIDITY = Duration.ofDays(5 * 365);
    /** A certificate closer than this to its end is replaced at startup. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    record PemPair(Path certChain, Path privateKey) {}

    private SelfSigned() {
    }

    static PemPair ensure(Path tlsDir, String hostname) {
        Path cert = tlsDir.resolve(CERT_FILE);
        Path key = tlsDir.resolve(KEY_FILE);
        if (Files.exists(cert) && Files.exists(key)) {
            try {
                PemFiles.KeyAndChain existing = PemFiles.load(cert, key);
                if (stillGood(existing.chain()[0], hostname)) {
                    log.info("TLS: using the self-signed certificate for {} generated earlier in {}", hostname, cert);
                    return new PemPair(cert, key);
                }
            } catch (IOException | GeneralSecurityException e) {
                log.warn("TLS: self-signed certificate in {} unusable ({}), generating a new one", tlsDir,
                        e.getMessage());
            }
        }
        try {
            generate(tlsDir, cert, key, hostname);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new TlsSetupException("cannot create a self-signed certificate in " + tlsDir + ": " + e.getMessage(), e);
        }
        log.warn("TLS: no certificate configured; generated a self-signed certificate for {} in {} "
                + "(clients will warn until a real certificate is configured)", hostname, cert);
        return new PemPair(cert, key);
    }

    private static boolean stillGood(X509Certificate leaf, String hostname) throws CertificateParsingException {
        if (leaf.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
            return false;
        }
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        return sans != null && sans.stream().anyMatch(san -> hostname.equalsIgnoreCase(String.valueOf(san.get(1))));
    }

    private static void generate(Path dir, Path cert, Path key, String hostname)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();

        var name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, hostname).build();
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(63, new SecureRandom());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        GeneralName san = looksLikeIp(hostname)
                ? new GeneralName(GeneralName.iPAddress, hostname)
                : new GeneralName(GeneralName.dNSName, hostname);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));

        // Key first, owner-only, written to a temp file and moved so a crash never leaves half a key.
        writeAtomically(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
        writeAtomically(cert, pem(certificate), false);
    }

    private static boolean looksLikeIp(String host) {
        if (host.contains(":")) {
            return true;
        }
        if (!host.matches("[0-9.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            if (object instanceof JcaPKCS8Generator g) {
                writer.writeObject(g);
            } else {
                writer.writeObject(object);
            }
        }
        return out.toString();
    }

    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
