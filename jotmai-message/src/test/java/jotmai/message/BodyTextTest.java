package jotmai.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyTextTest {

    static BodyPart part(String charset, String encoding) {
        List<BodyPart.Param> params = charset == null ? List.of() : List.of(new BodyPart.Param("charset", charset));
        return new BodyPart("text", "plain", params, null, null, encoding, 0, 0, 0, 0, null, null, List.of(), null,
                List.of(), null);
    }

    static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    static InputStream in(String ascii) {
        return in(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void thaiUtf8Base64BodyDecodesAndMatches() throws IOException {
        String thai = "เรียนคุณสมชาย\r\nการประชุมวันพรุ่งนี้เลื่อนเป็นบ่ายสองโมง\r\n";
        String b64 = Base64.getMimeEncoder().encodeToString(thai.getBytes(StandardCharsets.UTF_8));
        BodyPart p = part("utf-8", "base64");

        assertThat(BodyText.text(p, in(b64), 10_000)).isEqualTo(thai);
        assertThat(BodyText.containsIgnoreCase(p, in(b64), "ประชุม")).isTrue();
        assertThat(BodyText.containsIgnoreCase(p, in(b64), "ประชาชน")).isFalse();
    }

    @Test
    void thaiTis620QuotedPrintableBodyDecodesAndMatches() throws IOException {
        Charset tis = Charset.forName("x-windows-874");
        byte[] raw = "สวัสดีครับ".getBytes(tis);
        StringBuilder qp = new StringBuilder();
        for (byte b : raw) {
            qp.append(String.format("=%02X", b & 0xff));
        }
        BodyPart p = part("TIS-620", "quoted-printable");

        assertThat(BodyText.text(p, in(qp.toString()), 100)).isEqualTo("สวัสดีครับ");
        assertThat(BodyText.containsIgnoreCase(p, in(qp.toString()), "ดีคร")).isTrue();
        assertThat(BodyText.text(part("windows-874", "8bit"), in(raw), 100)).isEqualTo("สวัสดีครับ");
    }

    @Test
    void latin1AndWindows1252BodiesDecode() throws IOException {
        byte[] latin1 = "Caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(BodyText.text(part("iso-8859-1", "8bit"), in(latin1), 100)).isEqualTo("Café crème");
        assertThat(BodyText.containsIgnoreCase(part("ISO-8859-1", null), in(latin1), "CAFÉ")).isTrue();

        byte[] cp1252 = {(byte) 0x93, 'h', 'i', (byte) 0x94, ' ', (byte) 0x80};
        assertThat(BodyText.text(part("windows-1252", "8bit"), in(cp1252), 100)).isEqualTo("“hi” €");
        assertThat(BodyText.text(part("iso-8859-1", "8bit"), in(cp1252), 100)).isEqualTo("“hi” €");
        assertThat(BodyText.text(part("iso-8859-15", "8bit"), in(new byte[] {(byte) 0xa4}), 100)).isEqualTo("€");
    }

    @Test
    void quotedPrintableSoftBreaksTrailingSpaceAndStrayEqualsSigns() throws IOException {
        String qp = "This is a long line that was =\r\nsoft broken.  \r\nNext=3Dline =E2=82=AC\r\n"
                + "a = b, 100%=\nlf-only soft=zz end";
        BodyPart p = part("utf-8", "Quoted-Printable");
        assertThat(BodyText.text(p, in(qp), 1000)).isEqualTo(
                "This is a long line that was soft broken.\r\nNext=line €\r\na = b, 100%lf-only soft=zz end");
    }

    @Test
    void brokenBase64DecodesWhatItCan() throws IOException {
        BodyPart p = part("utf-8", "BASE64");
        assertThat(BodyText.text(p, in("aGVs\r\n!!bG8g*d29y\r\nbGQ"), 100)).isEqualTo("hello world");
        assertThat(BodyText.text(p, in("aGk=aGk="), 100)).isEqualTo("hihi"); // concatenated blocks
        assertThat(BodyText.text(p, in("a"), 100)).isEmpty();
        assertThat(BodyText.text(p, in("====\r\n"), 100)).isEmpty();
    }

    @Test
    void legacyEastAsianLabelsUseTheirSupersets() throws IOException {
        byte[] gbk = "中文邮件".getBytes(Charset.forName("GBK"));
        assertThat(BodyText.text(part("gb2312", "8bit"), in(gbk), 100)).isEqualTo("中文邮件");
        byte[] korean = "안녕하세요".getBytes(Charset.forName("x-windows-949"));
        assertThat(BodyText.text(part("ks_c_5601-1987", "8bit"), in(korean), 100)).isEqualTo("안녕하세요");
        byte[] japanese = "日本語①".getBytes(Charset.forName("windows-31j"));
        assertThat(BodyText.text(part("Shift_JIS", "8bit"), in(japanese), 100)).isEqualTo("日本語①");
    }

    @Test
    void unknownCharsetIsReadAsUtf8WithReplacement() throws IOException {
        byte[] bytes = {'o', 'k', ' ', (byte) 0xe0, (byte) 0xb8, (byte) 0x81, ' ', (byte) 0xff};
        assertThat(BodyText.text(part("x-made-up", "8bit"), in(bytes), 100)).isEqualTo("ok ก \uFFFD");
        assertThat(BodyText.text(part(null, null), in(bytes), 100)).isEqualTo("ok ก \uFFFD");
        assertThat(BodyText.text(part("us-ascii", "7bit"), in(bytes), 100)).isEqualTo("ok ก \uFFFD");
    }

    @Test
    void decodePartGivesContentOctetsForBinaryFetch() throws IOException {
        byte[] payload = new byte[100_000];
        new java.util.Random(7).nextBytes(payload);
        String b64 = Base64.getMimeEncoder().encodeToString(payload);
        BodyPart p = new BodyPart("application", "octet-stream", List.of(), null, null, "base64", 0, 0, 0, 0, null,
                null, List.of(), null, List.of(), null);

        try (InputStream decoded = BodyText.decodePart(p, in(b64))) {
            assertThat(decoded.readAllBytes()).isEqualTo(payload);
        }
        assertThat(BodyText.decodedSize(p, in(b64))).isEqualTo(payload.length);
        assertThat(Arrays.equals(BodyText.decodePart(part(null, "8bit"), in(payload)).readAllBytes(), payload)).isTrue();
        assertThatThrownBy(() -> BodyText.decodePart(part(null, "x-uuencode"), in("begin")))
                .isInstanceOf(BodyText.UnknownEncodingException.class);
        assertThat(BodyText.knowsEncoding(part(null, "x-uuencode"))).isFalse();
    }

    @Test
    void caseInsensitiveMatchingWorksAcrossScripts() throws IOException {
        assertThat(BodyText.containsIgnoreCase("Hello WORLD", "world")).isTrue();
        assertThat(BodyText.containsIgnoreCase("ΣΟΦΙΑ", "σοφια")).isTrue();
        assertThat(BodyText.containsIgnoreCase("Straße", "STRASSE")).isFalse(); // simple folding, by design
        assertThat(BodyText.containsIgnoreCase("ПРИВЕТ мир", "привет МИР")).isTrue();
        assertThat(BodyText.containsIgnoreCase("ภาษาไทย", "ไทย")).isTrue();
        assertThat(BodyText.containsIgnoreCase("emoji 😀 ok", "😀 OK")).isTrue();
        assertThat(BodyText.containsIgnoreCase("anything", "")).isTrue();
        assertThat(BodyText.containsIgnoreCase("aaab", "aab")).isTrue();
        assertThat(BodyText.containsIgnoreCase((String) null, "x")).isFalse();
        // a match spanning the internal buffer boundary
        String big = "x".repeat(8190) + "NEEDLE" + "y".repeat(100);
        assertThat(BodyText.containsIgnoreCase(new StringReader(big), "needle")).isTrue();
    }

    @Test
    void textStopsAtTheRequestedLength() throws IOException {
        String big = "ab".repeat(100_000);
        assertThat(BodyText.text(part("utf-8", "7bit"), in(big), 5)).isEqualTo("ababa");
    }
}
