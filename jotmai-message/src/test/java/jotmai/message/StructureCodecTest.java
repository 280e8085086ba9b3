package jotmai.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructureCodecTest {

    private static final byte[] NESTED = MessageParserTest.crlf("""
            From: "Fwd" <fwd@example.com>, Group: a@b.c;
            Subject: =?UTF-8?B?4Lib4Lij4Liw4LiK4Li44Lih?=
            Content-Type: multipart/mixed; boundary="m"

            --m
            Content-Type: text/plain; charset=utf-8
            Content-Language: th
            Content-Disposition: inline; filename*=UTF-8''%E0%B8%81.txt

            สวัสดี
            --m
            Content-Type: message/rfc822

            From: Original <orig@example.org>
            Subject: original

            inner
            --m--
            """);

    @Test
    void encodeThenDecodeGivesAnEqualStructure() throws IOException {
        ParsedMessage parsed = MessageParserTest.parse(NESTED);

        byte[] encoded = StructureCodec.encode(parsed);
        ParsedMessage decoded = StructureCodec.decode(encoded);

        assertThat(decoded).isEqualTo(parsed);
        assertThat(encoded.length).isLessThan(NESTED.length * 2);
    }

    @Test
    void recordsWithNullsAndEmptyListsRoundTrip() {
        BodyPart leaf = new BodyPart("text", "plain", List.of(), null, null, "7BIT", 0, 0, 0, 0, null, null,
                List.of(), null, List.of(), null);
        Envelope envelope = new Envelope(null, null, null, null, null, null, null, null, null, null);
        ParsedMessage message = new ParsedMessage(0, envelope, leaf, List.of());

        assertThat(StructureCodec.decode(StructureCodec.encode(message))).isEqualTo(message);
    }

    @Test
    void corruptOrForeignBytesAreRejectedWithIllegalArgument() throws IOException {
        byte[] encoded = StructureCodec.encode(MessageParserTest.parse(NESTED));

        assertThatThrownBy(() -> StructureCodec.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StructureCodec.decode(Arrays.copyOf(encoded, encoded.length / 2)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] newerVersion = encoded.clone();
        newerVersion[3] = 99;
        assertThatThrownBy(() -> StructureCodec.decode(newerVersion))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
    }
}
