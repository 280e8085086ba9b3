package jotmai.imap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The typed encoder that is the only path to the client (RFC 9051 §7, §9). Client-controlled text goes
 * through {@link #string}, {@link #astring} or {@link #nstring}, which pick atom, quoted string or literal
 * by content, so it can never break the line structure. Constants of our own go through {@link #atom}.
 *
 * <p>I/O errors become {@link UncheckedIOException} (the session ends quietly on them). Not
 * thread-safe: one writer per connection, the session thread.
 */
public final class ResponseWriter {
    /** Longest string we send quoted; longer ones go as literals (keeps lines short). */
    static final int MAX_QUOTED = 1024;

    /**
     * Copy buffer for literals streamed from the store; allocated at the first literal and reused, so
     * a FETCH does not allocate (and zero) a fresh buffer per literal and an idle session holds none.
     */
    static final int LITERAL_CHUNK = 16 * 1024;
    /** Characters of a number list formatted before one write ({@link #spNumbers}). */
    static final int NUMBER_CHUNK = 8 * 1024;

    private OutputStream out;
    private boolean utf8Quoted;
    private byte[] chunk;

    public ResponseWriter(OutputStream out) {
        this.out = out;
    }

    /** After STARTTLS. */
    public void reset(OutputStream newOut) {
        this.out = newOut;
    }

    /**
     * Whether UTF-8 may appear in quoted strings (IMAP4rev2 sessions, RFC 9051 §4.3); otherwise non-ASCII
     * text is sent as a literal.
     */
    public void utf8Quoted(boolean allowed) {
        this.utf8Quoted = allowed;
    }

    // ---- whole responses ----

    public void ok(String tag, ResponseCode code, String text) {
        status(tag, "OK", code, text);
    }

    public void no(String tag, ResponseCode code, String text) {
        status(tag, "NO", code, text);
    }

    public void bad(String tag, ResponseCode code, String text) {
        status(tag, "BAD", code, text);
    }

    public void bye(String text) {
        status("*", "BYE", null, text);
    }

    public void untaggedOk(ResponseCode code, String text) {
        status("*", "OK", code, text);
    }

    public void untaggedNo(ResponseCode code, String text) {
        status("*", "NO", code, text);
    }

    /** "+ text": command continuation request (RFC 9051 §7.6). */
    public void continuation(String text) {
        raw("+ ");
        text(text);
        crlf();
    }

    /** AUTHENTICATE challenge: "+ base64". */
    public void continuationBase64(String base64) {
        raw("+ ");
        if (!base64.isEmpty()) {
            atom(base64);
        }
        crlf();
    }

    private void status(String tag, String condition, ResponseCode code, String text) {
        raw(tag);
        raw(" ");
        raw(condition);
        raw(" ");
        if (code != null) {
            raw("[");
            raw(code.toString());
            raw("] ");
        }
        text(text);
        crlf();
    }

    // ---- building blocks ----

    /** Starts an untagged response: "* ". */
    public ResponseWriter star() {
        return raw("* ");
    }

    /** A server-chosen atom (keyword, flag, number text); never client text. */
    public ResponseWriter atom(String atom) {
        return raw(atom);
    }

    public ResponseWriter sp() {
        return raw(" ");
    }

    public ResponseWriter number(long n) {
        return raw(Long.toString(n));
    }

    /**
     * " n1 n2 n3 ...": each number preceded by a space, formatted in chunks rather than one write per
     * number (a SEARCH result on a 100,000-message mailbox has tens of thousands of them).
     */
    public ResponseWriter spNumbers(List<Long> numbers) {
        StringBuilder chunk = new StringBuilder(Math.min(numbers.size() * 8, NUMBER_CHUNK + 24));
        for (long n : numbers) {
            chunk.append(' ').append(n);
            if (chunk.length() >= NUMBER_CHUNK) {
                raw(chunk.toString());
                chunk.setLength(0);
            }
        }
        return raw(chunk.toString());
    }

    /**
     * The same for {@code numbers[0..count)}, formatted straight into bytes (issue 4: UID SEARCH SEEN on a
     * 100,000-message mailbox answers 80,000 numbers; no boxed Long, no String per chunk).
     */
    public ResponseWriter spNumbers(long[] numbers, int count) {
        byte[] buf = new byte[Math.min(count * 8 + 24, NUMBER_CHUNK + 24)];
        int at = 0;
        for (int i = 0; i < count; i++) {
            buf[at++] = ' ';
            at = digits(numbers[i], buf, at);
            if (at >= NUMBER_CHUNK) {
                write(buf, 0, at);
                at = 0;
            }
        }
        write(buf, 0, at);
        return this;
    }

    /**
     * Writes the decimal digits of a non-negative {@code n} into {@code buf} at {@code at} (20 bytes must
     * be free) and returns the position after them; for callers that build whole response lines in bytes.
     */
    public static int digits(long n, byte[] buf, int at) {
        if (n < 0) {
            throw new IllegalArgumentException("negative number: " + n);
        }
        int len = 1;
        for (long v = n; v >= 10; v /= 10) {
            len++;
        }
        for (int i = at + len - 1; i >= at; i--) {
            buf[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        return at + len;
    }

    /**
     * Response text the server built itself as ASCII bytes (numbers, flags, atoms: never client text, see
     * {@link #atom}); lets a big FETCH FLAGS answer go out in 64 KB writes instead of one per token.
     */
    public ResponseWriter ascii(byte[] bytes, int offset, int length) {
        write(bytes, offset, length);
        return this;
    }

    public ResponseWriter open() {
        return raw("(");
    }

    public ResponseWriter close() {
        return raw(")");
    }

    public ResponseWriter nil() {
        return raw("NIL");
    }

    /** A string: quoted when it is short and safe, else a literal. */
    public ResponseWriter string(String s) {
        if (quotable(s)) {
            raw("\"");
            raw(s.indexOf('"') < 0 && s.indexOf('\\') < 0 ? s : s.replace("\\", "\\\\").replace("\"", "\\\""));
            return raw("\"");
        }
        return literal(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A string or NIL for null. */
    public ResponseWriter nstring(String s) {
        return s == null ? nil() : string(s);
    }

    /** An atom when the text is a valid atom (and not NIL), else a string. */
    public ResponseWriter astring(String s) {
        if (!s.isEmpty() && s.length() <= MAX_QUOTED && !s.equalsIgnoreCase("NIL") && isAstring(s)) {
            return raw(s);
        }
        return string(s);
    }

    public ResponseWriter literal(byte[] bytes) {
        raw("{" + bytes.length + "}\r\n");
        write(bytes, 0, bytes.length);
        return this;
    }

    /**
     * A (non-binary) literal of {@code bytes[offset, offset+length)}; NUL is sent as '?' as in
     * {@link #literal(InputStream, long, boolean)}, without copying when there is none.
     */
    public ResponseWriter literal(byte[] bytes, int offset, int length) {
        raw("{" + length + "}\r\n");
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == 0) {
                write(bytes, start, i - start);
                write(new byte[] {'?'}, 0, 1);
                start = i + 1;
            }
        }
        write(bytes, start, end - start);
        return this;
    }

    /** A literal of exactly {@code length} octets copied from the stream (short streams are padded). */
    public ResponseWriter literal(InputStream content, long length, boolean binary) {
        raw((binary ? "~{" : "{") + length + "}\r\n");
        if (chunk == null) {
            chunk = new byte[LITERAL_CHUNK];
        }
        long left = length;
        try {
            while (left > 0) {
                int n = content.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    break;
                }
                if (!binary) {
                    // RFC 9051 §4.3: a literal must not contain NUL (only literal8 may); content stored from
                    // a binary APPEND is shown with NUL replaced, keeping sizes and offsets intact
                    for (int i = 0; i < n; i++) {
                        if (chunk[i] == 0) {
                            chunk[i] = '?';
                        }
                    }
                }
                out.write(chunk, 0, n);
                left -= n;
            }
            while (left > 0) {
                // the stored blob was shorter than its recorded size: keep the literal's promise
                out.write(' ');
                left--;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Human-readable text after a status: CR and LF removed so it stays on one line. */
    public ResponseWriter text(String text) {
        String clean = text == null || text.isEmpty() ? "done" : text.replace('\r', ' ').replace('\n', ' ');
        return raw(clean);
    }

    public ResponseWriter crlf() {
        return raw("\r\n");
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ResponseWriter raw(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        write(b, 0, b.length);
        return this;
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean quotable(String s) {
        if (s.length() > MAX_QUOTED) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (!utf8Quoted) {
                    return false;
                }
            } else if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAstring(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Chars.isAstringChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
