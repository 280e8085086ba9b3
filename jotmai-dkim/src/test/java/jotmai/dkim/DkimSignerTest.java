package jotmai.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jotmai.dkim.DkimResult.Result;

/** DKIM signing (RFC 6376, RFC 8463) checked with our verifier and an in-memory key lookup. */
class DkimSignerTest {
    @TempDir Path dataDir;

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T01:00:00Z"), ZoneOffset.UTC);

    static final byte[] MESSAGE = ("From: Alice <alice@example.test>\r\nTo: bob@remote.test\r\n"
            + "Subject:   folded\r\n  subject  line \r\nDate: Sun, 29 Nov 2026 01:00:00 +0000\r\n"
            + "Message-ID: <1@example.test>\r\n\r\nHello  world \t\r\n\r\nsecond line\r\n\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);

    /** The message with one signature per key, each new one on top (as jotmai-delivery does it). */
    static byte[] sign(byte[] message, List<DkimKeys.SigningKey> keys) {
        MessageHeader h = MessageHeader.parse(message);
        byte[] body = java.util.Arrays.copyOfRange(message, (int) h.bodyOffset(), message.length);
        String fields = "";
        for (DkimKeys.SigningKey k : keys) {
            fields = new DkimSigner(CLOCK).signatureField(h.fields(), body, k) + fields;
        }
        byte[] top = fields.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = java.util.Arrays.copyOf(top, top.length + message.length);
        System.arraycopy(message, 0, out, top.length, message.length);
        return out;
    }

    static List<DkimResult> verify(byte[] message, KeyLookup keys) throws IOException {
        return new DkimVerifier(keys, CLOCK).verify(new ByteArrayInputStream(message)).results();
    }

    static String hash(String body, Canonicalization c) {
        BodyHasher h = c.bodyHasher(Long.MAX_VALUE);
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        h.write(b, 0, b.length);
        return java.util.HexFormat.of().formatHex(h.hash());
    }

    static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void relaxedBodyCanonicalizationFollowsRfc6376Section344() throws Exception {
        assertThat(hash("a  b \t\r\n\r\nc\r\n\r\n\r\n", Canonicalization.RELAXED)).isEqualTo(sha256("a b\r\n\r\nc\r\n"));
        assertThat(hash("", Canonicalization.RELAXED)).isEqualTo(sha256(""));
        assertThat(hash("\r\n\r\n", Canonicalization.RELAXED)).isEqualTo(sha256(""));
        assertThat(hash("no newline", Canonicalization.RELAXED)).isEqualTo(sha256("no newline\r\n"));
        assertThat(hash("  lead\r\n", Canonicalization.RELAXED)).isEqualTo(sha256(" lead\r\n"));
    }

    @Test
    void simpleBodyCanonicalizationFollowsRfc6376Section343() throws Exception {
        assertThat(hash("a  b \r\n\r\n\r\n", Canonicalization.SIMPLE)).isEqualTo(sha256("a  b \r\n"));
        assertThat(hash("", Canonicalization.SIMPLE)).isEqualTo(sha256("\r\n"));
        assertThat(hash("\r\n\r\n", Canonicalization.SIMPLE)).isEqualTo(sha256("\r\n"));
        assertThat(hash(" \r\n", Canonicalization.SIMPLE)).isEqualTo(sha256(" \r\n"));
    }

    @Test
    void relaxedHeaderCanonicalizationFollowsRfc6376Section342() {
        assertThat(Canonicalization.RELAXED.header("SubJect :  a \r\n\t b  \r\n")).isEqualTo("subject:a b");
        assertThat(Canonicalization.SIMPLE.header("SubJect :  a \r\n\t b  \r\n")).isEqualTo("SubJect :  a \r\n\t b  ");
    }

    @Test
    void anRsaSignatureVerifies() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dataDir, "example.test", "rsa1", DkimKeys.Algorithm.RSA_SHA256);
        assertThat(txt.name()).isEqualTo("rsa1._domainkey.example.test");
        assertThat(txt.value()).startsWith("v=DKIM1; k=rsa; p=");
        byte[] signed = sign(MESSAGE, DkimKeys.keysFor(dataDir, "example.test"));
        assertThat(new String(signed, StandardCharsets.UTF_8)).startsWith("DKIM-Signature: v=1; a=rsa-sha256; "
                + "c=relaxed/relaxed; d=example.test; s=rsa1;");
        assertThat(verify(signed, new TestKeys().publish(txt))).singleElement().satisfies(r -> {
            assertThat(r.result()).isEqualTo(Result.PASS);
            assertThat(r.domain()).isEqualTo("example.test");
            assertThat(r.selector()).isEqualTo("rsa1");
            assertThat(r.algorithm()).isEqualTo("rsa-sha256");
        });
    }

    @Test
    void anEd25519SignatureVerifiesAndBothKeysSignWhenADomainHasTwo() throws Exception {
        DkimKeys.TxtRecord ed = DkimKeys.generate(dataDir, "example.test", "ed1", DkimKeys.Algorithm.ED25519_SHA256);
        DkimKeys.TxtRecord rsa = DkimKeys.generate(dataDir, "example.test", "rsa1", DkimKeys.Algorithm.RSA_SHA256);
        assertThat(ed.value()).startsWith("v=DKIM1; k=ed25519; p=");
        assertThat(java.util.Base64.getDecoder().decode(ed.value().substring(ed.value().indexOf("p=") + 2)))
                .hasSize(32);
        byte[] signed = sign(MESSAGE, DkimKeys.keysFor(dataDir, "example.test"));
        assertThat(MessageHeader.parse(signed).all("DKIM-Signature")).hasSize(2);
        assertThat(verify(signed, new TestKeys().publish(ed).publish(rsa))).extracting(DkimResult::result,
                DkimResult::selector).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Result.PASS, "rsa1"),
                org.assertj.core.groups.Tuple.tuple(Result.PASS, "ed1"));
        assertThat(DkimKeys.txtRecord(dataDir, "example.test", "ed1")).isEqualTo(ed);
    }

    @Test
    void aChangedBodyOrSubjectFailsButWhitespaceChangesPass() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dataDir, "example.test", "s1", DkimKeys.Algorithm.ED25519_SHA256);
        String signed = new String(sign(MESSAGE, DkimKeys.keysFor(dataDir, "example.test")), StandardCharsets.UTF_8);
        TestKeys keys = new TestKeys().publish(txt);
        assertThat(verify(signed.replace("second line", "Second line").getBytes(StandardCharsets.UTF_8), keys))
                .singleElement().satisfies(r -> {
                    assertThat(r.result()).isEqualTo(Result.FAIL);
                    assertThat(r.reason()).isEqualTo("body hash did not verify");
                });
        assertThat(verify(signed.replace("folded", "FOLDED").getBytes(StandardCharsets.UTF_8), keys))
                .singleElement().satisfies(r -> {
                    assertThat(r.result()).isEqualTo(Result.FAIL);
                    assertThat(r.reason()).isEqualTo("signature did not verify");
                });
        assertThat(verify(signed.replace("Hello  world", "Hello world").getBytes(StandardCharsets.UTF_8), keys))
                .singleElement().extracting(DkimResult::result).isEqualTo(Result.PASS);
    }

    @Test
    void keysAreNotOverwrittenAndBadNamesAreRefused() {
        DkimKeys.generate(dataDir, "example.test", "s1", DkimKeys.Algorithm.ED25519_SHA256);
        assertThatThrownBy(() -> DkimKeys.generate(dataDir, "example.test", "s1", DkimKeys.Algorithm.RSA_SHA256))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> DkimKeys.generate(dataDir, "../etc", "s1", DkimKeys.Algorithm.RSA_SHA256))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DkimKeys.keysFor(dataDir, "other.test")).isEmpty();
    }
}
