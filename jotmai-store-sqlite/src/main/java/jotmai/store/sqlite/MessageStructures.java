package jotmai.store.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jotmai.message.BodyPart;
import jotmai.message.Envelope;
import jotmai.message.HeaderField;
import jotmai.message.ParsedMessage;
import jotmai.store.MessageSource;
import jotmai.store.StoreException;

/**
 * The one place that parses messages and encodes/decodes their structure
 * ({@code jotmai.message.MessageParser} and {@code StructureCodec}).
 *
 * <p>Those classes are being written in jotmai-message at the same time as this store, so they are
 * looked up reflectively; while they are missing, append stores an empty structure and
 * {@link #decode} falls back to a minimal header-only parse of the stored bytes. Once they exist, old
 * blobs with an empty structure are parsed on first {@code structure()} call.
 */
final class MessageStructures {
    private static final Logger log = LoggerFactory.getLogger(MessageStructures.class);

    /** Header bytes the fallback parser looks at; longer headers are cut (fallback only). */
    private static final int FALLBACK_HEADER_LIMIT = 256 * 1024;

    private static final Method PARSE;
    private static final Method ENCODE;
    private static final Method DECODE;

    static {
        Method parse = null;
        Method encode = null;
        Method decode = null;
        try {
            Class<?> parser = Class.forName("jotmai.message.MessageParser");
            Class<?> codec = Class.forName("jotmai.message.StructureCodec");
            parse = parser.getMethod("parse", InputStream.class);
            encode = codec.getMethod("encode", ParsedMessage.class);
            decode = codec.getMethod("decode", byte[].class);
        } catch (ReflectiveOperationException | LinkageError e) {
            log.warn("jotmai.message parser not available yet; storing messages without structure");
            parse = encode = decode = null;
        }
        PARSE = parse;
        ENCODE = encode;
        DECODE = decode;
    }

    private MessageStructures() {}

    static boolean parserAvailable() {
        return PARSE != null;
    }

    /** Parses the message once and returns its encoded structure (empty while no parser exists). */
    static byte[] parseAndEncode(MessageSource source) {
        if (PARSE == null) {
            return new byte[0];
        }
        try (InputStream in = source.open()) {
            Object parsed = PARSE.invoke(null, in);
            Object encoded = ENCODE.invoke(null, parsed);
            return encoded instanceof byte[] b ? b : encoded.toString().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot read the message to parse it", e);
        } catch (InvocationTargetException e) {
            throw new StoreException.Invalid("cannot parse the message: " + e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a stored structure; {@code content} supplies the bytes when there is none stored. */
    static ParsedMessage decode(byte[] encoded, long size, ContentOpener content) {
        try {
            if (encoded.length > 0 && DECODE != null) {
                Object arg = DECODE.getParameterTypes()[0] == byte[].class ? encoded : null;
                return (ParsedMessage) DECODE.invoke(null, arg);
            }
            if (PARSE != null) {
                try (InputStream in = content.open()) {
                    return (ParsedMessage) PARSE.invoke(null, in);
                }
            }
            try (InputStream in = content.open()) {
                return fallbackParse(in, size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvocationTargetException e) {
            throw new StoreException.Invalid("cannot decode the message structure: " + e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    interface ContentOpener {
        InputStream open() throws IOException;
    }

    /** Header fields and a single text/plain body: enough for tests until the real parser lands. */
    static ParsedMessage fallbackParse(InputStream in, long size) throws IOException {
        byte[] head = in.readNBytes(FALLBACK_HEADER_LIMIT);
        int bodyOffset = head.length;
        for (int i = 0; i + 1 < head.length; i++) {
            if (head[i] == '\n' && (head[i + 1] == '\n'
                    || (head[i + 1] == '\r' && i + 2 < head.length && head[i + 2] == '\n'))) {
                bodyOffset = i + (head[i + 1] == '\n' ? 2 : 3);
                break;
            }
        }
        String text = new String(head, 0, bodyOffset, StandardCharsets.ISO_8859_1);
        List<HeaderField> headers = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
                HeaderField last = headers.removeLast();
                headers.add(new HeaderField(last.name(), last.value() + "\r\n" + line));
            } else if (line.indexOf(':') > 0) {
                int colon = line.indexOf(':');
                headers.add(new HeaderField(line.substring(0, colon), line.substring(colon + 1)));
            }
        }
        String subject = headerValue(headers, "Subject");
        String date = headerValue(headers, "Date");
        String messageId = headerValue(headers, "Message-ID");
        Envelope envelope = new Envelope(date, subject, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), null, messageId);
        BodyPart body = new BodyPart("text", "plain", List.of(new BodyPart.Param("charset", "us-ascii")), null,
                null, "7BIT", 0, bodyOffset, size - bodyOffset, 0, null, null, List.of(), null, List.of(), null);
        return new ParsedMessage(size, envelope, body, headers);
    }

    private static String headerValue(List<HeaderField> headers, String name) {
        for (HeaderField f : headers) {
            if (f.name().equalsIgnoreCase(name)) {
                return f.value().strip();
            }
        }
        return null;
    }
}
