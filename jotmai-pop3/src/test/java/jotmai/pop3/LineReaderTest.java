package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static LineReader reader(String text) {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsCrlfAndBareLfLines() throws IOException {
        LineReader r = reader("USER a\r\nPASS b\nQUIT\r\n");
        assertThat(r.read()).isEqualTo(new LineReader.Result.Line("USER a"));
        assertThat(r.read()).isEqualTo(new LineReader.Result.Line("PASS b"));
        assertThat(r.read()).isEqualTo(new LineReader.Result.Line("QUIT"));
        assertThat(r.read()).isInstanceOf(LineReader.Result.Eof.class);
    }

    @Test
    void anOverlongLineIsDiscardedAndTheNextLineStillReads() throws IOException {
        LineReader r = reader("X".repeat(LineReader.MAX_LINE_OCTETS * 3) + "\r\nNOOP\r\n");
        assertThat(r.read()).isInstanceOf(LineReader.Result.TooLong.class);
        assertThat(r.read()).isEqualTo(new LineReader.Result.Line("NOOP"));
    }

    @Test
    void aLineWithoutEndBeyondTheDiscardLimitIsAFlood() throws IOException {
        LineReader r = reader("X".repeat(LineReader.MAX_DISCARD_OCTETS + 10));
        assertThat(r.read()).isInstanceOf(LineReader.Result.Flood.class);
    }

    @Test
    void aLineOfExactlyTheLimitIsAccepted() throws IOException {
        String line = "Y".repeat(LineReader.MAX_LINE_OCTETS);
        assertThat(reader(line + "\n").read()).isEqualTo(new LineReader.Result.Line(line));
    }

    @Test
    void eofInTheMiddleOfALineIsEof() throws IOException {
        assertThat(reader("STA").read()).isInstanceOf(LineReader.Result.Eof.class);
    }

    @Test
    void pipelinedLinesAreReportedAsBufferedUntilTheLastIsRead() throws IOException {
        LineReader r = reader("STAT\r\nNOOP\r\n");
        assertThat(r.hasBufferedInput()).isFalse();
        assertThat(r.read()).isEqualTo(new LineReader.Result.Line("STAT"));
        assertThat(r.hasBufferedInput()).isTrue();
        assertThat(r.read()).isEqualTo(new LineReader.Result.Line("NOOP"));
        assertThat(r.hasBufferedInput()).isFalse();
    }
}
