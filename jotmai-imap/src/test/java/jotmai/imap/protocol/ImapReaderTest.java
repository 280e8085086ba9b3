package jotmai.imap.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImapReaderTest {
    @TempDir
    Path spool;

    private ImapReader reader(String wire) {
        return new ImapReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)), spool);
    }

    @Test
    void synchronizingLiteralsAskForContinuationAndNonSynchronizingDoNot() throws Exception {
        List<String> asked = new ArrayList<>();
        RawCommand raw = reader("a LOGIN {5}\r\nalice {6+}\r\nsecret\r\n").readCommand(ReaderLimits.UNAUTHENTICATED,
                (tag, size, sync) -> asked.add(tag + ":" + size + ":" + sync));
        assertThat(asked).containsExactly("a:5:true", "a:6:false");
        assertThat(raw.parts()).hasSize(5);
    }

    @Test
    void largeLiteralsAreSpooledToAFileAndDeletedOnClose() throws Exception {
        String body = "x".repeat(100_000);
        RawCommand raw = reader("a APPEND INBOX {100000+}\r\n" + body + "\r\n")
                .readCommand(ReaderLimits.authenticated(1 << 20), (t, s, sync) -> { });
        Literal lit = ((RawCommand.Part.Lit) raw.parts().get(1)).literal();
        Path file = lit.file().orElseThrow();
        assertThat(Files.size(file)).isEqualTo(100_000);
        raw.close();
        assertThat(file).doesNotExist();
    }

    @Test
    void literalsAboveTheLimitAreRefusedBeforeReadingThem() {
        assertThatThrownBy(() -> reader("a LOGIN {4294967296}\r\n").readCommand(ReaderLimits.UNAUTHENTICATED, (t, s, y) -> { }))
                .isInstanceOf(ImapException.No.class);
        assertThatThrownBy(() -> reader("a LOGIN {9999+}\r\n").readCommand(ReaderLimits.UNAUTHENTICATED, (t, s, y) -> { }))
                .isInstanceOf(ImapException.Bye.class);
    }

    @Test
    void overlongLinesAreSkippedAndReportedWithTheirTag() throws Exception {
        ImapReader r = reader("x7 NOOP " + "a".repeat(70_000) + "\r\nb NOOP\r\n");
        assertThatThrownBy(() -> r.readCommand(ReaderLimits.authenticated(1000), (t, s, y) -> { }))
                .isInstanceOf(ImapException.Bad.class);
        assertThat(r.currentTag()).isEqualTo("x7");
        assertThat(r.readCommand(ReaderLimits.authenticated(1000), (t, s, y) -> { }).tag()).isEqualTo("b");
    }

    @Test
    void aClientVanishingMidLiteralIsAnEofNotAHang() {
        assertThatThrownBy(() -> reader("a APPEND INBOX {10}\r\nabc").readCommand(ReaderLimits.authenticated(1000),
                (t, s, y) -> { })).isInstanceOf(EOFException.class);
    }
}
