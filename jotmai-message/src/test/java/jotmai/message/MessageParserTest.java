package jotmai.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageParserTest {

    static ParsedMessage parse(byte[] raw) throws IOException {
        return MessageParser.parse(new ByteArrayInputStream(raw));
    }

    static byte[] crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static String body(byte[] raw, BodyPart part) {
        return new String(Arrays.copyOfRange(raw, (int) part.bodyOffset(), (int) (part.bodyOffset() + part.bodyLength())),
                StandardCharsets.UTF_8);
    }

    static String mime(byte[] raw, BodyPart part) {
        return new String(Arrays.copyOfRange(raw, (int) part.headerOffset(), (int) part.bodyOffset()),
                StandardCharsets.UTF_8);
    }

    @Test
    void simpleMessageGetsRfc2045DefaultsAndExactOffsets() throws IOException {
        byte[] raw = crlf("""
                From: Alice Example <alice@example.com>
                To: bob@example.net
                Subject: Hello
                Date: Sat, 28 Nov 2026 10:00:00 +0700
                Message-ID: <1@example.com>

                Hi Bob,
                how are you?
                """);
        ParsedMessage m = parse(raw);

        assertThat(m.size()).isEqualTo(raw.length);
        BodyPart root = m.body();
        assertThat(root.type()).isEqualTo("text");
        assertThat(root.subtype()).isEqualTo("plain");
        assertThat(root.params()).containsExactly(new BodyPart.Param("charset", "us-ascii"));
        assertThat(root.encoding()).isEqualTo("7BIT");
        assertThat(root.headerOffset()).isZero();
        assertThat(body(raw, root)).isEqualTo("Hi Bob,\r\nhow are you?\r\n");
        assertThat(mime(raw, root)).startsWith("From: Alice").endsWith("<1@example.com>\r\n\r\n");
        assertThat(root.bodyLines()).isEqualTo(2);
        assertThat(root.parts()).isEmpty();
        assertThat(m.headers()).extracting(HeaderField::name)
                .containsExactly("From", "To", "Subject", "Date", "Message-ID");
        assertThat(m.headers().get(2).value()).isEqualTo(" Hello");
    }

    @Test
    void envelopeFollowsRfc9051WithDefaultsAndNil() throws IOException {
        byte[] raw = crlf("""
                From: "Alice \\"Al\\" Example" <alice@example.com>
                To: bob@example.net (Bob Comment), Carol <carol@example.org>
                Subject: =?UTF-8?B?4Liq4Lin4Lix4Liq4LiU4Li1?=
                Date: Sat, 28 Nov 2026 10:00:00 +0700
                Message-ID: <1@example.com>

                body
                """);
        Envelope e = parse(raw).envelope();

        assertThat(e.date()).isEqualTo("Sat, 28 Nov 2026 10:00:00 +0700");
        assertThat(e.subject()).isEqualTo("=?UTF-8?B?4Liq4Lin4Lix4Liq4LiU4Li1?=");
        assertThat(e.from()).containsExactly(new Address("Alice \"Al\" Example", null, "alice", "example.com"));
        assertThat(e.sender()).isEqualTo(e.from());
        assertThat(e.replyTo()).isEqualTo(e.from());
        assertThat(e.to()).containsExactly(
                new Address("Bob Comment", null, "bob", "example.net"),
                new Address("Carol", null, "carol", "example.org"));
        assertThat(e.cc()).isNull();
        assertThat(e.bcc()).isNull();
        assertThat(e.inReplyTo()).isNull();
        assertThat(e.messageId()).isEqualTo("<1@example.com>");
    }

    @Test
    void groupSyntaxGivesStartAndEndMarkers() throws IOException {
        byte[] raw = crlf("""
                From: a@example.com
                To: Friends: x@example.com, "Y Z" <y@example.com>;, undisclosed-recipients:;
                Cc: <@relay.example:route@example.com>

                x
                """);
        Envelope e = parse(raw).envelope();

        assertThat(e.to()).containsExactly(
                new Address(null, null, "Friends", null),
                new Address(null, null, "x", "example.com"),
                new Address("Y Z", null, "y", "example.com"),
                new Address(null, null, null, null),
                new Address(null, null, "undisclosed-recipients", null),
                new Address(null, null, null, null));
        assertThat(e.cc()).containsExactly(new Address(null, "@relay.example", "route", "example.com"));
    }

    @Test
    void encodedWordsWithCommasDoNotSplitAnAddress() throws IOException {
        byte[] raw = crlf("""
                From: =?utf-8?q?Smith,_John?= <john@example.com>, "Doe, Jane" <jane@example.com>

                x
                """);
        assertThat(parse(raw).envelope().from()).containsExactly(
                new Address("=?utf-8?q?Smith,_John?=", null, "john", "example.com"),
                new Address("Doe, Jane", null, "jane", "example.com"));
    }

    @Test
    void multipartAlternativePartsSliceExactly() throws IOException {
        byte[] raw = crlf("""
                From: a@example.com
                Subject: alt
                MIME-Version: 1.0
                Content-Type: multipart/alternative; boundary="b1"

                This is the preamble.
                --b1
                Content-Type: text/plain; charset=utf-8

                plain text
                --b1
                Content-Type: text/html; charset=utf-8
                Content-Transfer-Encoding: quoted-printable

                <p>html</p>

                --b1--
                epilogue
                """);
        ParsedMessage m = parse(raw);
        BodyPart root = m.body();

        assertThat(root.type()).isEqualTo("multipart");
        assertThat(root.subtype()).isEqualTo("alternative");
        assertThat(root.params()).containsExactly(new BodyPart.Param("boundary", "b1"));
        assertThat(root.parts()).hasSize(2);
        BodyPart plain = root.parts().get(0);
        BodyPart html = root.parts().get(1);
        assertThat(body(raw, plain)).isEqualTo("plain text");
        assertThat(mime(raw, plain)).isEqualTo("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        assertThat(plain.bodyLines()).isZero(); // no line feed in "plain text"
        assertThat(body(raw, html)).isEqualTo("<p>html</p>\r\n");
        assertThat(html.encoding()).isEqualTo("quoted-printable");
        assertThat(html.subtype()).isEqualTo("html");
        assertThat(html.bodyLines()).isEqualTo(1);
        assertThat(body(raw, root)).startsWith("This is the preamble.").endsWith("epilogue\r\n");
    }

    @Test
    void mixedWithAttachmentsHasDispositionParamsAndExtensionFields() throws IOException {
        byte[] raw = crlf("""
                From: a@example.com
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/alternative; boundary="inner"

                --inner
                Content-Type: text/plain

                text
                --inner
                Content-Type: text/html

                <b>html</b>
                --inner--

                --outer
                Content-Type: application/pdf; name="=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?="
                Content-Transfer-Encoding: base64
                Content-Disposition: attachment;
                 filename*0*=UTF-8''%E0%B8%A3%E0%B8%B2;
                 filename*1*=%E0%B8%87%E0%B8%B2%E0%B8%99;
                 filename*2=".pdf"
                Content-ID: <att1@example.com>
                Content-Description: the report
                Content-Language: th, en
                Content-Location: http://example.com/r.pdf
                Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

                JVBERi0xLjQK
                JVBERi0xLjQK
                --outer--
                """);
        BodyPart root = parse(raw).body();

        assertThat(root.subtype()).isEqualTo("mixed");
        assertThat(root.parts()).hasSize(2);
        BodyPart alternative = root.parts().get(0);
        assertThat(alternative.parts()).hasSize(2);
        assertThat(body(raw, alternative.parts().get(0))).isEqualTo("text");
        assertThat(body(raw, alternative.parts().get(1))).isEqualTo("<b>html</b>");
        assertThat(alternative.parts().get(0).params()).isEmpty();
        assertThat(body(raw, alternative)).startsWith("--inner\r\n").endsWith("--inner--\r\n");

        BodyPart pdf = root.parts().get(1);
        assertThat(pdf.type()).isEqualTo("application");
        assertThat(pdf.params()).containsExactly(new BodyPart.Param("name", "=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?="));
        assertThat(pdf.disposition().type()).isEqualTo("attachment");
        assertThat(pdf.disposition().params()).containsExactly(new BodyPart.Param("filename", "รางาน.pdf"));
        assertThat(pdf.contentId()).isEqualTo("<att1@example.com>");
        assertThat(pdf.description()).isEqualTo("the report");
        assertThat(pdf.language()).containsExactly("th", "en");
        assertThat(pdf.location()).isEqualTo("http://example.com/r.pdf");
        assertThat(pdf.md5()).isEqualTo("Q2hlY2sgSW50ZWdyaXR5IQ==");
        assertThat(pdf.bodyLines()).isZero();
        assertThat(body(raw, pdf)).isEqualTo("JVBERi0xLjQK\r\nJVBERi0xLjQK");
        assertThat(mime(raw, pdf)).startsWith("Content-Type: application/pdf").endsWith("==\r\n\r\n");
    }

    @Test
    void nestedMessageRfc822HasItsOwnEnvelopeStructureAndAbsoluteOffsets() throws IOException {
        byte[] raw = crlf("""
                From: fwd@example.com
                Subject: Fwd: original
                Content-Type: multipart/mixed; boundary="m"

                --m
                Content-Type: text/plain

                see attached
                --m
                Content-Type: message/rfc822

                From: Original <orig@example.org>
                Subject: original
                Content-Type: multipart/alternative; boundary="n"

                --n
                Content-Type: text/plain; charset=utf-8

                inner text
                --n
                Content-Type: text/html

                <i>inner</i>
                --n--
                --m--
                """);
        BodyPart root = parse(raw).body();
        BodyPart rfc822 = root.parts().get(1);

        assertThat(rfc822.type()).isEqualTo("message");
        assertThat(rfc822.subtype()).isEqualTo("rfc822");
        BodyPart.EmbeddedMessage inner = rfc822.message();
        assertThat(inner).isNotNull();
        assertThat(inner.envelope().subject()).isEqualTo("original");
        assertThat(inner.envelope().from()).containsExactly(new Address("Original", null, "orig", "example.org"));
        assertThat(inner.headers()).extracting(HeaderField::name).containsExactly("From", "Subject", "Content-Type");
        assertThat(inner.body().headerOffset()).isEqualTo(rfc822.bodyOffset());
        assertThat(inner.body().bodyOffset() + inner.body().bodyLength())
                .isEqualTo(rfc822.bodyOffset() + rfc822.bodyLength());
        assertThat(body(raw, rfc822)).startsWith("From: Original").endsWith("--n--");
        assertThat(rfc822.bodyLines()).isEqualTo(12);
        assertThat(body(raw, inner.body().parts().get(0))).isEqualTo("inner text");
        assertThat(body(raw, inner.body().parts().get(1))).isEqualTo("<i>inner</i>");
        // BODY[2.HEADER] is the embedded header: from the embedded root's headerOffset to its bodyOffset
        assertThat(mime(raw, inner.body())).startsWith("From: Original").endsWith("\"n\"\r\n\r\n");
    }

    @Test
    void lfOnlyLineEndsGiveTheSameStructure() throws IOException {
        String text = """
                From: a@example.com
                Content-Type: multipart/mixed; boundary=x

                --x
                Content-Type: text/plain

                one
                two
                --x--
                """;
        byte[] lf = text.getBytes(StandardCharsets.UTF_8);
        ParsedMessage m = parse(lf);

        BodyPart part = m.body().parts().get(0);
        assertThat(body(lf, part)).isEqualTo("one\ntwo");
        assertThat(mime(lf, part)).isEqualTo("Content-Type: text/plain\n\n");
        assertThat(part.bodyLines()).isEqualTo(1);
        assertThat(m.size()).isEqualTo(lf.length);
    }

    @Test
    void missingCloseDelimiterEndsAtTheEnd() throws IOException {
        byte[] raw = crlf("""
                Content-Type: multipart/mixed; boundary=x

                --x
                Content-Type: text/plain

                first
                --x
                Content-Type: text/plain

                second, never closed
                """);
        BodyPart root = parse(raw).body();

        assertThat(root.parts()).hasSize(2);
        assertThat(body(raw, root.parts().get(1))).isEqualTo("second, never closed\r\n");
        assertThat(root.bodyOffset() + root.bodyLength()).isEqualTo(raw.length);
    }

    @Test
    void innerMultipartWithoutCloseEndsAtTheOuterDelimiter() throws IOException {
        byte[] raw = crlf("""
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: multipart/alternative; boundary=inner

                --inner

                a
                --outer
                Content-Type: text/plain

                b
                --outer--
                """);
        BodyPart root = parse(raw).body();

        assertThat(root.parts()).hasSize(2);
        assertThat(root.parts().get(0).parts()).hasSize(1);
        assertThat(body(raw, root.parts().get(0).parts().get(0))).isEqualTo("a");
        assertThat(body(raw, root.parts().get(1))).isEqualTo("b");
    }

    @Test
    void boundaryFoldedAcrossLinesOrWithTrailingSpaceStillMatches() throws IOException {
        byte[] raw = crlf("""
                Content-Type: multipart/mixed; boundary="two
                 words "

                --two words
                Content-Type: text/plain

                hi
                --two words--
                """);
        BodyPart root = parse(raw).body();
        assertThat(root.params()).containsExactly(new BodyPart.Param("boundary", "two words "));
        assertThat(root.parts()).hasSize(1);
        assertThat(body(raw, root.parts().get(0))).isEqualTo("hi");
    }

    @Test
    void multipartWithoutBoundaryOrPartsIsShownAsText() throws IOException {
        byte[] raw = crlf("""
                Content-Type: multipart/mixed

                no boundary here
                """);
        BodyPart root = parse(raw).body();
        assertThat(root.type()).isEqualTo("text");
        assertThat(root.parts()).isEmpty();
        assertThat(body(raw, root)).isEqualTo("no boundary here\r\n");

        byte[] noParts = crlf("""
                Content-Type: multipart/mixed; boundary=zzz

                the delimiter never comes
                """);
        assertThat(parse(noParts).body().subtype()).isEqualTo("plain");
    }

    @Test
    void messageWithoutHeaderSeparatorStartsTheBodyAtTheFirstNonHeaderLine() throws IOException {
        byte[] raw = crlf("""
                Subject: no blank line
                this line is body
                and this
                """);
        ParsedMessage m = parse(raw);
        assertThat(m.headers()).containsExactly(new HeaderField("Subject", " no blank line"));
        assertThat(body(raw, m.body())).isEqualTo("this line is body\r\nand this\r\n");

        byte[] onlyHeader = "Subject: x\r\nFrom: a@b".getBytes(StandardCharsets.US_ASCII);
        ParsedMessage h = parse(onlyHeader);
        assertThat(h.headers()).hasSize(2);
        assertThat(h.body().bodyOffset()).isEqualTo(onlyHeader.length);
        assertThat(h.body().bodyLength()).isZero();
    }

    @Test
    void malformedHeaderFieldsAreSkippedNotMistakenForTheBody() throws IOException {
        byte[] raw = crlf("""
                From sender@example.com Sat Nov 28 10:00:00 2026
                X Mailer: broken name
                 continued
                Subject: still a header

                body
                """);
        ParsedMessage m = parse(raw);
        assertThat(m.headers()).containsExactly(new HeaderField("Subject", " still a header"));
        assertThat(body(raw, m.body())).isEqualTo("body\r\n");
    }

    @Test
    void foldedHeadersKeepTheirFoldingAndEightBitGarbageIsKept() throws IOException {
        byte[] head = crlf("""
                Subject: a long
                \tfolded subject
                X-Junk:\s""");
        byte[] junk = {(byte) 0xff, (byte) 0xfe, 'z'};
        byte[] rest = crlf("\n\nbody\n");
        byte[] raw = concat(head, junk, rest);
        ParsedMessage m = parse(raw);

        assertThat(m.headers().get(0).value()).isEqualTo(" a long\r\n\tfolded subject");
        assertThat(m.envelope().subject()).isEqualTo("a long\tfolded subject");
        assertThat(m.headers().get(1).value()).isEqualTo(" \u00ff\u00fez");
        assertThat(body(raw, m.body())).isEqualTo("body\r\n");
    }

    @Test
    void thaiUtf8MessageWithEncodedWordsParses() throws IOException {
        byte[] raw = crlf("""
                From: =?UTF-8?B?4Liq4Lih4LiK4Liy4Lii?= <somchai@example.co.th>
                To: =?TIS-620?Q?=CA=C1=CB=AD=D4=A7?= <somying@example.co.th>
                Subject: =?UTF-8?B?4Lib4Lij4Liw4LiK4Li44Lih?=
                MIME-Version: 1.0
                Content-Type: text/plain; charset="UTF-8"
                Content-Transfer-Encoding: 8bit

                สวัสดีครับ
                ประชุมพรุ่งนี้
                """);
        ParsedMessage m = parse(raw);

        assertThat(m.envelope().from()).containsExactly(
                new Address("=?UTF-8?B?4Liq4Lih4LiK4Liy4Lii?=", null, "somchai", "example.co.th"));
        assertThat(m.body().params()).containsExactly(new BodyPart.Param("charset", "UTF-8"));
        assertThat(body(raw, m.body())).isEqualTo("สวัสดีครับ\r\nประชุมพรุ่งนี้\r\n");
        assertThat(m.body().bodyLines()).isEqualTo(2);
    }

    @Test
    void digestChildrenDefaultToMessageRfc822() throws IOException {
        byte[] raw = crlf("""
                Content-Type: multipart/digest; boundary=d

                --d

                Subject: first

                one
                --d
                Content-Type: text/plain

                plain
                --d--
                """);
        BodyPart root = parse(raw).body();

        assertThat(root.parts().get(0).type()).isEqualTo("message");
        assertThat(root.parts().get(0).message().envelope().subject()).isEqualTo("first");
        assertThat(body(raw, root.parts().get(0).message().body())).isEqualTo("one");
        assertThat(root.parts().get(1).type()).isEqualTo("text");
    }

    @Test
    void aLargeAttachmentIsStreamedNotBuffered() throws IOException {
        long attachment = 25L * 1024 * 1024;
        byte[] head = crlf("""
                Content-Type: multipart/mixed; boundary=big

                --big
                Content-Type: application/octet-stream
                Content-Transfer-Encoding: base64

                """);
        byte[] tail = crlf("\n--big--\n");
        InputStream in = new GeneratedStream(head, attachment, tail);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        ParsedMessage m = MessageParser.parse(in);
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

        // Allocation, not timing: the 25 MB never pass through the heap, only buffers do.
        assertThat(allocated).isLessThan(2L * 1024 * 1024);

        BodyPart part = m.body().parts().get(0);
        assertThat(m.size()).isEqualTo(head.length + attachment + tail.length);
        assertThat(part.bodyOffset()).isEqualTo(head.length);
        assertThat(part.bodyLength()).isEqualTo(attachment);
    }

    @Test
    void emptyInputIsAnEmptyTextMessage() throws IOException {
        ParsedMessage m = parse(new byte[0]);
        assertThat(m.size()).isZero();
        assertThat(m.body().type()).isEqualTo("text");
        assertThat(m.body().bodyLength()).isZero();
        assertThat(m.headers()).isEmpty();
        assertThat(m.envelope().from()).isNull();
    }

    static byte[] concat(byte[]... pieces) {
        int n = 0;
        for (byte[] p : pieces) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** head, then {@code count} octets of base64-looking lines (76 + CRLF), then tail; never in memory. */
    static final class GeneratedStream extends InputStream {
        private final byte[] head;
        private final long count;
        private final byte[] tail;
        private long position;

        GeneratedStream(byte[] head, long count, byte[] tail) {
            this.head = head;
            this.count = count;
            this.tail = tail;
        }

        @Override
        public int read() {
            long p = position;
            if (p < head.length) {
                position++;
                return head[(int) p] & 0xff;
            }
            p -= head.length;
            if (p < count) {
                position++;
                if (p == count - 1) {
                    return 'A'; // the CRLF before the delimiter comes from the tail
                }
                long column = p % 78;
                return column == 76 ? '\r' : column == 77 ? '\n' : 'A' + (int) (column % 26);
            }
            p -= count;
            if (p < tail.length) {
                position++;
                return tail[(int) p] & 0xff;
            }
            return -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
            }
            return n;
        }
    }

    static List<BodyPart> allParts(BodyPart root) {
        List<BodyPart> out = new java.util.ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(BodyPart part, List<BodyPart> out) {
        out.add(part);
        part.parts().forEach(p -> collect(p, out));
        if (part.message() != null) {
            collect(part.message().body(), out);
        }
    }
}
