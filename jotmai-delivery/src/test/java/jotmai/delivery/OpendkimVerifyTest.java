package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our DKIM signatures checked by an independent verifier: OpenDKIM's test mode ({@code opendkim -t},
 * Debian package opendkim) with the public key given through {@code TestPublicKeys}, so no DNS is used.
 */
class OpendkimVerifyTest {
    static final Path OPENDKIM = Path.of("/usr/sbin/opendkim");

    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(DkimKeys.Algorithm.class)
    void opendkimAcceptsOurSignature(DkimKeys.Algorithm algorithm) throws Exception {
        boolean present = Files.isExecutable(OPENDKIM);
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present).as("opendkim (Debian package opendkim) is installed").isTrue();
        }
        Assumptions.assumeTrue(present, "opendkim not installed");
        DkimKeys.TxtRecord txt = DkimKeys.generate(dir, "example.test", "sel", algorithm);
        byte[] signed = new DkimSigner(dir, Clock.systemUTC()).sign(RawMessage.parse(DkimTest.MESSAGE)).toBytes();
        Path msg = dir.resolve("msg.eml");
        Files.write(msg, signed);
        Path keys = dir.resolve("keys");
        Files.writeString(keys, txt.name() + " " + txt.value() + "\n");
        Path conf = dir.resolve("opendkim.conf");
        Files.writeString(conf, "Mode v\nTestPublicKeys " + keys + "\nSyslog no\nLogResults yes\n"
                + "AlwaysAddARHeader yes\n");
        Process p = new ProcessBuilder(OPENDKIM.toString(), "-x", conf.toString(), "-vvv", "-t", msg.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as(out).contains("dkim=pass").contains("header.a=" + algorithm.tag)
                .contains("verification (s=sel, d=example.test").contains(") succeeded");
    }
}
