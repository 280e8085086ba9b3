package jotmai.dkim;

import static jotmai.dkim.DkimSignerTest.CLOCK;
import static jotmai.dkim.DkimSignerTest.MESSAGE;
import static jotmai.dkim.DkimSignerTest.verify;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

import jotmai.dkim.DkimResult.Result;
import jotmai.testkit.DnsStub;

/** Verification per RFC 6376 §6.1 with signatures made here with chosen tags (c=, l=, x=). */
class DkimVerifierTest {
    @TempDir Path dataDir;

    /** A signature over From and Subject with the given canonicalizations and extra tags. */
    static byte[] signWith(byte[] message, DkimKeys.SigningKey key, Canonicalization hc, Canonicalization bc,
                           long l, String extraTags) throws Exception {
        MessageHeader h = MessageHeader.parse(message);
        byte[] body = Arrays.copyOfRange(message, (int) h.bodyOffset(), message.length);
        BodyHasher hasher = bc.bodyHasher(l < 0 ? Long.MAX_VALUE : l);
        hasher.write(body, 0, body.length);
        String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag() + "; c=" + hc.tag() + "/" + bc.tag()
                + "; d=" + key.domain() + "; s=" + key.selector() + ";" + (l >= 0 ? " l=" + l + ";" : "")
                + extraTags + "\r\n\th=From : Subject; bh=" + Base64.getEncoder().encodeToString(hasher.hash())
                + ";\r\n\tb=";
        String data = hc.header(h.last("From").orElseThrow().raw()) + "\r\n"
                + hc.header(h.last("Subject").orElseThrow().raw()) + "\r\n" + hc.header(unsigned);
        byte[] sig = DkimSigner.sign(key.algorithm(), key.key(), data.getBytes(StandardCharsets.ISO_8859_1));
        byte[] top = (unsigned + Base64.getEncoder().encodeToString(sig) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = Arrays.copyOf(top, top.length + message.length);
        System.arraycopy(message, 0, out, top.length, message.length);
        return out;
    }

    private DkimKeys.SigningKey key(DkimKeys.Algorithm alg, TestKeys keys) {
        keys.publish(DkimKeys.generate(dataDir, "example.test", "s1", alg));
        return DkimKeys.keysFor(dataDir, "example.test").getFirst();
    }

    private static Result only(List<DkimResult> results) {
        assertThat(results).hasSize(1);
        return results.getFirst().result();
    }

    @Test
    void simpleHeaderCanonicalizationPassesUnchangedAndFailsOnChangedWhitespace() throws Exception {
        TestKeys keys = new TestKeys();
        byte[] signed = signWith(MESSAGE, key(DkimKeys.Algorithm.RSA_SHA256, keys), Canonicalization.SIMPLE,
                Canonicalization.SIMPLE, -1, "");
        assertThat(only(verify(signed, keys))).isEqualTo(Result.PASS);
        String s = new String(signed, StandardCharsets.ISO_8859_1);
        assertThat(only(verify(s.replace("Subject:   folded", "Subject: folded").getBytes(StandardCharsets.ISO_8859_1),
                keys))).isEqualTo(Result.FAIL);
        assertThat(only(verify(s.replace("Hello  world", "Hello world").getBytes(StandardCharsets.ISO_8859_1),
                keys))).isEqualTo(Result.FAIL);
    }

    @Test
    void bodyLengthLimitIgnoresAppendedTextButFailsWhenLongerThanTheBody() throws Exception {
        TestKeys keys = new TestKeys();
        DkimKeys.SigningKey k = key(DkimKeys.Algorithm.ED25519_SHA256, keys);
        byte[] signed = signWith(MESSAGE, k, Canonicalization.RELAXED, Canonicalization.RELAXED, 10, "");
        byte[] appended = (new String(signed, StandardCharsets.ISO_8859_1) + "Buy now!\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(only(verify(appended, keys))).isEqualTo(Result.PASS);
        byte[] tooLong = signWith(MESSAGE, k, Canonicalization.RELAXED, Canonicalization.RELAXED, 10_000, "");
        assertThat(verify(tooLong, keys).getFirst().reason()).isEqualTo("l= exceeds the body length");
    }

    @Test
    void aMessageWithoutSignaturesHasNoResults() throws Exception {
        assertThat(verify(MESSAGE, new TestKeys())).isEmpty();
        assertThat(AuthenticationResults.field("mx.example.test", List.of()))
                .isEqualTo("Authentication-Results: mx.example.test;\r\n\tdkim=none\r\n");
    }

    @Test
    void keyLookupProblemsGiveTemperrorOrPermerror() throws Exception {
        TestKeys keys = new TestKeys();
        byte[] signed = signWith(MESSAGE, key(DkimKeys.Algorithm.RSA_SHA256, keys), Canonicalization.RELAXED,
                Canonicalization.RELAXED, -1, "");
        String name = "s1._domainkey.example.test";
        keys.answers.put(name, new KeyLookup.Answer.TempFail("SERVFAIL"));
        assertThat(only(verify(signed, keys))).isEqualTo(Result.TEMPERROR);
        keys.answers.remove(name);
        assertThat(only(verify(signed, keys))).isEqualTo(Result.PERMERROR);
        keys.publish(name, "v=DKIM1; k=rsa; p=");
        assertThat(verify(signed, keys).getFirst().reason()).isEqualTo("key revoked");
        keys.publish(name, "v=DKIM1; k=ed25519; p=AAAA");
        assertThat(only(verify(signed, keys))).isEqualTo(Result.PERMERROR);
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(512);
        keys.publish(name, "v=DKIM1; p=" + Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded()));
        assertThat(verify(signed, keys).getFirst().reason()).contains("shorter than 1024");
    }

    @Test
    void malformedOrUnacceptableSignaturesArePermerrorsAndExpiredOnesFail() throws Exception {
        TestKeys keys = new TestKeys();
        DkimKeys.SigningKey k = key(DkimKeys.Algorithm.RSA_SHA256, keys);
        String good = new String(signWith(MESSAGE, k, Canonicalization.RELAXED, Canonicalization.RELAXED, -1, ""),
                StandardCharsets.ISO_8859_1);
        assertThat(verify(good.replace("a=rsa-sha256", "a=rsa-sha1").getBytes(StandardCharsets.ISO_8859_1), keys))
                .singleElement().satisfies(r -> {
                    assertThat(r.result()).isEqualTo(Result.PERMERROR);
                    assertThat(r.domain()).isEqualTo("example.test");
                });
        assertThat(only(verify(good.replace("h=From : Subject", "h=Subject").getBytes(StandardCharsets.ISO_8859_1),
                keys))).isEqualTo(Result.PERMERROR);
        assertThat(only(verify(good.replace("; bh=", "; bh=x; bh=").getBytes(StandardCharsets.ISO_8859_1), keys)))
                .isEqualTo(Result.PERMERROR);
        long past = CLOCK.instant().getEpochSecond() - 60;
        byte[] expired = signWith(MESSAGE, k, Canonicalization.RELAXED, Canonicalization.RELAXED, -1, " x=" + past + ";");
        assertThat(verify(expired, keys).getFirst().reason()).isEqualTo("signature expired");
    }

    @Test
    void garbageSignatureFieldsArePermerrorsNeverExceptions() throws Exception {
        String[] garbage = {"DKIM-Signature:\r\n", "DKIM-Signature: ;;;\r\n", "DKIM-Signature: v=1; a=\r\n",
            "DKIM-Signature: v=1; a=rsa-sha256; b=!!; bh=@@; d=x.test; h=from; s=s; c=odd/odd\r\n",
            "DKIM-Signature: v=1; a=rsa-sha256; b=; bh=; d=x.test; h=from; s=s; l=-5; x=soon\r\n",
            "DKIM-Signature: v=1; a=ed25519-sha256; b=AAAA; bh=AAAA; d=x.test; h=from; s=s; i=@other.test\r\n",
            "DKIM-Signature: =; ==; a==b\r\n\t\r\n"};
        for (String g : garbage) {
            byte[] m = (g + new String(MESSAGE, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
            assertThat(verify(m, new TestKeys())).as(g).singleElement().satisfies(r ->
                    assertThat(r.result()).isIn(Result.PERMERROR, Result.FAIL));
        }
        // more signatures than we check: the first MAX_SIGNATURES are reported, the rest ignored
        byte[] many = (garbage[1].repeat(DkimVerifier.MAX_SIGNATURES + 3) + new String(MESSAGE, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(verify(many, new TestKeys())).hasSize(DkimVerifier.MAX_SIGNATURES);
    }

    @Test
    void authenticationResultsNamesEachSignatureAndRecognisesOurAuthservId() throws Exception {
        String field = AuthenticationResults.field("mx.example.test", List.of(
                new DkimResult(Result.PASS, "example.test", "s1", "rsa-sha256", "ab/+cd12", ""),
                new DkimResult(Result.FAIL, "other.test", "s2", "ed25519-sha256", "xyz", "body hash did not verify")));
        assertThat(field).isEqualTo("Authentication-Results: mx.example.test;\r\n"
                + "\tdkim=pass header.d=example.test header.s=s1 header.a=rsa-sha256 header.b=\"ab/+cd12\";\r\n"
                + "\tdkim=fail reason=\"body hash did not verify\" header.d=other.test header.s=s2"
                + " header.a=ed25519-sha256 header.b=xyz\r\n");
        HeaderField forged = HeaderField.of("Authentication-Results: (spoofed) MX.Example.Test 1; dkim=pass\r\n", 0);
        assertThat(AuthenticationResults.claims(forged, "mx.example.test")).isTrue();
        assertThat(AuthenticationResults.claims(HeaderField.of("Authentication-Results: other.test; dkim=pass\r\n", 0),
                "mx.example.test")).isFalse();
    }

    @Test
    void keysAreLookedUpAsTxtRecordsThroughTheConfiguredResolver() throws Exception {
        DkimKeys.TxtRecord txt = DkimKeys.generate(dataDir, "example.test", "s1", DkimKeys.Algorithm.RSA_SHA256);
        byte[] signed = signWith(MESSAGE, DkimKeys.keysFor(dataDir, "example.test").getFirst(),
                Canonicalization.RELAXED, Canonicalization.SIMPLE, -1, "");
        try (DnsStub dns = new DnsStub()) {
            // a long key split into two character-strings, as DNS requires (RFC 6376 §3.6.2.2)
            String v = txt.value();
            dns.add(new TXTRecord(Name.fromString(txt.name() + "."), DClass.IN, 300,
                    List.of(v.substring(0, 200), v.substring(200))));
            DnsKeyLookup lookup = new DnsKeyLookup(java.util.Optional.of(dns.address()));
            assertThat(only(verify(signed, lookup))).isEqualTo(Result.PASS);
            assertThat(lookup.txt("nothing._domainkey.example.test")).isInstanceOf(KeyLookup.Answer.NotFound.class);
        }
    }
}
