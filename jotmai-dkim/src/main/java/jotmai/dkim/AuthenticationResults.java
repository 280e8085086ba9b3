package jotmai.dkim;

import java.util.List;

/**
 * The Authentication-Results header field of RFC 8601 for DKIM results, and the check for fields that
 * claim our authserv-id (§5: an MTA must remove those that arrive from outside).
 */
public final class AuthenticationResults {

    private AuthenticationResults() {}

    /**
     * {@code Authentication-Results: <authservId>;\r\n\tdkim=pass header.d=... header.s=...} with one
     * resinfo per signature, or {@code dkim=none} without signatures (§2.2, §2.7.1); ends with CRLF.
     */
    public static String field(String authservId, List<DkimResult> results) {
        StringBuilder sb = new StringBuilder("Authentication-Results: ").append(authservId);
        if (results.isEmpty()) {
            return sb.append(";\r\n\tdkim=none\r\n").toString();
        }
        for (DkimResult r : results) {
            sb.append(";\r\n\tdkim=").append(r.result().keyword());
            if (!r.reason().isEmpty()) {
                sb.append(" reason=\"").append(quotable(r.reason())).append('"');
            }
            if (!r.domain().isEmpty()) {
                sb.append(" header.d=").append(token(r.domain()));
            }
            if (!r.selector().isEmpty()) {
                sb.append(" header.s=").append(token(r.selector()));
            }
            if (!r.algorithm().isEmpty()) {
                sb.append(" header.a=").append(token(r.algorithm()));
            }
            if (!r.headerB().isEmpty()) {
                sb.append(" header.b=").append(token(r.headerB()));
            }
        }
        return sb.append("\r\n").toString();
    }

    /**
     * The authserv-id of an Authentication-Results field (§2.2: the first token of the value, after
     * any comment), lower-case; "" when there is none.
     */
    public static String authservId(HeaderField field) {
        String v = stripComments(field.value()).trim();
        int end = 0;
        while (end < v.length() && v.charAt(end) != ';' && !Character.isWhitespace(v.charAt(end))) {
            end++;
        }
        String id = v.substring(0, end);
        if (id.startsWith("\"") && id.endsWith("\"") && id.length() >= 2) {
            id = id.substring(1, id.length() - 1);
        }
        return id.toLowerCase(java.util.Locale.ROOT);
    }

    /** True for an Authentication-Results field that claims to be ours (RFC 8601 §5). */
    public static boolean claims(HeaderField field, String authservId) {
        return field.name().equalsIgnoreCase("Authentication-Results")
                && authservId(field).equals(authservId.toLowerCase(java.util.Locale.ROOT));
    }

    private static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && depth > 0) {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
                out.append(' ');
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 8601 §2.2 pvalue: a token (RFC 2045 §5.1) as is, anything else as a quoted-string. */
    private static String token(String s) {
        boolean plain = !s.isEmpty();
        for (char c : s.toCharArray()) {
            if (c <= 32 || c >= 127 || "()<>@,;:\\\"/[]?=".indexOf(c) >= 0) {
                plain = false;
            }
        }
        return plain ? s : "\"" + quotable(s) + "\"";
    }

    private static String quotable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 32 && c < 127 && c != '"' && c != '\\') {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
