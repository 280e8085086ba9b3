package jotmai.dkim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes DKIM-Signature fields per RFC 6376 §5 with relaxed/relaxed canonicalization, rsa-sha256 or
 * ed25519-sha256 (RFC 8463).
 */
public final class DkimSigner {

    /** Header fields signed when present (RFC 6376 §5.4.1 recommendations). */
    public static final List<String> SIGNED_FIELDS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "reply-to", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding");

    private final Clock clock;

    public DkimSigner(Clock clock) {
        this.clock = clock;
    }

    /**
     * The DKIM-Signature field (with final CRLF) to put on top of the message.
     *
     * @param header the message's header fields, top to bottom
     * @param body   the body octets (after the empty line)
     */
    public String signatureField(List<HeaderField> header, byte[] body, DkimKeys.SigningKey key) {
        BodyHasher bodyHash = Canonicalization.RELAXED.bodyHasher(Long.MAX_VALUE);
        bodyHash.write(body, 0, body.length);
        // §5.4.2: the i-th instance from the bottom for the i-th occurrence of a name in h=; we sign the
        // last instance of each name once.
        List<String> names = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        Set<String> seen = new HashSet<>();
        for (String name : SIGNED_FIELDS) {
            if (!seen.add(name)) {
                continue;
            }
            for (int i = header.size() - 1; i >= 0; i--) {
                if (header.get(i).name().equalsIgnoreCase(name)) {
                    names.add(name);
                    data.append(Canonicalization.RELAXED.header(header.get(i).raw())).append("\r\n");
                    break;
                }
            }
        }
        String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag() + "; c=relaxed/relaxed; d="
                + key.domain() + "; s=" + key.selector() + ";\r\n\tt=" + clock.instant().getEpochSecond()
                + "; h=" + String.join(":", names) + ";\r\n\tbh="
                + Base64.getEncoder().encodeToString(bodyHash.hash()) + ";\r\n\tb=";
        data.append(Canonicalization.RELAXED.header(unsigned)); // §3.7: without the trailing CRLF
        try {
            byte[] signature = sign(key.algorithm(), key.key(), data.toString().getBytes(StandardCharsets.ISO_8859_1));
            return unsigned + fold(Base64.getEncoder().encodeToString(signature)) + "\r\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing failed for " + key.domain(), e);
        }
    }

    static byte[] sign(DkimKeys.Algorithm algorithm, PrivateKey key, byte[] data) throws GeneralSecurityException {
        if (algorithm == DkimKeys.Algorithm.RSA_SHA256) {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(data);
            return s.sign();
        }
        // RFC 8463 §3: Ed25519 (PureEdDSA) signs the SHA-256 hash of the data.
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key);
        s.update(MessageDigest.getInstance("SHA-256").digest(data));
        return s.sign();
    }

    static boolean verify(DkimKeys.Algorithm algorithm, PublicKey key, byte[] data, byte[] signature)
            throws GeneralSecurityException {
        if (algorithm == DkimKeys.Algorithm.RSA_SHA256) {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        }
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(MessageDigest.getInstance("SHA-256").digest(data));
        return s.verify(signature);
    }

    /** Folds the b= value into 72-character pieces; verifiers drop the whitespace (§3.5 b=). */
    private static String fold(String b64) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b64.length(); i += 72) {
            if (i > 0) {
                out.append("\r\n\t ");
            }
            out.append(b64, i, Math.min(b64.length(), i + 72));
        }
        return out.toString();
    }
}
