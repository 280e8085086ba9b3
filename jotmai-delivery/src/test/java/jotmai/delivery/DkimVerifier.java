package jotmai.delivery;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tests only: an independent-as-possible DKIM verifier for one signature (RFC 6376 §6.1.3), written
 * from the RFC: parse the tags, recompute body hash and header hash from the raw message, check with
 * the public key from the TXT record.
 */
final class DkimVerifier {
    private DkimVerifier() {}

    static Map<String, String> tags(String headerValue) {
        Map<String, String> tags = new HashMap<>();
        for (String part : headerValue.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.put(part.substring(0, eq).trim(), part.substring(eq + 1).replaceAll("\\s", ""));
            }
        }
        return tags;
    }

    /** Verifies the {@code index}-th DKIM-Signature (from the top) against the TXT record value. */
    static boolean verify(byte[] message, int index, String txtValue) throws Exception {
        RawMessage m = RawMessage.parse(message);
        List<RawMessage.Field> sigs = m.fields().stream().filter(f -> f.name().equalsIgnoreCase("DKIM-Signature")).toList();
        RawMessage.Field sig = sigs.get(index);
        Map<String, String> t = tags(sig.value());
        byte[] bh = MessageDigest.getInstance("SHA-256").digest(DkimCanonical.body(m.body()));
        if (!Base64.getEncoder().encodeToString(bh).equals(t.get("bh"))) {
            return false;
        }
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        for (String name : t.get("h").split(":")) {
            List<RawMessage.Field> same = new ArrayList<>();
            for (RawMessage.Field f : m.fields()) {
                if (f.name().equalsIgnoreCase(name)) {
                    same.add(f);
                }
            }
            int n = used.merge(name.toLowerCase(), 1, Integer::sum);
            if (same.size() >= n) {
                data.append(DkimCanonical.header(same.get(same.size() - n).raw())).append("\r\n");
            }
        }
        String raw = sig.raw();
        int b = raw.indexOf("b=", raw.indexOf("bh=") + 3);
        String withoutB = raw.substring(0, b + 2);
        data.append(DkimCanonical.header(withoutB));
        byte[] signedData = data.toString().getBytes(StandardCharsets.UTF_8);
        byte[] signature = Base64.getDecoder().decode(t.get("b"));
        Map<String, String> key = tags(txtValue);
        byte[] p = Base64.getDecoder().decode(key.get("p"));
        if (t.get("a").equals("rsa-sha256")) {
            PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(p));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(pub);
            s.update(signedData);
            return s.verify(signature);
        }
        // RFC 8463: p= is the raw key; wrap it in the fixed SubjectPublicKeyInfo prefix for Ed25519
        byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        byte[] spki = new byte[prefix.length + p.length];
        System.arraycopy(prefix, 0, spki, 0, prefix.length);
        System.arraycopy(p, 0, spki, prefix.length, p.length);
        PublicKey pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(pub);
        s.update(MessageDigest.getInstance("SHA-256").digest(signedData));
        return s.verify(signature);
    }
}
