package jotmai.dkim;

/**
 * One header field exactly as received: {@code raw} holds its octets as ISO-8859-1 chars, folded
 * lines and final CRLF included; {@code offset} is where it starts in the message.
 */
public record HeaderField(String name, String raw, long offset) {

    /** The unfolded value after the colon, trimmed. */
    public String value() {
        int colon = raw.indexOf(':');
        return raw.substring(colon + 1).replaceAll("\r?\n", "").trim();
    }

    /** The field's length in octets. */
    public int length() {
        return raw.length();
    }

    static HeaderField of(String raw, long offset) {
        int colon = raw.indexOf(':');
        String name = colon > 0 ? raw.substring(0, colon).trim() : raw.trim();
        return new HeaderField(name, raw, offset);
    }
}
