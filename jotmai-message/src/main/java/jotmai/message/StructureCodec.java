package jotmai.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact, versioned binary form of {@link ParsedMessage}, kept by the store next to each message so
 * ENVELOPE, BODYSTRUCTURE, header searches and part offsets never need the message bytes again.
 *
 * <p>Layout (version 1): magic {@code "JMS"}, version byte, then the fields in record order. Numbers
 * are unsigned LEB128 varints (offsets and counts are small most of the time); strings are a varint
 * of (UTF-8 length + 1), 0 meaning null; lists are a varint of (count + 1), 0 meaning null; an
 * optional record is a presence byte. A new layout gets a new version number, and {@link #decode}
 * keeps reading the old ones.
 */
public final class StructureCodec {
    static final byte[] MAGIC = {'J', 'M', 'S'};
    static final int VERSION = 1;
    /** Nesting accepted when decoding; deeper than the parser ever produces. */
    private static final int MAX_DECODE_DEPTH = 4 * MessageParser.MAX_DEPTH + 8;

    private StructureCodec() {}

    public static byte[] encode(ParsedMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            writeNumber(out, message.size());
            writeEnvelope(out, message.envelope());
            writePart(out, message.body());
            writeHeaders(out, message.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen on a byte array
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a structure this version can read */
    public static ParsedMessage decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not an encoded message structure");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown message structure version " + version);
            }
            Reader reader = new Reader(in, encoded.length);
            long size = reader.number();
            Envelope envelope = reader.envelope();
            BodyPart body = reader.part(0);
            List<HeaderField> headers = reader.headers();
            return new ParsedMessage(size, envelope, body, headers);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt message structure", e);
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    private static void writeEnvelope(DataOutputStream out, Envelope e) throws IOException {
        writeString(out, e.date());
        writeString(out, e.subject());
        writeAddresses(out, e.from());
        writeAddresses(out, e.sender());
        writeAddresses(out, e.replyTo());
        writeAddresses(out, e.to());
        writeAddresses(out, e.cc());
        writeAddresses(out, e.bcc());
        writeString(out, e.inReplyTo());
        writeString(out, e.messageId());
    }

    private static void writeAddresses(DataOutputStream out, List<Address> addresses) throws IOException {
        writeCount(out, addresses);
        if (addresses != null) {
            for (Address a : addresses) {
                writeString(out, a.name());
                writeString(out, a.adl());
                writeString(out, a.mailbox());
                writeString(out, a.host());
            }
        }
    }

    private static void writePart(DataOutputStream out, BodyPart p) throws IOException {
        writeString(out, p.type());
        writeString(out, p.subtype());
        writeParams(out, p.params());
        writeString(out, p.contentId());
        writeString(out, p.description());
        writeString(out, p.encoding());
        writeNumber(out, p.headerOffset());
        writeNumber(out, p.bodyOffset() - p.headerOffset());
        writeNumber(out, p.bodyLength());
        writeNumber(out, p.bodyLines());
        writeString(out, p.md5());
        out.writeBoolean(p.disposition() != null);
        if (p.disposition() != null) {
            writeString(out, p.disposition().type());
            writeParams(out, p.disposition().params());
        }
        writeCount(out, p.language());
        if (p.language() != null) {
            for (String language : p.language()) {
                writeString(out, language);
            }
        }
        writeString(out, p.location());
        writeCount(out, p.parts());
        if (p.parts() != null) {
            for (BodyPart child : p.parts()) {
                writePart(out, child);
            }
        }
        out.writeBoolean(p.message() != null);
        if (p.message() != null) {
            writeEnvelope(out, p.message().envelope());
            writePart(out, p.message().body());
            writeHeaders(out, p.message().headers());
        }
    }

    private static void writeParams(DataOutputStream out, List<BodyPart.Param> params) throws IOException {
        writeCount(out, params);
        if (params != null) {
            for (BodyPart.Param param : params) {
                writeString(out, param.name());
                writeString(out, param.value());
            }
        }
    }

    private static void writeHeaders(DataOutputStream out, List<HeaderField> headers) throws IOException {
        writeCount(out, headers);
        if (headers != null) {
            for (HeaderField field : headers) {
                writeString(out, field.name());
                writeString(out, field.value());
            }
        }
    }

    private static void writeCount(DataOutputStream out, List<?> list) throws IOException {
        writeNumber(out, list == null ? 0 : list.size() + 1L);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            writeNumber(out, 0);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeNumber(out, utf8.length + 1L);
        out.write(utf8);
    }

    private static void writeNumber(DataOutputStream out, long value) throws IOException {
        if (value < 0) {
            throw new IllegalArgumentException("negative number in message structure: " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    // ---- reading ------------------------------------------------------------------------------

    /** Reads with sanity checks so corrupt input fails fast instead of allocating huge arrays. */
    private record Reader(DataInputStream in, int limit) {

        long number() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = in.readUnsignedByte();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("corrupt number in message structure");
        }

        /** -1 for a null list, else the count (bounded by the input size). */
        int count() throws IOException {
            long n = number();
            if (n > limit + 1L) {
                throw new IllegalArgumentException("corrupt count in message structure");
            }
            return (int) n - 1;
        }

        String string() throws IOException {
            int n = count();
            if (n < 0) {
                return null;
            }
            byte[] utf8 = in.readNBytes(n);
            if (utf8.length != n) {
                throw new IllegalArgumentException("truncated message structure");
            }
            return new String(utf8, StandardCharsets.UTF_8);
        }

        Envelope envelope() throws IOException {
            return new Envelope(string(), string(), addresses(), addresses(), addresses(), addresses(),
                    addresses(), addresses(), string(), string());
        }

        List<Address> addresses() throws IOException {
            int n = count();
            if (n < 0) {
                return null;
            }
            List<Address> list = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                list.add(new Address(string(), string(), string(), string()));
            }
            return List.copyOf(list);
        }

        List<BodyPart.Param> params() throws IOException {
            int n = count();
            if (n < 0) {
                return null;
            }
            List<BodyPart.Param> list = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                list.add(new BodyPart.Param(string(), string()));
            }
            return List.copyOf(list);
        }

        List<HeaderField> headers() throws IOException {
            int n = count();
            if (n < 0) {
                return null;
            }
            List<HeaderField> list = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                list.add(new HeaderField(string(), string()));
            }
            return List.copyOf(list);
        }

        BodyPart part(int depth) throws IOException {
            if (depth > MAX_DECODE_DEPTH) {
                throw new IllegalArgumentException("message structure nested too deeply");
            }
            String type = string();
            String subtype = string();
            List<BodyPart.Param> params = params();
            String contentId = string();
            String description = string();
            String encoding = string();
            long headerOffset = number();
            long bodyOffset = headerOffset + number();
            long bodyLength = number();
            long bodyLines = number();
            String md5 = string();
            BodyPart.Disposition disposition = in.readBoolean() ? new BodyPart.Disposition(string(), params()) : null;
            int languages = count();
            List<String> language = null;
            if (languages >= 0) {
                List<String> list = new ArrayList<>(Math.min(languages, 16));
                for (int i = 0; i < languages; i++) {
                    String tag = string();
                    if (tag == null) {
                        // The encoder never writes NIL inside the language list: this input is corrupt.
                        throw new IllegalArgumentException("corrupt structure: NIL language tag");
                    }
                    list.add(tag);
                }
                language = List.copyOf(list);
            }
            String location = string();
            int children = count();
            List<BodyPart> parts = null;
            if (children >= 0) {
                List<BodyPart> list = new ArrayList<>(Math.min(children, 64));
                for (int i = 0; i < children; i++) {
                    list.add(part(depth + 1));
                }
                parts = List.copyOf(list);
            }
            BodyPart.EmbeddedMessage message = null;
            if (in.readBoolean()) {
                message = new BodyPart.EmbeddedMessage(envelope(), part(depth + 1), headers());
            }
            return new BodyPart(type, subtype, params, contentId, description, encoding, headerOffset,
                    bodyOffset, bodyLength, bodyLines, md5, disposition, language, location, parts, message);
        }
    }
}
