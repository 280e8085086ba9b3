package jotmai.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The header section of a message (RFC 5322 §2.2), read from a stream that is then positioned at the
 * first body octet. Bounded: a header larger than the limit is not read further ({@link #complete()}
 * false).
 */
public record MessageHeader(List<HeaderField> fields, long bodyOffset, boolean complete) {

    public MessageHeader {
        fields = List.copyOf(fields);
    }

    /** Reads fields up to and including the empty line that ends the header. */
    public static MessageHeader read(InputStream in, int maxBytes) throws IOException {
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        long currentOffset = 0;
        long pos = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            line.reset();
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    break;
                }
                if (pos + line.size() > maxBytes) {
                    return new MessageHeader(fields, pos, false);
                }
            }
            if (line.size() == 0) { // end of stream: a message without body
                break;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            long start = pos;
            pos += line.size();
            if (text.equals("\r\n") || text.equals("\n")) {
                break;
            }
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && current != null) {
                current.append(text);
            } else {
                if (current != null) {
                    fields.add(HeaderField.of(current.toString(), currentOffset));
                }
                current = new StringBuilder(text);
                currentOffset = start;
            }
            if (b < 0) {
                break;
            }
        }
        if (current != null) {
            fields.add(HeaderField.of(current.toString(), currentOffset));
        }
        return new MessageHeader(fields, pos, true);
    }

    public static MessageHeader parse(byte[] message) {
        try {
            return read(new java.io.ByteArrayInputStream(message), message.length + 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every field with this name, top to bottom. */
    public List<HeaderField> all(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).toList();
    }

    public Optional<HeaderField> last(String name) {
        List<HeaderField> all = all(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
