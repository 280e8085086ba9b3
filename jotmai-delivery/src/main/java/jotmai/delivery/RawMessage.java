package jotmai.delivery;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A message as bytes split into header fields and body (RFC 5322 §2.1), just enough for delivery:
 * counting Received fields, finding From and Content-Type, DKIM canonicalization and the conversions
 * of {@link MimeDowngrade}.
 * Header text is held as ISO-8859-1 (one char per octet), so UTF-8 header values go out unchanged.
 */
final class RawMessage {

    /** One header field with its raw bytes including the folded continuation lines and final CRLF. */
    record Field(String name, String raw) {
        /** The unfolded value after the colon. */
        String value() {
            int colon = raw.indexOf(':');
            String v = raw.substring(colon + 1);
            // unfold (RFC 5322 §2.2.3) without a regex: this runs several times per delivered message
            return v.indexOf('\n') < 0 ? v.trim() : v.replace("\r", "").replace("\n", "").trim();
        }
    }

    private final List<Field> fields;
    private final byte[] body;

    private RawMessage(List<Field> fields, byte[] body) {
        this.fields = fields;
        this.body = body;
    }

    static RawMessage parse(byte[] message) {
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        int n = message.length;
        StringBuilder current = null;
        while (pos < n) {
            int eol = pos;
            while (eol < n && message[eol] != '\n') {
                eol++;
            }
            int next = Math.min(n, eol + 1);
            int end = eol > pos && message[eol - 1] == '\r' ? eol - 1 : eol;
            if (end == pos) { // empty line: end of header
                pos = next;
                break;
            }
            String line = new String(message, pos, end - pos, StandardCharsets.ISO_8859_1);
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line).append("\r\n");
            } else {
                if (current != null) {
                    fields.add(field(current.toString()));
                }
                current = new StringBuilder(line).append("\r\n");
            }
            pos = next;
        }
        if (current != null) {
            fields.add(field(current.toString()));
        }
        byte[] body = java.util.Arrays.copyOfRange(message, Math.min(pos, n), n);
        return new RawMessage(fields, body);
    }

    private static Field field(String raw) {
        int colon = raw.indexOf(':');
        String name = colon > 0 ? raw.substring(0, colon).trim() : raw.trim();
        return new Field(name, raw);
    }

    List<Field> fields() {
        return fields;
    }

    byte[] body() {
        return body;
    }

    Optional<Field> last(String name) {
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).name().equalsIgnoreCase(name)) {
                return Optional.of(fields.get(i));
            }
        }
        return Optional.empty();
    }

    int count(String name) {
        return (int) fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).count();
    }

    /** The domain of the (first) From address, lower-case; empty when there is none. */
    Optional<String> fromDomain() {
        return last("From").map(Field::value).flatMap(v -> {
            int lt = v.indexOf('<');
            String addr = lt >= 0 ? v.substring(lt + 1) : v;
            int at = addr.indexOf('@');
            if (at < 0) {
                return Optional.empty();
            }
            StringBuilder domain = new StringBuilder();
            for (char c : addr.substring(at + 1).toCharArray()) {
                if (c == '>' || c == ',' || c == ';' || c == ')' || Character.isWhitespace(c)) {
                    break;
                }
                domain.append(c);
            }
            return domain.isEmpty() ? Optional.empty() : Optional.of(domain.toString().toLowerCase(Locale.ROOT));
        });
    }

    boolean bodyHas8Bit() {
        for (byte b : body) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6532 §3: raw UTF-8 (any octet above 127) in the header section needs SMTPUTF8 (RFC 6531). */
    boolean headerHas8Bit() {
        for (Field f : fields) {
            for (int i = 0; i < f.raw().length(); i++) {
                if (f.raw().charAt(i) > 0x7f) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean isMultipart() {
        return last("Content-Type").map(f -> f.value().toLowerCase(Locale.ROOT).startsWith("multipart/"))
                .orElse(false);
    }

    /** Header bytes followed by the empty line and the body. */
    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 2048);
        for (Field f : fields) {
            out.writeBytes(f.raw().getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    RawMessage withFieldFirst(String raw) {
        List<Field> f = new ArrayList<>();
        f.add(field(raw));
        f.addAll(fields);
        return new RawMessage(f, body);
    }

    static RawMessage of(List<Field> fields, byte[] body) {
        return new RawMessage(List.copyOf(fields), body);
    }

    /** The message with every field of this name replaced by one {@code name: value} field (at the end). */
    RawMessage withField(String name, String value) {
        List<Field> f = new ArrayList<>();
        for (Field field : fields) {
            if (!field.name().equalsIgnoreCase(name)) {
                f.add(field);
            }
        }
        f.add(field(name + ": " + value + "\r\n"));
        return new RawMessage(f, body);
    }
}
