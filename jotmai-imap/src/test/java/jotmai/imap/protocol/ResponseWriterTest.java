package jotmai.imap.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ResponseWriterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ResponseWriter out = new ResponseWriter(bytes);

    private String written() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void stringsPickAtomQuotedOrLiteralByContent() {
        out.astring("INBOX").sp().astring("two words").sp().astring("NIL").sp().astring("").sp()
                .string("say \"hi\"").sp().string("line\r\nbreak").sp().string("Grüße");
        assertThat(written()).isEqualTo("INBOX \"two words\" \"NIL\" \"\" \"say \\\"hi\\\"\" {11}\r\nline\r\nbreak {7}\r\nGrüße");
    }

    @Test
    void utf8IsQuotedOnlyInRev2Sessions() {
        out.utf8Quoted(true);
        out.string("Grüße");
        assertThat(written()).isEqualTo("\"Grüße\"");
    }

    @Test
    void statusTextCannotInjectLines() {
        out.no("a1", ResponseCode.CANNOT, "bad\r\n* OK injected");
        assertThat(written()).isEqualTo("a1 NO [CANNOT] bad  * OK injected\r\n");
    }

    @Test
    void nulInAPlainLiteralIsReplacedButKeptInLiteral8() {
        out.literal(new java.io.ByteArrayInputStream(new byte[] {'a', 0, 'b'}), 3, false).sp()
                .literal(new java.io.ByteArrayInputStream(new byte[] {'a', 0, 'b'}), 3, true);
        assertThat(written()).isEqualTo("{3}\r\na?b ~{3}\r\na\0b");
    }
}
