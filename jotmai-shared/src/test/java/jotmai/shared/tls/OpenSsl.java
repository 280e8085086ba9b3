package jotmai.shared.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs the Debian {@code openssl} tool (package openssl) to make keys and certificates as real tools do. */
final class OpenSsl {

    private OpenSsl() {
    }

    static void assumeInstalled() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/openssl"));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("openssl is required in CI (Debian package openssl)");
        }
        Assumptions.assumeTrue(present, "openssl not installed");
    }

    static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(p.exitValue()).as("openssl " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    /** A self-signed certificate (cert.pem) for the key in keyFile, subject CN=cn. */
    static void selfSignedCert(Path dir, String keyFile, String certFile, String cn) throws Exception {
        run(dir, "req", "-new", "-x509", "-key", keyFile, "-out", certFile, "-days", "30", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=DNS:" + cn);
    }

    /**
     * What certbot leaves: privkey.pem (PKCS#8) and fullchain.pem (leaf signed by an intermediate CA,
     * followed by the CA certificate).
     */
    static void certbotLikeChain(Path dir, String cn, String keyAlgorithm) throws Exception {
        run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key");
        run(dir, "req", "-new", "-x509", "-key", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test CA");
        if (keyAlgorithm.equals("EC")) {
            run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "privkey.pem");
        } else {
            run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "privkey.pem");
        }
        run(dir, "req", "-new", "-key", "privkey.pem", "-out", "leaf.csr", "-subj", "/CN=" + cn);
        Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=DNS:" + cn + "\n");
        run(dir, "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "cert.pem", "-days", "30", "-extfile", "ext.cnf");
        Files.writeString(dir.resolve("fullchain.pem"),
                Files.readString(dir.resolve("cert.pem")) + Files.readString(dir.resolve("ca.pem")));
    }
}
