package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MessageStreamerTest {

    private static String stream(String message, int bodyLines, int chunkSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageStreamer s = new MessageStreamer(out, bodyLines);
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        for (int off = 0; off < bytes.length; off += chunkSize) {
            s.write(bytes, off, Math.min(chunkSize, bytes.length - off));
            if (s.limitReached()) {
                break;
            }
        }
        s.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 4096})
    void linesStartingWithADotAreStuffedWhateverTheChunking(int chunk) throws IOException {
        String msg = ".starts\r\nSubject: x\r\n\r\n.\r\n..two\r\nmid.dle\r\n.";
        assertThat(stream(msg, MessageStreamer.ALL_LINES, chunk))
                .isEqualTo("..starts\r\nSubject: x\r\n\r\n..\r\n...two\r\nmid.dle\r\n..\r\n.\r\n");
    }

    @Test
    void aMessageEndingInCrlfGetsJustTheTerminator() throws IOException {
        assertThat(stream("A: b\r\n\r\nbody\r\n", MessageStreamer.ALL_LINES, 100)).isEqualTo("A: b\r\n\r\nbody\r\n.\r\n");
    }

    @Test
    void aMessageWithoutFinalCrlfIsTerminatedProperly() throws IOException {
        assertThat(stream("A: b\r\n\r\nbody", MessageStreamer.ALL_LINES, 100)).isEqualTo("A: b\r\n\r\nbody\r\n.\r\n");
    }

    @Test
    void aDotAfterABareLfIsStuffedToo() throws IOException {
        assertThat(stream("A: b\n\n.x\n", MessageStreamer.ALL_LINES, 3)).isEqualTo("A: b\n\n..x\n.\r\n");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 4096})
    void topSendsTheHeaderTheBlankLineAndNBodyLines(int chunk) throws IOException {
        String msg = "From: a\r\nSubject: s\r\n\r\nline1\r\n.line2\r\nline3\r\n";
        assertThat(stream(msg, 0, chunk)).isEqualTo("From: a\r\nSubject: s\r\n\r\n.\r\n");
        assertThat(stream(msg, 2, chunk)).isEqualTo("From: a\r\nSubject: s\r\n\r\nline1\r\n..line2\r\n.\r\n");
        assertThat(stream(msg, 10, chunk)).isEqualTo(msg.replace("\n.line2", "\n..line2") + ".\r\n");
    }

    @Test
    void topOfAMessageWithoutBodySendsTheWholeHeader() throws IOException {
        assertThat(stream("From: a\r\nSubject: s\r\n", 3, 4)).isEqualTo("From: a\r\nSubject: s\r\n.\r\n");
    }

    @Test
    void anEmptyMessageIsJustTheTerminator() throws IOException {
        assertThat(stream("", MessageStreamer.ALL_LINES, 1)).isEqualTo(".\r\n");
    }

    @Test
    void retrStuffingMatchesLineByLineStuffingForAnyChunking() throws IOException {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(300);
            for (int i = 0; i < length; i++) {
                sb.append(".\r\nx".charAt(random.nextInt(4)));
            }
            String msg = sb.toString();
            // reference: a dot after every LF (and at the very start) gets doubled
            String expected = (msg.startsWith(".") ? "." : "") + msg.replace("\n.", "\n..");
            expected += (msg.isEmpty() || msg.endsWith("\n") ? "" : "\r\n") + ".\r\n";
            int chunk = 1 + random.nextInt(20);
            assertThat(stream(msg, MessageStreamer.ALL_LINES, chunk)).as("%s in chunks of %d", msg, chunk).isEqualTo(expected);
        }
    }
}
