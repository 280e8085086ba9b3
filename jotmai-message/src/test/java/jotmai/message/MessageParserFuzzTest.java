package jotmai.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests with a fixed seed (reproducible, bounded count): whatever the input, parsing yields a
 * well-formed structure and never throws anything but IOException; the decoders never throw either.
 */
class MessageParserFuzzTest {
    private static final int ROUNDS = 2_000;

    private static final List<byte[]> SEEDS = List.of(
            MessageParserTest.crlf("""
                    From: "A" <a@example.com>, Group: b@example.com, c@example.com;
                    To: =?UTF-8?B?4Liq4Lih4LiK4Liy4Lii?= <s@example.co.th>
                    Subject: =?TIS-620?Q?=CA=C7=D1=CA=B4=D5?=
                    Content-Type: multipart/mixed; boundary="outer"

                    preamble
                    --outer
                    Content-Type: multipart/alternative; boundary=inner

                    --inner
                    Content-Type: text/plain; charset=utf-8
                    Content-Transfer-Encoding: quoted-printable

                    caf=C3=A9 =
                    soft
                    --inner
                    Content-Type: text/html; charset*=utf-8''%E0%B8%81

                    <p>html</p>
                    --inner--
                    --outer
                    Content-Type: message/rfc822

                    From: x@y.z
                    Subject: inner
                    Content-Type: multipart/digest; boundary=d

                    --d

                    Subject: digest entry

                    entry
                    --d--
                    --outer
                    Content-Type: application/octet-stream; name*0="a"; name*1="b.bin"
                    Content-Transfer-Encoding: base64
                    Content-Disposition: attachment; filename="ab.bin"

                    AAECAwQFBgcICQ==
                    --outer--
                    epilogue
                    """),
            "Subject: lf only\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\na\n--x\n\nb\n--x--\n"
                    .getBytes(StandardCharsets.UTF_8),
            MessageParserTest.crlf("""
                    Subject: plain
                    Content-Type: text/plain; charset=TIS-620
                    Content-Transfer-Encoding: base64

                    yqHRyrTV
                    """));

    @Test
    void randomGarbageNeverBreaksTheParser() throws IOException {
        Random random = new Random(20261129L);
        byte[] alphabet = "-\r\n:; =\"?abcxXB-Q\t--outer--inner".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < ROUNDS; round++) {
            int length = random.nextInt(2_000);
            byte[] raw = new byte[length];
            for (int i = 0; i < length; i++) {
                raw[i] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            checkAll(raw);
        }
    }

    @Test
    void mutationsOfValidMessagesStayWellFormed() throws IOException {
        Random random = new Random(42L);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] raw = SEEDS.get(random.nextInt(SEEDS.size()));
            int mutations = 1 + random.nextInt(6);
            for (int m = 0; m < mutations; m++) {
                raw = mutate(raw, random);
            }
            checkAll(raw);
        }
    }

    @Test
    void deepNestingIsCutAtTheDepthLimitWithoutStackOverflow() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int levels = 5_000;
        for (int i = 0; i < levels; i++) {
            raw.writeBytes(("Content-Type: multipart/mixed; boundary=b" + i + "\r\n\r\n--b" + i + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (i % 2 == 1) {
                raw.writeBytes("Content-Type: message/rfc822\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        raw.writeBytes("\r\ndeep\r\n".getBytes(StandardCharsets.US_ASCII));
        ParsedMessage m = checkAll(raw.toByteArray());
        assertThat(depth(m.body())).isLessThanOrEqualTo(MessageParser.MAX_DEPTH + 1);
    }

    @Test
    void manyPartsAreCappedAndTheRestIsSkipped() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes("Content-Type: multipart/mixed; boundary=p\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < MessageParser.MAX_PARTS + 500; i++) {
            raw.writeBytes("--p\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        raw.writeBytes("--p--\r\n".getBytes(StandardCharsets.US_ASCII));
        ParsedMessage m = checkAll(raw.toByteArray());
        assertThat(MessageParserTest.allParts(m.body())).hasSizeLessThanOrEqualTo(MessageParser.MAX_PARTS);
    }

    @Test
    void hugeHeaderLinesAndEndlessHeadersKeepMemoryBounded() throws IOException {
        long endless = 8L * 1024 * 1024;
        byte[] head = "Subject: ".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        InputStream longLine = new InputStream() {
            private long position;

            @Override
            public int read() {
                long p = position++;
                if (p < head.length) {
                    return head[(int) p];
                }
                p -= head.length;
                if (p < endless) {
                    return 'a';
                }
                p -= endless;
                return p < tail.length ? tail[(int) p] : -1;
            }
        };
        ParsedMessage m = MessageParser.parse(longLine);
        assertThat(m.headers().get(0).value().length()).isLessThanOrEqualTo(LineReader.MAX_KEPT_LINE_BYTES);
        assertThat(m.body().bodyOffset()).isEqualTo(m.size() - 4);

        ByteArrayOutputStream many = new ByteArrayOutputStream();
        for (int i = 0; i < 20_000; i++) {
            many.writeBytes(("X-Field-" + i + ": some value to fill the header block up\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        many.writeBytes("\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        ParsedMessage h = checkAll(many.toByteArray());
        assertThat(h.headers()).hasSizeLessThanOrEqualTo(MessageParser.MAX_HEADER_FIELDS);
        assertThat(h.body().bodyLength()).isEqualTo(6);
    }

    // ---- checks -------------------------------------------------------------------------------

    private static ParsedMessage checkAll(byte[] raw) throws IOException {
        ParsedMessage m = MessageParser.parse(new ByteArrayInputStream(raw));
        assertThat(m.size()).isEqualTo(raw.length);
        assertThat(m.body().headerOffset()).isZero();
        checkPart(m.body(), 0, raw.length);
        assertThat(m.body().bodyOffset() + m.body().bodyLength()).isEqualTo(raw.length);
        assertThat(StructureCodec.decode(StructureCodec.encode(m))).isEqualTo(m);
        for (HeaderField field : m.headers()) {
            HeaderDecoder.decode(field.value());
        }
        for (BodyPart part : MessageParserTest.allParts(m.body())) {
            if (part.parts().isEmpty() && part.message() == null) {
                byte[] body = java.util.Arrays.copyOfRange(raw, (int) part.bodyOffset(),
                        (int) (part.bodyOffset() + part.bodyLength()));
                BodyText.text(part, new ByteArrayInputStream(body), 10_000);
                if (BodyText.knowsEncoding(part)) {
                    BodyText.decodePart(part, new ByteArrayInputStream(body)).readAllBytes();
                }
            }
        }
        return m;
    }

    /** Every part lies inside [from, to), its header before its body, children in order inside the body. */
    private static void checkPart(BodyPart part, long from, long to) {
        long end = part.bodyOffset() + part.bodyLength();
        assertThat(part.headerOffset()).isBetween(from, to);
        assertThat(part.bodyOffset()).isBetween(part.headerOffset(), to);
        assertThat(part.bodyLength()).isNotNegative();
        assertThat(end).isLessThanOrEqualTo(to);
        assertThat(part.bodyLines()).isBetween(0L, part.bodyLength() + 1);
        assertThat(part.type()).isNotBlank();
        assertThat(part.subtype()).isNotBlank();
        if (part.isMultipart()) {
            assertThat(part.parts()).isNotEmpty();
        }
        long cursor = part.bodyOffset();
        for (BodyPart child : part.parts()) {
            checkPart(child, cursor, end);
            cursor = child.bodyOffset() + child.bodyLength();
        }
        if (part.message() != null) {
            assertThat(part.message().body().headerOffset()).isEqualTo(part.bodyOffset());
            checkPart(part.message().body(), part.bodyOffset(), end);
            assertThat(part.message().envelope()).isNotNull();
        }
    }

    private static int depth(BodyPart part) {
        int deepest = 0;
        for (BodyPart child : part.parts()) {
            deepest = Math.max(deepest, depth(child));
        }
        if (part.message() != null) {
            deepest = Math.max(deepest, depth(part.message().body()));
        }
        return deepest + 1;
    }

    // ---- mutations ----------------------------------------------------------------------------

    private static final byte[][] SNIPPETS = {
        "\r\n".getBytes(StandardCharsets.US_ASCII),
        "\n".getBytes(StandardCharsets.US_ASCII),
        "\r\n--outer\r\n".getBytes(StandardCharsets.US_ASCII),
        "\r\n--outer--\r\n".getBytes(StandardCharsets.US_ASCII),
        "\r\n--inner\r\n".getBytes(StandardCharsets.US_ASCII),
        "\r\n--x\r\n".getBytes(StandardCharsets.US_ASCII),
        "\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        "Content-Type: multipart/mixed; boundary=outer\r\n".getBytes(StandardCharsets.US_ASCII),
        "Content-Type: message/rfc822\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        "=?utf-8?B?".getBytes(StandardCharsets.US_ASCII),
        "?=".getBytes(StandardCharsets.US_ASCII),
        "; name*0*=utf-8''%E0".getBytes(StandardCharsets.US_ASCII),
        {(byte) 0xff, (byte) 0xe0, (byte) 0xb8},
        ":".getBytes(StandardCharsets.US_ASCII),
        "\"".getBytes(StandardCharsets.US_ASCII),
        "(".getBytes(StandardCharsets.US_ASCII),
        "<".getBytes(StandardCharsets.US_ASCII),
    };

    private static byte[] mutate(byte[] raw, Random random) {
        if (raw.length == 0) {
            return SNIPPETS[random.nextInt(SNIPPETS.length)].clone();
        }
        int at = random.nextInt(raw.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 64);
        switch (random.nextInt(7)) {
            case 0 -> { // flip a byte
                byte[] copy = raw.clone();
                copy[Math.min(at, raw.length - 1)] = (byte) random.nextInt(256);
                return copy;
            }
            case 1 -> { // insert a snippet
                out.write(raw, 0, at);
                out.writeBytes(SNIPPETS[random.nextInt(SNIPPETS.length)]);
                out.write(raw, at, raw.length - at);
            }
            case 2 -> { // delete a range
                int len = random.nextInt(Math.min(200, raw.length - Math.min(at, raw.length - 1)) + 1);
                out.write(raw, 0, at);
                if (at + len < raw.length) {
                    out.write(raw, at + len, raw.length - at - len);
                }
            }
            case 3 -> { // truncate
                out.write(raw, 0, at);
            }
            case 4 -> { // duplicate a range
                int len = Math.min(random.nextInt(300), raw.length - at);
                out.write(raw, 0, at + len);
                out.write(raw, at, raw.length - at);
            }
            case 5 -> { // CRLF -> LF everywhere
                for (int i = 0; i < raw.length; i++) {
                    if (!(raw[i] == '\r' && i + 1 < raw.length && raw[i + 1] == '\n')) {
                        out.write(raw[i]);
                    }
                }
            }
            default -> { // swap two halves
                out.write(raw, at, raw.length - at);
                out.write(raw, 0, at);
            }
        }
        return out.toByteArray();
    }
}
