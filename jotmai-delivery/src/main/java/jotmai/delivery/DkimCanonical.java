package jotmai.delivery;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** The "relaxed" canonicalizations of RFC 6376 §3.4.2 (header) and §3.4.4 (body). */
final class DkimCanonical {

    private DkimCanonical() {}

    /** §3.4.2: lower-case name, unfold, WSP runs → one SP, no WSP at the end or around the colon. */
    static String header(String raw) {
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = raw.substring(colon + 1).replace("\r\n", "").replace("\n", "")
                .replaceAll("[ \t]+", " ").trim();
        return name + ":" + value;
    }

    /**
     * §3.4.4: WSP at line ends removed, WSP runs → one SP, empty lines at the end removed, a non-empty
     * body ends with CRLF; an empty body stays empty.
     */
    static byte[] body(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 2);
        int pendingEmptyLines = 0;
        int i = 0;
        int n = body.length;
        while (i < n) {
            int eol = i;
            while (eol < n && body[eol] != '\n') {
                eol++;
            }
            int end = eol > i && body[eol - 1] == '\r' ? eol - 1 : eol;
            ByteArrayOutputStream line = new ByteArrayOutputStream(end - i);
            boolean inWsp = false;
            for (int k = i; k < end; k++) {
                byte b = body[k];
                if (b == ' ' || b == '\t') {
                    inWsp = true;
                } else {
                    if (inWsp) {
                        line.write(' ');
                        inWsp = false;
                    }
                    line.write(b);
                }
            }
            // trailing whitespace (inWsp still true) is dropped
            if (line.size() == 0) {
                pendingEmptyLines++;
            } else {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                    out.write('\r');
                    out.write('\n');
                }
                out.writeBytes(line.toByteArray());
                out.write('\r');
                out.write('\n');
            }
            i = eol + 1;
        }
        return out.toByteArray();
    }
}
