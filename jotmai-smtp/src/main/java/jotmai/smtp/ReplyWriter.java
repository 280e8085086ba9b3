package jotmai.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes replies (RFC 5321 §4.2): "code-text" for every line but the last, "code text" for the last,
 * with the RFC 2034 enhanced code on every line when there is one. Reply text is never taken from the
 * client unchecked: control characters are replaced so a client cannot inject reply lines.
 * Writes are buffered; the session flushes before it blocks on a read (RFC 2920 §3.1 PIPELINING).
 */
final class ReplyWriter {
    private final OutputStream out;

    ReplyWriter(OutputStream out) {
        this.out = out;
    }

    void reply(SmtpReply reply) {
        reply(reply.code(), reply.enhanced(), List.of(reply.text()));
    }

    void reply(int code, String enhanced, String text) {
        reply(code, enhanced, List.of(text));
    }

    void reply(int code, String enhanced, List<String> lines) {
        StringBuilder sb = new StringBuilder(64 * lines.size());
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (!enhanced.isEmpty()) {
                sb.append(enhanced).append(' ');
            }
            appendSafe(sb, lines.get(i));
            sb.append("\r\n");
        }
        write(sb.toString());
    }

    private static void appendSafe(StringBuilder sb, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
    }

    private void write(String s) {
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
