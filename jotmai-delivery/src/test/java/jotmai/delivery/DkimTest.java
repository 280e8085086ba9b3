package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DKIM signing (RFC 6376, RFC 8463) checked with a verifier written from the RFC text. */
class DkimTest {
    @TempDir Path dataDir;

    final DkimSigner signer() {
        return new DkimSigner(dataDir, Clock.fixed(Instant.parse("2026-11-29T01:00:00Z"), ZoneOffset.UTC));
    }

    static final byte[] MESSAGE = ("From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\n"
            + "Subject:   folded\r\n  subject  line \r\nDate: Sun, 29 Nov 2026 01:00:00 +0000\r\n"
            + "Message-ID: <1@example.test>\r\n\r\nHello  world \t\r\n\r\nsecond line\r\n\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void relaxedBodyCanonicalizationFollowsRfc6376Section344() {
        assertThat(new String(DkimCanonical.body("a  b \t\r\n\r\nc\r\n\r\n\r\n".getBytes()), StandardCharsets.US_ASCII))
                .isEqualTo("a b\r\n\r\nc\r\n");
        assertThat(DkimCanonical.body(new byte[0])).isEmpty();
        assertThat(DkimCanonical.body("\r\n\r\n".getBytes())).isEmpty();
        assertThat(new String(DkimCanonical.body("no newline".getBytes()), StandardCharsets.US_ASCII))
                .isEqualTo("no newline\r\n");
    }

    @Test
    void relaxedHeaderCanonicalizationFollowsRfc6376Section342() {
        assertThat(DkimCanonical.header("SubJect :  a \r\n\t b  \r\n")).isEqualTo("subject:a b");
    }

    @Test
    void anRsaSignatureVerifies() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dataDir, "example.test", "rsa1", DkimKeys.Algorithm.RSA_SHA256);
        assertThat(txt.name()).isEqualTo("rsa1._domainkey.example.test");
        assertThat(txt.value()).startsWith("v=DKIM1; k=rsa; p=");
        byte[] signed = signer().sign(RawMessage.parse(MESSAGE)).toBytes();
        assertThat(new String(signed, StandardCharsets.UTF_8)).startsWith("DKIM-Signature: v=1; a=rsa-sha256; "
                + "c=relaxed/relaxed; d=example.test; s=rsa1;");
        assertThat(DkimVerifier.verify(signed, 0, txt.value())).isTrue();
    }

    @Test
    void anEd25519SignatureVerifiesAndBothKeysSignWhenADomainHasTwo() throws Exception {
        DkimKeys.TxtRecord ed = DkimKeys.generate(dataDir, "example.test", "ed1", DkimKeys.Algorithm.ED25519_SHA256);
        DkimKeys.TxtRecord rsa = DkimKeys.generate(dataDir, "example.test", "rsa1", DkimKeys.Algorithm.RSA_SHA256);
        assertThat(ed.value()).startsWith("v=DKIM1; k=ed25519; p=");
        assertThat(java.util.Base64.getDecoder().decode(ed.value().substring(ed.value().indexOf("p=") + 2)))
                .hasSize(32);
        byte[] signed = signer().sign(RawMessage.parse(MESSAGE)).toBytes();
        RawMessage m = RawMessage.parse(signed);
        assertThat(m.count("DKIM-Signature")).isEqualTo(2);
        // keys are applied in selector order, each new field on top: rsa1 on top, ed1 below
        assertThat(DkimVerifier.verify(signed, 0, rsa.value())).isTrue();
        assertThat(DkimVerifier.verify(signed, 1, ed.value())).isTrue();
        assertThat(DkimKeys.txtRecord(dataDir, "example.test", "ed1")).isEqualTo(ed);
    }

    @Test
    void aChangedBodyOrSubjectNoLongerVerifies() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dataDir, "example.test", "s1", DkimKeys.Algorithm.ED25519_SHA256);
        String signed = new String(signer().sign(RawMessage.parse(MESSAGE)).toBytes(), StandardCharsets.UTF_8);
        assertThat(DkimVerifier.verify(signed.replace("second line", "Second line").getBytes(StandardCharsets.UTF_8),
                0, txt.value())).isFalse();
        assertThat(DkimVerifier.verify(signed.replace("folded", "FOLDED").getBytes(StandardCharsets.UTF_8),
                0, txt.value())).isFalse();
        // whitespace changes are tolerated by relaxed canonicalization
        assertThat(DkimVerifier.verify(signed.replace("Hello  world", "Hello world").getBytes(StandardCharsets.UTF_8),
                0, txt.value())).isTrue();
    }

    @Test
    void aMessageFromADomainWithoutKeysIsNotSigned() {
        RawMessage m = RawMessage.parse(MESSAGE);
        assertThat(signer().sign(m).toBytes()).isEqualTo(m.toBytes());
    }

    @Test
    void keysAreNotOverwrittenAndBadNamesAreRefused() {
        DkimKeys.generate(dataDir, "example.test", "s1", DkimKeys.Algorithm.ED25519_SHA256);
        assertThatThrownBy(() -> DkimKeys.generate(dataDir, "example.test", "s1", DkimKeys.Algorithm.RSA_SHA256))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DkimKeys.generate(dataDir, "../etc", "s1", DkimKeys.Algorithm.RSA_SHA256))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
