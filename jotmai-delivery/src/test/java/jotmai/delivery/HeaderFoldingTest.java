package jotmai.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HeaderFoldingTest {

    private static String words(int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : " ").append("word").append(i);
        }
        return b.toString();
    }

    @Test
    void aHeaderLineOver998OctetsIsFoldedAtWhitespaceAndUnfoldsToTheSameValue() {
        String value = words(400); // about 3,000 octets
        RawMessage m = RawMessage.parse(("Subject: " + value + "\r\nFrom: a@b.test\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        RawMessage folded = HeaderFolding.fold(m);
        String raw = folded.last("Subject").orElseThrow().raw();
        for (String line : raw.split("\r\n")) {
            assertThat(line.length()).isLessThanOrEqualTo(998);
        }
        assertThat(raw.split("\r\n")).hasSizeGreaterThan(2).allMatch(l -> l.startsWith("Subject:") || l.startsWith(" "));
        assertThat(folded.last("Subject").orElseThrow().value()).isEqualTo(value);
        assertThat(folded.body()).isSameAs(m.body());
        assertThat(folded.last("From").orElseThrow().raw()).isEqualTo("From: a@b.test\r\n");
    }

    @Test
    void shortHeaderLinesLeaveTheMessageAsItIs() {
        RawMessage m = RawMessage.parse("Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(HeaderFolding.fold(m)).isSameAs(m);
        assertThat(MimeDowngrade.forData(m, true)).containsSame(m);
    }

    @Test
    void aLineWithoutWhitespaceToFoldAtStaysAsItIs() {
        String raw = "X-Token:" + "x".repeat(1500) + "\r\n";
        assertThat(HeaderFolding.foldField(raw)).isEqualTo(raw);
    }

    @Test
    void forDataFoldsTheHeaderAndAddsNoMimeVersionWhenTheBodyNeedsNothing() {
        RawMessage m = RawMessage.parse(("Subject: " + words(400) + "\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        Optional<RawMessage> out = MimeDowngrade.forData(m, true);
        assertThat(out).isPresent();
        assertThat(out.get().last("MIME-Version")).isEmpty();
        assertThat(new String(out.get().toBytes(), StandardCharsets.ISO_8859_1).split("\r\n"))
                .allMatch(l -> l.length() <= 998);
    }
}
