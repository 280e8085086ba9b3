package jotmai.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HeaderDecoderTest {

    @Test
    void base64AndQEncodedWordsDecodeAndWhitespaceBetweenThemIsDropped() {
        assertThat(HeaderDecoder.decode(" =?UTF-8?B?4Lib4Lij4Liw4LiK4Li44Lih?= =?utf-8?q?_=E0=B8=9E=E0=B8=A3?="))
                .isEqualTo(" ประชุม พร");
        assertThat(HeaderDecoder.decode("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>"))
                .isEqualTo("André Pirard <PIRARD@vm1.ulg.ac.be>");
        assertThat(HeaderDecoder.decode("Re: =?windows-1252?Q?=93quoted=94?= text"))
                .isEqualTo("Re: “quoted” text");
    }

    @Test
    void rfc2047ExamplesFromSection8() {
        assertThat(HeaderDecoder.decode("(=?ISO-8859-1?Q?a?=)")).isEqualTo("(a)");
        assertThat(HeaderDecoder.decode("(=?ISO-8859-1?Q?a?= b)")).isEqualTo("(a b)");
        assertThat(HeaderDecoder.decode("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)")).isEqualTo("(ab)");
        assertThat(HeaderDecoder.decode("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)")).isEqualTo("(ab)");
        assertThat(HeaderDecoder.decode("(=?ISO-8859-1?Q?a_b?=)")).isEqualTo("(a b)");
    }

    @Test
    void thaiInTis620AndWindows874Decodes() {
        Charset thai = Charset.forName("x-windows-874");
        String word = "สวัสดีครับ";
        String b64 = Base64.getEncoder().encodeToString(word.getBytes(thai));
        assertThat(HeaderDecoder.decode("=?TIS-620?B?" + b64 + "?=")).isEqualTo(word);
        assertThat(HeaderDecoder.decode("=?windows-874?B?" + b64 + "?=")).isEqualTo(word);
        assertThat(HeaderDecoder.decode("=?TIS-620?Q?=CA=C7=D1=CA=B4=D5?=")).isEqualTo("สวัสดี");
    }

    @Test
    void aCharacterSplitAcrossEncodedWordsIsJoined() {
        byte[] utf8 = "ก".getBytes(StandardCharsets.UTF_8); // three octets
        String first = Base64.getEncoder().encodeToString(new byte[] {utf8[0]});
        String second = Base64.getEncoder().encodeToString(new byte[] {utf8[1], utf8[2]});
        assertThat(HeaderDecoder.decode("=?UTF-8?B?" + first + "?= =?UTF-8?B?" + second + "?="))
                .isEqualTo("ก");
    }

    @Test
    void brokenAndUnknownInputIsLeftReadable() {
        assertThat(HeaderDecoder.decode("plain text, =?no end")).isEqualTo("plain text, =?no end");
        assertThat(HeaderDecoder.decode("=?x-unknown?Q?caf=C3=A9?=")).isEqualTo("café");
        assertThat(HeaderDecoder.decode("=?utf-8?B?!!!4Lib4Lij?=")).isEqualTo("ปร");
        assertThat(HeaderDecoder.decode("a =?utf-8?X?zzz?= b")).isEqualTo("a =?utf-8?X?zzz?= b");
        assertThat(HeaderDecoder.decode("glued=?utf-8?q?word?=s")).isEqualTo("gluedwords");
        assertThat(HeaderDecoder.decode("=?utf-8*th?B?4Lib?=")).isEqualTo("ป");
        assertThat(HeaderDecoder.decode(null)).isNull();
    }

    @Test
    void foldedValuesAreUnfolded() {
        assertThat(HeaderDecoder.decode(" a long\r\n\tfolded subject")).isEqualTo(" a long\tfolded subject");
    }

    @Test
    void raw8BitHeaderIsReadInTheFallbackCharset() {
        Charset thai = Charset.forName("x-windows-874");
        String asParserKeepsIt = new String("สวัสดี".getBytes(thai), StandardCharsets.ISO_8859_1);
        assertThat(HeaderDecoder.decode(asParserKeepsIt, thai)).isEqualTo("สวัสดี");
        assertThat(HeaderDecoder.decode("already ไทย", thai)).isEqualTo("already ไทย");
    }
}
