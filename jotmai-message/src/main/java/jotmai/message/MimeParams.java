package jotmai.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses structured MIME header values of the form {@code value *(";" name "=" value)}: Content-Type
 * (RFC 2045 §5.1) and Content-Disposition (RFC 2183), including RFC 2231 parameter continuations
 * ({@code name*0=, name*1=}) and charset/language-tagged values ({@code name*=utf-8''%E0%B8%81}).
 *
 * <p>Lenient by design: a missing '=', stray semicolons, unterminated quotes or unknown charsets never
 * throw; whatever can be understood is returned.
 */
final class MimeParams {
    /** Parameters kept per header value; more are ignored (bounded memory for hostile headers). */
    static final int MAX_PARAMS = 64;
    /** RFC 2231 continuation sections joined per parameter. */
    static final int MAX_SECTIONS = 256;

    private MimeParams() {}

    /** The leading value (e.g. "text/plain" or "attachment") and the parameters in order. */
    record Parsed(String value, List<BodyPart.Param> params) {}

    static Parsed parse(String raw) {
        String text = Text.unfold(raw);
        int semicolon = indexOfUnquoted(text, 0);
        String value = stripComments(text.substring(0, semicolon)).strip();
        return new Parsed(value, parseParams(text, semicolon));
    }

    private record Section(String value, boolean extended) {}

    private static List<BodyPart.Param> parseParams(String text, int from) {
        // Keyed by lower-case base name; insertion order = first appearance.
        Map<String, String> displayNames = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, Section>> sections = new LinkedHashMap<>();
        int i = from;
        int count = 0;
        while (i < text.length() && count < MAX_PARAMS * 4) {
            count++;
            i++; // skip ';'
            int next = indexOfUnquoted(text, i);
            String piece = text.substring(i, next);
            i = next;
            int eq = piece.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = stripComments(piece.substring(0, eq)).strip();
            String value = unquote(piece.substring(eq + 1).strip());
            if (name.isEmpty()) {
                continue;
            }
            boolean extended = name.endsWith("*");
            String base = extended ? name.substring(0, name.length() - 1) : name;
            int index = 0;
            int star = base.lastIndexOf('*');
            if (star > 0 && isDigits(base, star + 1)) {
                try {
                    index = Integer.parseInt(base.substring(star + 1));
                } catch (NumberFormatException e) {
                    index = MAX_SECTIONS;
                }
                base = base.substring(0, star);
            }
            if (index >= MAX_SECTIONS) {
                continue;
            }
            String key = base.toLowerCase(Locale.ROOT);
            if (!sections.containsKey(key) && sections.size() >= MAX_PARAMS) {
                continue;
            }
            displayNames.putIfAbsent(key, base);
            sections.computeIfAbsent(key, k -> new TreeMap<>()).putIfAbsent(index, new Section(value, extended));
        }
        List<BodyPart.Param> params = new ArrayList<>(sections.size());
        for (var entry : sections.entrySet()) {
            params.add(new BodyPart.Param(displayNames.get(entry.getKey()), join(entry.getValue())));
        }
        return List.copyOf(params);
    }

    /**
     * RFC 2231 §3-4: sections are joined in numeric order; extended sections are percent-encoded in
     * the charset named by the first section ({@code charset'language'value}).
     */
    private static String join(TreeMap<Integer, Section> parts) {
        Charset charset = StandardCharsets.UTF_8;
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        boolean first = true;
        for (Section section : parts.values()) {
            String value = section.value();
            if (section.extended()) {
                if (first) {
                    int q1 = value.indexOf('\'');
                    int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
                    if (q2 > 0) {
                        charset = Text.charset(value.substring(0, q1)).orElse(StandardCharsets.UTF_8);
                        value = value.substring(q2 + 1);
                    }
                }
                percentDecode(value, pending);
            } else {
                flush(pending, charset, out);
                out.append(value);
            }
            first = false;
        }
        flush(pending, charset, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream pending, Charset charset, StringBuilder out) {
        if (pending.size() > 0) {
            out.append(new String(pending.toByteArray(), charset));
            pending.reset();
        }
    }

    private static void percentDecode(String value, ByteArrayOutputStream out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()
                    && hex(value.charAt(i + 1)) >= 0 && hex(value.charAt(i + 2)) >= 0) {
                out.write(hex(value.charAt(i + 1)) * 16 + hex(value.charAt(i + 2)));
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, utf8.length);
            }
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static boolean isDigits(String s, int from) {
        if (from >= s.length() || s.length() - from > 4) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Index of the next ';' outside quotes and comments, or the length of the text. */
    private static int indexOfUnquoted(String text, int from) {
        boolean quoted = false;
        int comment = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (comment > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                comment = 1;
            } else if (c == ';') {
                return i;
            }
        }
        return text.length();
    }

    /** A quoted-string's content with quoted-pairs resolved; a token with trailing comments removed. */
    static String unquote(String value) {
        if (value.startsWith("\"")) {
            StringBuilder out = new StringBuilder(value.length());
            for (int i = 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' && i + 1 < value.length()) {
                    out.append(value.charAt(++i));
                } else if (c == '"') {
                    break;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        return stripComments(value).strip();
    }

    /** Removes RFC 5322 comments "(...)" (nested, with quoted-pairs) outside quoted strings. */
    static String stripComments(String value) {
        if (value.indexOf('(') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (depth == 0 && c == '"') {
                quoted = !quoted;
                out.append(c);
            } else if (quoted) {
                out.append(c);
                if (c == '\\' && i + 1 < value.length()) {
                    out.append(value.charAt(++i));
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth > 0) {
                if (c == '\\') {
                    i++;
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
