package jotmai.dkim;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 6376 §3.2 tag=value lists (signatures and key records). */
final class TagList {

    private TagList() {}

    /**
     * Tag names are case-sensitive; whitespace around names and values and folding are dropped; a
     * trailing ';' is allowed. A duplicate tag is an error (§3.2).
     */
    static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : text.split(";", -1)) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed tag " + part.trim());
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).replaceAll("[ \t\r\n]+", " ").strip();
            if (name.isEmpty() || tags.put(name, value) != null) {
                throw new IllegalArgumentException("empty or duplicate tag " + name);
            }
        }
        return tags;
    }

    /** A base64 value with its embedded whitespace removed (§3.5 b=, bh=; §3.6.1 p=). */
    static String base64(String value) {
        return value.replaceAll("[ \t\r\n]", "");
    }
}
