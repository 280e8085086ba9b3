package jotmai.delivery;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Signs outbound messages per RFC 6376 with relaxed/relaxed canonicalization, rsa-sha256 or
 * ed25519-sha256 (RFC 8463), with every key stored for the From domain (see {@link DkimKeys}).
 */
final class DkimSigner {

    /** Header fields signed when present (RFC 6376 §5.4.1 recommendations). */
    static final List<String> SIGNED_FIELDS = List.of("from", "to", "cc", "subject", "date", "message-id",
            "reply-to", "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding");

    private final Path dataDir;
    private final Clock clock;

    DkimSigner(Path dataDir, Clock clock) {
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /** The message with one DKIM-Signature field per key of its From domain (unchanged without keys). */
    RawMessage sign(RawMessage message) {
        String domain = message.fromDomain().orElse("");
        if (domain.isEmpty()) {
            return message;
        }
        List<DkimKeys.SigningKey> keys = DkimKeys.keysFor(dataDir, domain);
        RawMessage out = message;
        for (DkimKeys.SigningKey key : keys) {
            out = out.withFieldFirst(signatureField(message, key));
        }
        return out;
    }

    String signatureField(RawMessage message, DkimKeys.SigningKey key) {
        try {
            byte[] bodyHash = MessageDigest.getInstance("SHA-256").digest(DkimCanonical.body(message.body()));
            // RFC 6376 §5.4.2: the i-th instance from the bottom for the i-th occurrence of a name in h=.
            List<String> names = new ArrayList<>();
            List<String> canonical = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String name : SIGNED_FIELDS) {
                if (seen.add(name)) {
                    message.last(name).ifPresent(f -> {
                        names.add(name);
                        canonical.add(DkimCanonical.header(f.raw()));
                    });
                }
            }
            String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag + "; c=relaxed/relaxed; d="
                    + key.domain() + "; s=" + key.selector() + ";\r\n\tt=" + clock.instant().getEpochSecond()
                    + "; h=" + String.join(":", names) + ";\r\n\tbh="
                    + Base64.getEncoder().encodeToString(bodyHash) + ";\r\n\tb=";
            StringBuilder data = new StringBuilder();
            for (String c : canonical) {
                data.append(c).append("\r\n");
            }
            data.append(DkimCanonical.header(unsigned)); // §3.7: without the trailing CRLF
            byte[] signed = data.toString().getBytes(StandardCharsets.UTF_8);
            byte[] signature;
            if (key.algorithm() == DkimKeys.Algorithm.RSA_SHA256) {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(key.key());
                s.update(signed);
                signature = s.sign();
            } else {
                // RFC 8463 §3: Ed25519 (PureEdDSA) signs the SHA-256 hash of the data.
                Signature s = Signature.getInstance("Ed25519");
                s.initSign(key.key());
                s.update(MessageDigest.getInstance("SHA-256").digest(signed));
                signature = s.sign();
            }
            return unsigned + fold(Base64.getEncoder().encodeToString(signature)) + "\r\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("DKIM signing failed for " + key.domain().toLowerCase(Locale.ROOT), e);
        }
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
