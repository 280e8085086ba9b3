package jotmai.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Turns a raw header value into the text a person reads: unfolds it (RFC 5322 §2.2.3) and decodes RFC
 * 2047 encoded words ({@code =?charset?B?...?=} and {@code =?charset?Q?...?=}), for IMAP SEARCH (RFC 9051
 * §6.4.4 matches on decoded text) and display.
 *
 * <p>Lenient where real mail is broken: encoded words glued to other text, multi-byte characters split
 * across adjacent encoded words (their octets are joined before decoding), lower-case 'b'/'q', a
 * language suffix ({@code =?utf-8*th?...}, RFC 2231 §5), TIS-620 labels (decoded as windows-874, its
 * superset). An unknown charset is decoded as UTF-8 with replacement characters. Never throws.
 */
public final class HeaderDecoder {
    /** Longest value decoded; the rest is dropped (headers are capped by the parser anyway). */
    static final int MAX_VALUE_CHARS = 1024 * 1024;

    private HeaderDecoder() {}

    /** Decodes encoded words and unfolds; null stays null. */
    public static String decode(String rawHeaderValue) {
        return decode(rawHeaderValue, null);
    }

    /**
     * As {@link #decode(String)}; additionally, when the value carries raw 8-bit octets that were not
     * valid UTF-8 (the parser then keeps them as ISO-8859-1 chars) and a fallback charset is known
     * (e.g. the message's Content-Type charset), those octets are read in that charset. That is how
     * unencoded Thai (TIS-620) subjects become searchable.
     */
    public static String decode(String rawHeaderValue, Charset fallbackFor8Bit) {
        if (rawHeaderValue == null) {
            return null;
        }
        String value = Text.unfold(rawHeaderValue);
        if (value.length() > MAX_VALUE_CHARS) {
            value = value.substring(0, MAX_VALUE_CHARS);
        }
        if (fallbackFor8Bit != null) {
            value = reinterpret8Bit(value, fallbackFor8Bit);
        }
        if (!value.contains("=?")) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        ByteArrayOutputStream pendingBytes = new ByteArrayOutputStream();
        Charset pendingCharset = null;
        int pendingWhitespaceStart = -1; // whitespace after an encoded word, dropped if another follows
        int i = 0;
        while (i < value.length()) {
            EncodedWord word = value.startsWith("=?", i) ? EncodedWord.at(value, i) : null;
            if (word != null) {
                if (pendingCharset != null && !pendingCharset.equals(word.charset())) {
                    flush(out, pendingBytes, pendingCharset);
                }
                // RFC 2047 §6.2: whitespace between adjacent encoded words is not displayed.
                pendingWhitespaceStart = -1;
                pendingCharset = word.charset();
                word.decodeInto(pendingBytes);
                i = word.end();
                continue;
            }
            char c = value.charAt(i);
            if (pendingCharset != null && (c == ' ' || c == '\t')) {
                if (pendingWhitespaceStart < 0) {
                    pendingWhitespaceStart = i;
                }
                i++;
                continue;
            }
            if (pendingCharset != null) {
                flush(out, pendingBytes, pendingCharset);
                pendingCharset = null;
                if (pendingWhitespaceStart >= 0) {
                    out.append(value, pendingWhitespaceStart, i);
                    pendingWhitespaceStart = -1;
                }
            }
            out.append(c);
            i++;
        }
        if (pendingCharset != null) {
            flush(out, pendingBytes, pendingCharset);
            if (pendingWhitespaceStart >= 0) {
                out.append(value, pendingWhitespaceStart, value.length());
            }
        }
        return out.toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream bytes, Charset charset) {
        out.append(new String(bytes.toByteArray(), charset)); // malformed input becomes U+FFFD
        bytes.reset();
    }

    /** Chars U+0080..U+00FF only, and no wider ones: they are raw octets the parser kept as Latin-1. */
    private static String reinterpret8Bit(String value, Charset charset) {
        boolean eightBit = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff) {
                return value; // real Unicode (valid UTF-8 in the header): nothing to reinterpret
            }
            eightBit |= c >= 0x80;
        }
        return eightBit ? new String(value.getBytes(StandardCharsets.ISO_8859_1), charset) : value;
    }

    /** One {@code =?charset?encoding?text?=} found at a position. */
    private record EncodedWord(Charset charset, boolean base64, String text, int end) {

        /** Parses the encoded word starting at {@code start}, or returns null when there is none. */
        static EncodedWord at(String s, int start) {
            int q1 = s.indexOf('?', start + 2);
            if (q1 < 0 || q1 - start > 80 || q1 == start + 2 || q1 + 3 >= s.length() || s.charAt(q1 + 2) != '?') {
                return null;
            }
            char encoding = Character.toUpperCase(s.charAt(q1 + 1));
            if (encoding != 'B' && encoding != 'Q') {
                return null;
            }
            int close = s.indexOf("?=", q1 + 3);
            if (close < 0) {
                return null;
            }
            String text = s.substring(q1 + 3, close);
            if (text.indexOf(' ') >= 0 || text.indexOf('\t') >= 0) {
                return null; // RFC 2047 §5: encoded-text has no whitespace
            }
            Charset charset = BodyText.charsetForLabel(stripLanguage(s.substring(start + 2, q1)));
            return new EncodedWord(charset, encoding == 'B', text, close + 2);
        }

        /** RFC 2231 §5: "=?charset*language?..." */
        private static String stripLanguage(String charset) {
            int star = charset.indexOf('*');
            return star >= 0 ? charset.substring(0, star) : charset;
        }

        void decodeInto(ByteArrayOutputStream out) {
            if (base64) {
                Base64Decoding.decode(text, out);
            } else {
                // RFC 2047 §4.2: "_" is a space, "=XX" an octet.
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    int hi;
                    int lo;
                    if (c == '_') {
                        out.write(' ');
                    } else if (c == '=' && i + 2 < text.length()
                            && (hi = Character.digit(text.charAt(i + 1), 16)) >= 0
                            && (lo = Character.digit(text.charAt(i + 2), 16)) >= 0) {
                        out.write(hi * 16 + lo);
                        i += 2;
                    } else if (c < 0x100) {
                        out.write(c);
                    } else {
                        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                        out.write(utf8, 0, utf8.length);
                    }
                }
            }
        }
    }
}
