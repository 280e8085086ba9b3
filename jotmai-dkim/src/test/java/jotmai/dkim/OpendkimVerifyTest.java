package jotmai.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-check with an independent implementation, OpenDKIM's test mode ({@code opendkim -t}, Debian
 * package opendkim): it verifies our signatures (public key given through {@code TestPublicKeys}, no
 * DNS), and we verify the signatures it makes (simple and relaxed canonicalization).
 */
class OpendkimVerifyTest {
    static final Path OPENDKIM = Path.of("/usr/sbin/opendkim");

    @TempDir Path dir;

    static void assumeOpendkim() {
        boolean present = Files.isExecutable(OPENDKIM);
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present).as("opendkim (Debian package opendkim) is installed").isTrue();
        }
        Assumptions.assumeTrue(present, "opendkim not installed");
    }

    private String opendkim(Path conf, Path msg) throws Exception {
        Process p = new ProcessBuilder(OPENDKIM.toString(), "-x", conf.toString(), "-vvv", "-t", msg.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @ParameterizedTest
    @EnumSource(DkimKeys.Algorithm.class)
    void opendkimAcceptsOurSignature(DkimKeys.Algorithm algorithm) throws Exception {
        assumeOpendkim();
        DkimKeys.TxtRecord txt = DkimKeys.generate(dir, "example.test", "sel", algorithm);
        byte[] signed = DkimSignerTest.sign(DkimSignerTest.MESSAGE, DkimKeys.keysFor(dir, "example.test"));
        Path msg = dir.resolve("msg.eml");
        Files.write(msg, signed);
        Path keys = dir.resolve("keys");
        Files.writeString(keys, txt.name() + " " + txt.value() + "\n");
        Path conf = dir.resolve("opendkim.conf");
        Files.writeString(conf, "Mode v\nTestPublicKeys " + keys + "\nSyslog no\nLogResults yes\n"
                + "AlwaysAddARHeader yes\n");
        String out = opendkim(conf, msg);
        assertThat(out).as(out).contains("dkim=pass").contains("header.a=" + algorithm.tag())
                .contains("verification (s=sel, d=example.test").contains(") succeeded");
    }

    /**
     * OpenDKIM's test mode passes header fields through the milter interface, which drops the
     * whitespace after the colon and puts back one SP; with "simple" header canonicalization its
     * signatures therefore only hold for fields written as "Name: value", as real mail has them.
     */
    static final byte[] CONVENTIONAL = ("From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\n"
            + "Subject: folded\r\n  subject  line \r\nDate: Sun, 29 Nov 2026 01:00:00 +0000\r\n"
            + "Message-ID: <1@example.test>\r\n\r\nHello  world \t\r\n\r\nsecond line\r\n\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(strings = {"simple/simple", "relaxed/relaxed", "relaxed/simple"})
    void weAcceptOpendkimsRsaSignature(String canonicalization) throws Exception {
        assumeOpendkim();
        DkimKeys.TxtRecord txt = DkimKeys.generate(dir, "example.test", "sel", DkimKeys.Algorithm.RSA_SHA256);
        Path key = dir.resolve("dkim/example.test/sel.pem");
        Path msg = dir.resolve("msg.eml");
        Files.write(msg, CONVENTIONAL);
        Path conf = dir.resolve("opendkim.conf");
        Files.writeString(conf, "Mode s\nDomain example.test\nSelector sel\nKeyFile " + key + "\nCanonicalization "
                + canonicalization + "\nSyslog no\nRequireSafeKeys no\n");
        String out = opendkim(conf, msg);
        Matcher m = Pattern.compile("hvalue='([^']*)'").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        String field = "DKIM-Signature: " + m.group(1).replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n";
        byte[] signed = (field + new String(CONVENTIONAL, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(DkimSignerTest.verify(signed, new TestKeys().publish(txt))).singleElement()
                .satisfies(r -> assertThat(r.result()).as(r.reason() + "\n" + field).isEqualTo(DkimResult.Result.PASS));
    }
}
