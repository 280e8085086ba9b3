package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SmtpReaderTest {

    private static SmtpReader reader(String wire) {
        return new SmtpReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), () -> { });
    }

    private static String text(SmtpReader.Line line) {
        return new String(line.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void commandLinesEndAtCrlfAndKeepNoTerminator() throws IOException {
        SmtpReader r = reader("EHLO a\r\nNOOP\r\n");
        assertThat(text(r.readLine(100))).isEqualTo("EHLO a");
        assertThat(text(r.readLine(100))).isEqualTo("NOOP");
    }

    @Test
    void anOverlongLineIsReportedAndTheNextLineIsReadNormally() throws IOException {
        SmtpReader r = reader("X".repeat(100_000) + "\r\nNOOP\r\n");
        assertThat(r.readLine(510).problem()).isEqualTo(SmtpReader.Problem.TOO_LONG);
        assertThat(text(r.readLine(510))).isEqualTo("NOOP");
    }

    @Test
    void bareLineFeedAndBareCarriageReturnInCommandsAreReported() throws IOException {
        SmtpReader r = reader("NOOP\nNO\rOP\r\n");
        assertThat(r.readLine(100).problem()).isEqualTo(SmtpReader.Problem.BARE_CR_OR_LF);
        assertThat(r.readLine(100).problem()).isEqualTo(SmtpReader.Problem.BARE_CR_OR_LF);
    }

    @Test
    void dataIsDotUnstuffedAndEndsAtCrlfDotCrlf() throws IOException {
        SmtpReader r = reader("Subject: x\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SmtpReader.DataResult result = r.readData(sink, 1000);
        assertThat(result.acceptable()).isTrue();
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("Subject: x\r\n\r\n.leading dot\r\n");
        assertThat(text(r.readLine(100))).isEqualTo("QUIT");
    }

    @Test
    void smugglingSequencesDoNotEndTheDataAndTaintTheMessage() throws IOException {
        for (String smuggle : new String[] {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\n.\r"}) {
            SmtpReader r = reader("a: b\r\n\r\nbody" + smuggle + "MAIL FROM:<evil@x.test>\r\n.\r\nNOOP\r\n");
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            SmtpReader.DataResult result = r.readData(sink, 10_000);
            assertThat(result.bareCrOrLf()).as("sequence %s", smuggle.replace("\r", "<CR>").replace("\n", "<LF>"))
                    .isTrue();
            assertThat(text(r.readLine(100))).isEqualTo("NOOP");
        }
    }

    @Test
    void aDotLineAfterABareLineFeedIsContentNotTheEnd() throws IOException {
        SmtpReader r = reader("x\n.\r\nSTILL DATA\r\n.\r\nNOOP\r\n");
        SmtpReader.DataResult result = r.readData(new ByteArrayOutputStream(), 10_000);
        assertThat(result.bareCrOrLf()).isTrue();
        assertThat(text(r.readLine(100))).isEqualTo("NOOP");
    }

    @Test
    void oversizeDataIsReadToTheEndButNotWritten() throws IOException {
        String line = "y".repeat(78) + "\r\n";
        SmtpReader r = reader(line.repeat(100) + ".\r\nNOOP\r\n");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SmtpReader.DataResult result = r.readData(sink, 1000);
        assertThat(result.oversize()).isTrue();
        assertThat(sink.size()).isLessThanOrEqualTo(1000);
        assertThat(text(r.readLine(100))).isEqualTo("NOOP");
    }

    @Test
    void aDataLineOverTheLimitIsFlaggedAndDropped() throws IOException {
        SmtpReader r = reader("z".repeat(5000) + "\r\n.\r\n");
        SmtpReader.DataResult result = r.readData(new ByteArrayOutputStream(), 1_000_000);
        assertThat(result.lineTooLong()).isTrue();
    }

    @Test
    void endOfStreamInsideDataIsAnError() {
        SmtpReader r = reader("Subject: cut\r\n");
        assertThatThrownBy(() -> r.readData(new ByteArrayOutputStream(), 1000)).isInstanceOf(EOFException.class);
    }

    @Test
    void chunksAreReadExactlyAndExcessBeyondRoomIsDropped() throws IOException {
        SmtpReader r = reader("0123456789NOOP\r\n");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThat(r.readChunk(10, sink, 4)).isEqualTo(4);
        assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("0123");
        assertThat(text(r.readLine(100))).isEqualTo("NOOP");
    }
}
