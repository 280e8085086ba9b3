package jotmai.shared.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextProviderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void needOpenSsl() {
        OpenSsl.assumeInstalled();
    }

    private static String cn(TlsContextProvider p) {
        return p.chain()[0].getSubjectX500Principal().getName();
    }

    @Test
    void certbotStyleEcKeyAndFullChainLoad() throws Exception {
        OpenSsl.certbotLikeChain(dir, "mail.example.com", "EC");
        TlsContextProvider p = TlsContextProvider.fromPem(dir.resolve("fullchain.pem"), dir.resolve("privkey.pem"));
        assertThat(p.chain()).hasSize(2);
        assertThat(cn(p)).isEqualTo("CN=mail.example.com");
        assertThat(p.get()).isNotNull();
    }

    @Test
    void certbotStyleRsaKeyAndFullChainLoad() throws Exception {
        OpenSsl.certbotLikeChain(dir, "mail.example.com", "RSA");
        TlsContextProvider p = TlsContextProvider.fromPem(dir.resolve("fullchain.pem"), dir.resolve("privkey.pem"));
        assertThat(p.chain()).hasSize(2);
    }

    @Test
    void pkcs1RsaKeysLoad() throws Exception {
        OpenSsl.run(dir, "genrsa", "-traditional", "-out", "rsa.key", "2048");
        assertThat(Files.readString(dir.resolve("rsa.key"))).contains("BEGIN RSA PRIVATE KEY");
        OpenSsl.selfSignedCert(dir, "rsa.key", "cert.pem", "rsa.example");
        assertThat(cn(TlsContextProvider.fromPem(dir.resolve("cert.pem"), dir.resolve("rsa.key"))))
                .isEqualTo("CN=rsa.example");
    }

    @Test
    void sec1EcKeysWithAParametersBlockLoad() throws Exception {
        OpenSsl.run(dir, "ecparam", "-genkey", "-name", "prime256v1", "-out", "ec.key");
        assertThat(Files.readString(dir.resolve("ec.key"))).contains("BEGIN EC PARAMETERS", "BEGIN EC PRIVATE KEY");
        OpenSsl.selfSignedCert(dir, "ec.key", "cert.pem", "ec.example");
        assertThat(cn(TlsContextProvider.fromPem(dir.resolve("cert.pem"), dir.resolve("ec.key"))))
                .isEqualTo("CN=ec.example");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefusedWithAClearMessage() throws Exception {
        OpenSsl.certbotLikeChain(dir, "mail.example.com", "EC");
        OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "other.key");
        assertThatThrownBy(() -> TlsContextProvider.fromPem(dir.resolve("fullchain.pem"), dir.resolve("other.key")))
                .isInstanceOf(TlsSetupException.class).hasMessageContaining("does not match");
    }

    @Test
    void encryptedKeysAreRefused() throws Exception {
        OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
                "-pass", "pass:secret", "-out", "enc.key");
        OpenSsl.run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "plain.key");
        OpenSsl.selfSignedCert(dir, "plain.key", "cert.pem", "x.example");
        assertThatThrownBy(() -> TlsContextProvider.fromPem(dir.resolve("cert.pem"), dir.resolve("enc.key")))
                .isInstanceOf(TlsSetupException.class).hasMessageContaining("encrypted");
    }

    @Test
    void missingOrGarbageFilesAreRefused() throws Exception {
        Files.writeString(dir.resolve("garbage.pem"), "not a pem\n");
        assertThatThrownBy(() -> TlsContextProvider.fromPem(dir.resolve("garbage.pem"), dir.resolve("garbage.pem")))
                .isInstanceOf(TlsSetupException.class);
        assertThatThrownBy(() -> TlsContextProvider.fromPem(dir.resolve("none.pem"), dir.resolve("none.key")))
                .isInstanceOf(TlsSetupException.class).hasMessageContaining("none.pem");
    }

    @Test
    void renewedFilesArePickedUpAndABrokenRenewalKeepsTheWorkingCertificate() throws Exception {
        Path live = Files.createDirectories(dir.resolve("live"));
        Path v1 = Files.createDirectories(dir.resolve("v1"));
        OpenSsl.certbotLikeChain(v1, "old.example.com", "EC");
        Files.copy(v1.resolve("fullchain.pem"), live.resolve("fullchain.pem"));
        Files.copy(v1.resolve("privkey.pem"), live.resolve("privkey.pem"));
        TlsContextProvider p = TlsContextProvider.fromPem(live.resolve("fullchain.pem"), live.resolve("privkey.pem"),
                Duration.ZERO);
        SSLContext first = p.get();
        assertThat(p.get()).isSameAs(first);

        Path v2 = Files.createDirectories(dir.resolve("v2"));
        OpenSsl.certbotLikeChain(v2, "new.example.com", "RSA");
        Files.copy(v2.resolve("fullchain.pem"), live.resolve("fullchain.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(v2.resolve("privkey.pem"), live.resolve("privkey.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        touch(live);
        SSLContext second = p.get();
        assertThat(second).isNotSameAs(first);
        assertThat(cn(p)).isEqualTo("CN=new.example.com");

        // Half a renewal: new chain, key of another certificate. The working pair stays.
        Files.copy(v1.resolve("fullchain.pem"), live.resolve("fullchain.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        touch(live);
        assertThat(p.get()).isSameAs(second);
        assertThat(cn(p)).isEqualTo("CN=new.example.com");

        // The key arrives too: now it loads.
        Files.copy(v1.resolve("privkey.pem"), live.resolve("privkey.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        touch(live);
        assertThat(p.get()).isNotSameAs(second);
        assertThat(cn(p)).isEqualTo("CN=old.example.com");
    }

    /** Copies may land within the file system's timestamp granularity; make the change visible. */
    private static int touches;

    private static void touch(Path live) throws Exception {
        FileTime t = FileTime.from(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(++touches));
        Files.setLastModifiedTime(live.resolve("fullchain.pem"), t);
        Files.setLastModifiedTime(live.resolve("privkey.pem"), t);
    }

    @Test
    void selfSignedIsGeneratedOnceThenReused() throws Exception {
        TlsContextProvider first = TlsContextProvider.selfSigned(dir, "mail.example.org");
        Path key = dir.resolve("tls").resolve(SelfSigned.KEY_FILE);
        assertThat(key).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(cn(first)).isEqualTo("CN=mail.example.org");
        assertThat(first.chain()[0].getSubjectAlternativeNames()).anySatisfy(
                san -> assertThat(san.get(1)).isEqualTo("mail.example.org"));

        TlsContextProvider again = TlsContextProvider.selfSigned(dir, "mail.example.org");
        assertThat(again.chain()[0].getSerialNumber()).isEqualTo(first.chain()[0].getSerialNumber());

        TlsContextProvider renamed = TlsContextProvider.selfSigned(dir, "other.example.org");
        assertThat(cn(renamed)).isEqualTo("CN=other.example.org");
    }

    @Test
    void opensslAcceptsTheSelfSignedCertificateFiles() throws Exception {
        TlsContextProvider.selfSigned(dir, "mail.example.org");
        String text = OpenSsl.run(dir.resolve("tls"), "x509", "-in", SelfSigned.CERT_FILE, "-noout", "-text");
        assertThat(text).contains("DNS:mail.example.org", "TLS Web Server Authentication");
        OpenSsl.run(dir.resolve("tls"), "pkey", "-in", SelfSigned.KEY_FILE, "-noout");
    }
}
