package jotmai.dkim;

import java.util.Locale;

/**
 * The two canonicalization algorithms of RFC 6376 §3.4, for header fields and bodies. Header fields
 * are handled as ISO-8859-1 strings, so every octet maps to one char and back (UTF-8 header values of
 * RFC 6532 are hashed exactly as received).
 */
public enum Canonicalization {
    SIMPLE("simple"), RELAXED("relaxed");

    private final String tag;

    Canonicalization(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }

    static Canonicalization of(String tag) {
        return switch (tag.toLowerCase(Locale.ROOT)) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw new IllegalArgumentException("unknown canonicalization " + tag);
        };
    }

    /**
     * The canonical form of one header field, without its final CRLF (the caller adds it, except for
     * the DKIM-Signature field itself, §3.7).
     *
     * <p>§3.4.1 simple: unchanged. §3.4.2 relaxed: lower-case name, unfold, WSP runs → one SP, no WSP at
     * the end or around the colon.
     */
    public String header(String raw) {
        String field = raw.endsWith("\r\n") ? raw.substring(0, raw.length() - 2) : raw;
        if (this == SIMPLE) {
            return field;
        }
        int colon = field.indexOf(':');
        if (colon < 0) {
            return field.trim().toLowerCase(Locale.ROOT) + ":";
        }
        String name = field.substring(0, colon).replaceAll("[ \t]+$", "").toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "").replace("\n", "")
                .replaceAll("[ \t]+", " ").trim();
        return name + ":" + value;
    }

    /** A streaming canonicalizer for the body (§3.4.3, §3.4.4), e.g. to feed a digest. */
    public BodyHasher bodyHasher(long lengthLimit) {
        return new BodyHasher(this, lengthLimit);
    }
}
