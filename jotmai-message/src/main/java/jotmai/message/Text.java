package jotmai.message;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** Small text helpers shared by the parser and the decoders: header octets, unfolding, charsets. */
final class Text {
    private Text() {}

    /**
     * Header octets as text. RFC 6532 allows UTF-8 in headers, so valid UTF-8 is read as such; anything
     * else (raw legacy 8-bit) is read as ISO-8859-1, which maps every octet to one char and loses nothing.
     */
    static String decodeHeaderBytes(byte[] bytes, int offset, int length) {
        boolean ascii = true;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes, offset, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** RFC 5322 §2.2.3 unfolding: remove the CRLF (or bare LF) of each fold, keep the whitespace. */
    static String unfold(String value) {
        if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' && i + 1 < value.length() && value.charAt(i + 1) == '\n') {
                continue;
            }
            if (c == '\n') {
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Unfolded and trimmed of surrounding whitespace; null stays null. */
    static String unfoldTrim(String value) {
        return value == null ? null : unfold(value).strip();
    }

    /**
     * A Java charset for a MIME charset label, with the substitutions mail needs: labels for Thai
     * (TIS-620, ISO-8859-11, windows-874) map to windows-874, the superset that real Thai mail uses;
     * ISO-8859-1 and US-ASCII stay as labelled. Empty when Java does not know the label.
     */
    static Optional<Charset> charset(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String name = label.strip().toLowerCase(Locale.ROOT);
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).strip();
        }
        // RFC 2231 §5: a language may follow the charset after '*' in encoded words.
        int star = name.indexOf('*');
        if (star >= 0) {
            name = name.substring(0, star);
        }
        switch (name) {
            case "tis-620", "tis620", "iso-8859-11", "iso8859-11", "windows-874", "cp874", "x-windows-874" -> {
                return lookup("x-windows-874").or(() -> lookup("TIS-620"));
            }
            case "utf8" -> {
                return Optional.of(StandardCharsets.UTF_8);
            }
            default -> {
                return lookup(name);
            }
        }
    }

    private static Optional<Charset> lookup(String name) {
        try {
            return Charset.isSupported(name) ? Optional.of(Charset.forName(name)) : Optional.empty();
        } catch (IllegalArgumentException e) { // IllegalCharsetNameException too
            return Optional.empty();
        }
    }
}
