package jotmai.dkim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jotmai.dkim.DkimResult.Result;

/**
 * Verifies the DKIM signatures of a message (RFC 6376 §6.1; rsa-sha256 and ed25519-sha256 of RFC
 * 8463; simple and relaxed canonicalization; l=) in one pass over the stream: the header is read
 * (bounded), then the body streams through one canonicalizing hasher per signature, so memory does not
 * grow with the message. Keys come from a {@link KeyLookup} (DNS TXT).
 *
 * <p>Result mapping (RFC 8601 §2.7.1): a signature or key record that cannot be used → permerror; DNS
 * failure → temperror; hash or signature mismatch, expired signature → fail.
 */
public final class DkimVerifier {

    /** A header section larger than this is not verified (permerror); SMTP lines are ≤ 1000 octets. */
    public static final int MAX_HEADER_BYTES = 1024 * 1024;

    /** RFC 6376 §6.1: verifiers may limit the signatures they check; the rest are ignored. */
    public static final int MAX_SIGNATURES = 5;

    private final KeyLookup keys;
    private final Clock clock;

    public DkimVerifier(KeyLookup keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The header that was read (for the caller's own checks) and one result per signature checked. */
    public record Verification(MessageHeader header, List<DkimResult> results) {}

    /** A signature whose tags are usable, waiting for its body hash. */
    private record Candidate(HeaderField field, DkimKeys.Algorithm algorithm, Canonicalization headerCanon,
                             long length, String domain, String selector, String identityDomain,
                             List<String> signedNames, byte[] bodyHash, byte[] signature, String headerB,
                             BodyHasher hasher) {}

    private static final class Bad extends Exception {
        final Result result;

        Bad(Result result, String message) {
            super(message);
            this.result = result;
        }
    }

    public Verification verify(InputStream message) throws IOException {
        InputStream in = new BufferedInputStream(message, 64 * 1024);
        MessageHeader header = MessageHeader.read(in, MAX_HEADER_BYTES);
        List<HeaderField> signatures = header.all("DKIM-Signature");
        if (signatures.isEmpty()) {
            return new Verification(header, List.of());
        }
        if (!header.complete()) {
            return new Verification(header, List.of(new DkimResult(Result.PERMERROR, "", "", "", "",
                    "header section too large")));
        }
        List<DkimResult> results = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        for (HeaderField field : signatures.subList(0, Math.min(MAX_SIGNATURES, signatures.size()))) {
            try {
                candidates.add(candidate(field));
                results.add(null); // filled in below, keeping the order of the fields
            } catch (Bad e) {
                Map<String, String> tags = lenientTags(field);
                results.add(new DkimResult(e.result, tags.getOrDefault("d", ""), tags.getOrDefault("s", ""),
                        tags.getOrDefault("a", ""), headerB(tags.getOrDefault("b", "")), e.getMessage()));
            }
        }
        byte[] buffer = new byte[64 * 1024];
        for (int n; !candidates.isEmpty() && (n = in.read(buffer)) > 0; ) {
            for (Candidate c : candidates) {
                c.hasher().write(buffer, 0, n);
            }
        }
        int next = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null) {
                results.set(i, check(candidates.get(next++), header));
            }
        }
        return new Verification(header, List.copyOf(results));
    }

    /** §6.1.1: validate the signature field. */
    private Candidate candidate(HeaderField field) throws Bad {
        Map<String, String> t;
        try {
            t = TagList.parse(field.raw().substring(field.raw().indexOf(':') + 1));
        } catch (IllegalArgumentException e) {
            throw new Bad(Result.PERMERROR, "signature syntax error");
        }
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!t.containsKey(required) || (t.get(required).isEmpty() && !required.equals("b"))) {
                throw new Bad(Result.PERMERROR, "signature without " + required + "=");
            }
        }
        if (!t.get("v").equals("1")) {
            throw new Bad(Result.PERMERROR, "unknown signature version");
        }
        DkimKeys.Algorithm algorithm = switch (t.get("a").toLowerCase(Locale.ROOT)) {
            case "rsa-sha256" -> DkimKeys.Algorithm.RSA_SHA256;
            case "ed25519-sha256" -> DkimKeys.Algorithm.ED25519_SHA256;
            default -> throw new Bad(Result.PERMERROR, "unsupported algorithm"); // rsa-sha1: RFC 8301 §3.1
        };
        String[] c = t.getOrDefault("c", "simple/simple").split("/", -1);
        Canonicalization headerCanon;
        Canonicalization bodyCanon;
        try {
            headerCanon = Canonicalization.of(c[0].strip());
            bodyCanon = c.length > 1 ? Canonicalization.of(c[1].strip()) : Canonicalization.SIMPLE;
        } catch (IllegalArgumentException e) {
            throw new Bad(Result.PERMERROR, "unknown canonicalization");
        }
        String domain = t.get("d").toLowerCase(Locale.ROOT);
        String identityDomain = domain;
        if (t.containsKey("i")) {
            String i = t.get("i");
            identityDomain = i.substring(i.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
            if (!identityDomain.equals(domain) && !identityDomain.endsWith("." + domain)) {
                throw new Bad(Result.PERMERROR, "i= not in d= domain");
            }
        }
        List<String> names = new ArrayList<>();
        for (String n : t.get("h").split(":")) {
            names.add(n.strip().toLowerCase(Locale.ROOT));
        }
        if (!names.contains("from")) {
            throw new Bad(Result.PERMERROR, "From field not signed"); // §5.4
        }
        if (t.containsKey("q") && !t.get("q").contains("dns/txt")) {
            throw new Bad(Result.PERMERROR, "unsupported query method");
        }
        long length = Long.MAX_VALUE;
        if (t.containsKey("l")) {
            try {
                length = Long.parseLong(t.get("l"));
            } catch (NumberFormatException e) {
                throw new Bad(Result.PERMERROR, "bad l= value");
            }
        }
        if (t.containsKey("x")) {
            try {
                long x = Long.parseLong(t.get("x"));
                if (x < clock.instant().getEpochSecond()) {
                    throw new Bad(Result.FAIL, "signature expired");
                }
            } catch (NumberFormatException e) {
                throw new Bad(Result.PERMERROR, "bad x= value");
            }
        }
        byte[] bodyHash;
        byte[] signature;
        try {
            bodyHash = Base64.getDecoder().decode(TagList.base64(t.get("bh")));
            signature = Base64.getDecoder().decode(TagList.base64(t.get("b")));
        } catch (IllegalArgumentException e) {
            throw new Bad(Result.PERMERROR, "bad base64 in b= or bh=");
        }
        return new Candidate(field, algorithm, headerCanon, length, domain, t.get("s"), identityDomain, names,
                bodyHash, signature, headerB(t.get("b")), bodyCanon.bodyHasher(length));
    }

    /** §6.1.2 key, §6.1.3 hashes and signature. */
    private DkimResult check(Candidate c, MessageHeader header) {
        try {
            KeyRecord key = key(c);
            if (key.strictIdentity() && !c.identityDomain().equals(c.domain())) {
                throw new Bad(Result.PERMERROR, "key requires i= domain equal to d=");
            }
            if (c.length() != Long.MAX_VALUE && c.hasher().canonicalLength() < c.length()) {
                throw new Bad(Result.FAIL, "l= exceeds the body length");
            }
            if (!MessageDigest.isEqual(c.hasher().hash(), c.bodyHash())) {
                throw new Bad(Result.FAIL, "body hash did not verify");
            }
            byte[] data = signedData(c, header).getBytes(StandardCharsets.ISO_8859_1);
            boolean ok;
            try {
                ok = DkimSigner.verify(c.algorithm(), key.key(), data, c.signature());
            } catch (GeneralSecurityException e) {
                throw new Bad(Result.PERMERROR, "unusable key or signature");
            }
            if (!ok) {
                throw new Bad(Result.FAIL, "signature did not verify");
            }
            return result(c, Result.PASS, "");
        } catch (Bad e) {
            return result(c, e.result, e.getMessage());
        }
    }

    private KeyRecord key(Candidate c) throws Bad {
        String name = c.selector() + "._domainkey." + c.domain();
        return switch (keys.txt(name)) {
            case KeyLookup.Answer.TempFail f -> throw new Bad(Result.TEMPERROR, "key lookup failed");
            case KeyLookup.Answer.NotFound n -> throw new Bad(Result.PERMERROR, "no key for signature");
            case KeyLookup.Answer.Found found -> {
                String problem = "no usable key";
                for (String txt : found.records()) {
                    try {
                        yield KeyRecord.parse(txt, c.algorithm());
                    } catch (KeyRecord.Unusable u) {
                        problem = u.getMessage();
                    }
                }
                throw new Bad(Result.PERMERROR, problem);
            }
        };
    }

    /** §3.7 / §5.4.2: the signed fields bottom-up per name, then the signature field with b= empty. */
    static String signedData(Candidate c, MessageHeader header) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        for (String name : c.signedNames()) {
            List<HeaderField> same = header.all(name);
            int n = used.merge(name, 1, Integer::sum);
            if (same.size() >= n) { // a name listed more often than present contributes nothing (§5.4.2)
                data.append(c.headerCanon().header(same.get(same.size() - n).raw())).append("\r\n");
            }
        }
        data.append(c.headerCanon().header(withoutSignatureValue(c.field().raw())));
        return data.toString();
    }

    /** The field with the value of its b= tag (and the whitespace around it) removed (§3.5 b=). */
    static String withoutSignatureValue(String raw) {
        int colon = raw.indexOf(':');
        StringBuilder out = new StringBuilder(raw.substring(0, colon + 1));
        String value = raw.substring(colon + 1);
        int start = 0;
        while (start <= value.length()) {
            int semi = value.indexOf(';', start);
            int end = semi < 0 ? value.length() : semi;
            String part = value.substring(start, end);
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals("b")) {
                out.append(part, 0, eq + 1);
                if (semi < 0 && raw.endsWith("\r\n")) {
                    out.append("\r\n");
                }
            } else {
                out.append(part);
            }
            if (semi < 0) {
                break;
            }
            out.append(';');
            start = semi + 1;
        }
        return out.toString();
    }

    private static DkimResult result(Candidate c, Result result, String reason) {
        return new DkimResult(result, c.domain(), c.selector(), c.algorithm().tag(), c.headerB(), reason);
    }

    private static String headerB(String b) {
        String clean = TagList.base64(b);
        return clean.substring(0, Math.min(8, clean.length()));
    }

    private static Map<String, String> lenientTags(HeaderField field) {
        Map<String, String> tags = new HashMap<>();
        for (String part : field.value().split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
            }
        }
        return tags;
    }
}
