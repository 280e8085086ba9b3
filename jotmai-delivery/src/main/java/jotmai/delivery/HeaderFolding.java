package jotmai.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds header lines over 998 octets (RFC 5322 §2.1.1; RFC 5321 §4.5.3.1.6 for the SMTP text line) at
 * whitespace, as RFC 5322 §2.2.3 allows: CRLF goes before a space or tab, which then starts the
 * continuation line, so unfolding gives back the same field. A line with no whitespace to fold at
 * stays as it is (the peer may refuse it; its reply then decides the outcome).
 */
final class HeaderFolding {
    private HeaderFolding() {}

    /** The message with its long header lines folded; the same object when none is too long. */
    static RawMessage fold(RawMessage message) {
        List<RawMessage.Field> out = null;
        List<RawMessage.Field> fields = message.fields();
        for (int i = 0; i < fields.size(); i++) {
            RawMessage.Field f = fields.get(i);
            String folded = foldField(f.raw());
            if (folded != f.raw() && out == null) {
                out = new ArrayList<>(fields.subList(0, i));
            }
            if (out != null) {
                out.add(folded == f.raw() ? f : new RawMessage.Field(f.name(), folded));
            }
        }
        return out == null ? message : RawMessage.of(out, message.body());
    }

    /** {@code raw} (lines ending in CRLF) with each line over the limit folded; the same string if none is. */
    static String foldField(String raw) {
        if (!hasLongLine(raw)) {
            return raw;
        }
        StringBuilder b = new StringBuilder(raw.length() + 16);
        int start = 0;
        while (start < raw.length()) {
            int eol = raw.indexOf("\r\n", start);
            int end = eol < 0 ? raw.length() : eol;
            foldLine(raw.substring(start, end), b);
            if (eol >= 0) {
                b.append("\r\n");
            }
            start = eol < 0 ? raw.length() : eol + 2;
        }
        return b.toString();
    }

    private static void foldLine(String line, StringBuilder b) {
        while (line.length() > MimeDowngrade.MAX_LINE_OCTETS) {
            // the last whitespace that leaves at most 998 octets before it and is not the line's first
            int at = -1;
            for (int i = MimeDowngrade.MAX_LINE_OCTETS; i > 0; i--) {
                char c = line.charAt(i);
                if (c == ' ' || c == '\t') {
                    at = i;
                    break;
                }
            }
            if (at <= 0) {
                break; // nowhere to fold: left as it is
            }
            b.append(line, 0, at).append("\r\n");
            line = line.substring(at);
        }
        b.append(line);
    }

    private static boolean hasLongLine(String raw) {
        int start = 0;
        while (start < raw.length()) {
            int eol = raw.indexOf('\n', start);
            int end = eol < 0 ? raw.length() : eol;
            int len = end - start - (end > start && raw.charAt(end - 1) == '\r' ? 1 : 0);
            if (len > MimeDowngrade.MAX_LINE_OCTETS) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
