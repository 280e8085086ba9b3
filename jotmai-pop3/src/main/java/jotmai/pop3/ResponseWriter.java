package jotmai.pop3;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The only path from a session to its socket (STYLE principles 3 and 6). Status lines are "+OK" or
 * "-ERR" with an optional RFC 2449 response code (RFC 1939 §3); text is sanitised so that nothing can
 * inject a line break. Multi-line bodies are byte-stuffed.
 */
final class ResponseWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private OutputStream out;

    ResponseWriter(OutputStream out) {
        this.out = new ResponseBuffer(out);
    }

    /** After STLS the connection has a new output stream (the old buffer was flushed before). */
    void rebind(OutputStream newOut) {
        this.out = new ResponseBuffer(newOut);
    }

    void ok(String text) throws IOException {
        status("+OK", text);
    }

    void err(Optional<ResponseCode> code, String text) throws IOException {
        status("-ERR", code.map(c -> "[" + c.wire() + "] ").orElse("") + text);
    }

    /** RFC 5034 §4 server challenge: "+ " and base64 (possibly empty). */
    void continuation(String base64) throws IOException {
        writeAscii("+ " + sanitise(base64));
        out.write(CRLF);
    }

    /** One line of a multi-line response; stuffed if it begins with ".". */
    void line(String text) throws IOException {
        String clean = sanitise(text);
        writeAscii(clean.startsWith(".") ? "." + clean : clean);
        out.write(CRLF);
    }

    /** Ends a multi-line response (RFC 1939 §3). */
    void end() throws IOException {
        writeAscii(".");
        out.write(CRLF);
    }

    /** A streamer for a message body that follows an "+OK" line; call its finish() at the end. */
    MessageStreamer messageBody(int bodyLines) {
        return new MessageStreamer(out, bodyLines);
    }

    void flush() throws IOException {
        out.flush();
    }

    private void status(String indicator, String text) throws IOException {
        writeAscii(text.isEmpty() ? indicator : indicator + " " + sanitise(text));
        out.write(CRLF);
    }

    private void writeAscii(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** No CR, LF or other control characters on the wire from a text argument. */
    static String sanitise(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(text.substring(0, i));
                }
                sb.append(' ');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? text : sb.toString();
    }
}
