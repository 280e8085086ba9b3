import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jotmai.dkim.DkimKeys;
import jotmai.dkim.DkimResult;
import jotmai.dkim.DkimSigner;
import jotmai.dkim.DkimVerifier;
import jotmai.dkim.KeyLookup;
import jotmai.dkim.MessageHeader;
import jotmai.dkim.SigningKeys;

/**
 * DKIM cost per message, one thread: signing (rsa-sha256 2048 and ed25519-sha256) the way the outbound
 * path does it, with the keys read from disk per message (before SigningKeys) and cached; and
 * verification the way the MX path does it (stream, header parse, body hash, key record parse,
 * signature check) with an in-memory key lookup, so DNS is not measured (the server caches DNS answers
 * for their TTL). Usage: java -cp CP DkimBench.java WORKDIR [MESSAGES=2000] [LEN=5000]
 */
public class DkimBench {
    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int len = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        Files.createDirectories(work);
        String rsaTxt = DkimKeys.generate(work, "rsa.test", "s1", DkimKeys.Algorithm.RSA_SHA256).value();
        String edTxt = DkimKeys.generate(work, "ed.test", "s1", DkimKeys.Algorithm.ED25519_SHA256).value();
        KeyLookup dns = name -> new KeyLookup.Answer.Found(List.of(name.startsWith("s1._domainkey.rsa") ? rsaTxt : edTxt));
        DkimSigner signer = new DkimSigner(Clock.systemUTC());
        DkimVerifier verifier = new DkimVerifier(dns, Clock.systemUTC());
        SigningKeys cache = new SigningKeys(work);
        for (String domain : new String[] {"rsa.test", "ed.test"}) {
            byte[] msg = message(domain, len);
            MessageHeader h = MessageHeader.parse(msg);
            byte[] body = Arrays.copyOfRange(msg, (int) h.bodyOffset(), msg.length);
            for (int round = 0; round < 2; round++) { // round 0 warms the JIT up
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    signer.signatureField(h.fields(), body, DkimKeys.keysFor(work, domain).get(0));
                }
                long t1 = System.nanoTime();
                String field = "";
                for (int i = 0; i < n; i++) {
                    field = signer.signatureField(h.fields(), body, cache.forDomain(domain).get(0));
                }
                long t2 = System.nanoTime();
                byte[] signed = concat(field.getBytes(StandardCharsets.ISO_8859_1), msg);
                for (int i = 0; i < n; i++) {
                    var v = verifier.verify(new ByteArrayInputStream(signed));
                    if (v.results().get(0).result() != DkimResult.Result.PASS) {
                        throw new IllegalStateException("not pass: " + v.results());
                    }
                }
                long t3 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    verifier.verify(new ByteArrayInputStream(msg)); // unsigned: header parse only
                }
                long t4 = System.nanoTime();
                if (round == 1) {
                    System.out.printf("SUMMARY alg=%s len=%d n=%d sign_keys_from_disk=%.0f msg/s sign_keys_cached=%.0f msg/s"
                                    + " verify=%.0f msg/s verify_unsigned=%.0f msg/s%n",
                            domain.startsWith("rsa") ? "rsa-sha256-2048" : "ed25519-sha256", msg.length, n,
                            rate(n, t0, t1), rate(n, t1, t2), rate(n, t2, t3), rate(n, t3, t4));
                }
            }
        }
    }

    static double rate(int n, long from, long to) {
        return n / ((to - from) / 1e9);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] message(String domain, int len) {
        StringBuilder m = new StringBuilder("From: Alice <alice@" + domain + ">\r\nTo: bob@remote.test\r\n"
                + "Subject: dkim bench\r\nDate: Sun, 29 Nov 2026 06:00:00 +0000\r\nMessage-ID: <1@" + domain
                + ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        while (m.length() < len) {
            m.append("The quick brown fox jumps over the lazy dog. 0123456789 abcdefghij\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
