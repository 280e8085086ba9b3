package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What DATA can not carry is converted part by part, byte-exact (RFC 6152 §3, RFC 3030 §3, RFC 5321 §4.5.3.1.6). */
class MimeDowngradeTest {

    static final String B64_0_TO_255 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\r\n"
            + "OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3Bx\r\n"
            + "cnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmq\r\n"
            + "q6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj\r\n"
            + "5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==";

    static byte[] allOctets() {
        byte[] b = new byte[256];
        for (int i = 0; i < 256; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static final String BINARY_HEAD = "From: Alice <alice@local.test>\r\nTo: bob@remote.test\r\nSubject: bin\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
            + "--b1\r\nContent-Transfer-Encoding: binary\r\nContent-Type: application/octet-stream\r\n\r\n";

    /** A multipart message with one part of every octet 0-255, received with BODY=BINARYMIME. */
    static byte[] binaryMessage() {
        return concat(BINARY_HEAD, allOctets(), "\r\n--b1--\r\n");
    }

    static final String BINARY_CONVERTED = "From: Alice <alice@local.test>\r\nTo: bob@remote.test\r\nSubject: bin\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
            + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + B64_0_TO_255 + "\r\n--b1--\r\n";

    private static String convert(byte[] message, boolean eightBitOk) {
        return new String(MimeDowngrade.forData(RawMessage.parse(message), eightBitOk).orElseThrow().toBytes(),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void aBinaryPartBecomesBase64EvenForAPeerWith8BitMimeAndTheOtherPartsStayByteForByte() {
        assertThat(convert(binaryMessage(), true)).isEqualTo(BINARY_CONVERTED);
        assertThat(convert(binaryMessage(), false)).isEqualTo(BINARY_CONVERTED);
        assertThat(Base64.getMimeDecoder().decode(B64_0_TO_255)).isEqualTo(allOctets());
    }

    @Test
    void aLineOver998OctetsBecomesQuotedPrintableWithSoftBreaks() {
        String head = "From: a@local.test\r\nSubject: long\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n";
        String converted = convert((head + "x".repeat(1000) + "\r\nshort\r\n").getBytes(StandardCharsets.US_ASCII), true);
        assertThat(converted).isEqualTo(head.replace("\r\n\r\n", "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
                + ("x".repeat(75) + "=\r\n").repeat(13) + "x".repeat(25) + "\r\nshort\r\n");
    }

    @Test
    void aMessageWithoutMimeThatNeedsAnEncodingBecomesAMimeMessage() {
        String head = "From: a@local.test\r\nSubject: plain\r\n";
        String converted = convert((head + "\r\n" + "y".repeat(999) + "\r\n").getBytes(StandardCharsets.US_ASCII), true);
        assertThat(converted).isEqualTo(head + "Content-Transfer-Encoding: quoted-printable\r\nMIME-Version: 1.0\r\n\r\n"
                + ("y".repeat(75) + "=\r\n").repeat(13) + "y".repeat(24) + "\r\n");
    }

    @Test
    void eightBitTextWithShortLinesGoesUnchangedToAPeerWith8BitMimeAndAsQuotedPrintableToOneWithout() {
        RawMessage m = RawMessage.parse(DeliveryFixture.message("8bit", "Grüße\r\n"));
        assertThat(MimeDowngrade.forData(m, true)).containsSame(m);
        assertThat(new String(MimeDowngrade.forData(m, false).orElseThrow().toBytes(), StandardCharsets.US_ASCII))
                .endsWith("Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n");
    }

    @Test
    void aQuotedPrintablePartWithOverlongLinesIsDecodedAndEncodedAgain() {
        String head = "From: a@local.test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
        String body = "=C3=A9".repeat(200) + "\r\nend\r\n"; // one line of 1200 octets
        String converted = convert((head + body).getBytes(StandardCharsets.US_ASCII), true);
        assertThat(converted).startsWith(head);
        String out = converted.substring(head.length());
        assertThat(out.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(76));
        assertThat(QuotedPrintable.decode(out.getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(("é".repeat(200) + "\r\nend\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aNulOctetInTextIsEncoded() {
        String head = "From: a@local.test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n";
        assertThat(convert((head + "a\0b\r\n").getBytes(StandardCharsets.US_ASCII), true))
                .endsWith("Content-Transfer-Encoding: quoted-printable\r\n\r\na=00b\r\n");
    }

    @Test
    void aForwardedMessageWithABinaryPartIsConvertedInsideAndRelabelled() {
        byte[] inner = binaryMessage();
        byte[] outer = concat("From: a@local.test\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n"
                + "--o\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: binary\r\n\r\n", inner, "\r\n--o--\r\n");
        assertThat(convert(outer, false)).isEqualTo("From: a@local.test\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=o\r\n\r\n"
                + "--o\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
                + BINARY_CONVERTED + "\r\n--o--\r\n");
    }

    @Test
    void aPartWithAnUnknownEncodingAndOverlongLinesCanNotBeConverted() {
        String m = "From: a@local.test\r\nMIME-Version: 1.0\r\nContent-Type: application/x-thing\r\n"
                + "Content-Transfer-Encoding: x-uuencode\r\n\r\n" + "z".repeat(1200) + "\r\n";
        assertThat(MimeDowngrade.forData(RawMessage.parse(m.getBytes(StandardCharsets.US_ASCII)), true))
                .isEqualTo(Optional.empty());
    }

    @Test
    void quotedPrintableDecodingUndoesEncodingOfAnyOctetsWithCrlfLineBreaks() {
        java.util.Random random = new java.util.Random(6);
        for (int round = 0; round < 50; round++) {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            int n = random.nextInt(3000);
            for (int i = 0; i < n; i++) {
                int b = random.nextInt(256);
                if (b == '\n' || b == '\r') {
                    in.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    in.write(b);
                }
            }
            byte[] data = in.toByteArray();
            assertThat(QuotedPrintable.decode(QuotedPrintable.encode(data))).isEqualTo(data);
        }
    }
}
