package jotmai.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {

    @Test
    void mailWithParametersParsesAddressAndUpperCasedKeys() {
        Command c = CommandParser.parse("mail from:<Alice@Example.TEST> size=123 BODY=8BITMIME SMTPUTF8");
        assertThat(c).isEqualTo(new Command.Mail(
                Optional.of(new MailAddress("Alice", "Example.TEST", false, false)),
                Map.of("SIZE", "123", "BODY", "8BITMIME", "SMTPUTF8", "")));
    }

    @Test
    void nullReversePathIsEmpty() {
        assertThat(CommandParser.parse("MAIL FROM:<>")).isEqualTo(new Command.Mail(Optional.empty(), Map.of()));
    }

    @Test
    void sourceRouteIsParsedAndIgnored() {
        Command.Rcpt r = (Command.Rcpt) CommandParser.parse("RCPT TO:<@mx.example.test,@b.test:user@remote.test>");
        assertThat(r.to().orElseThrow().wire()).isEqualTo("user@remote.test");
    }

    @Test
    void quotedLocalPartKeepsItsContent() {
        Command.Rcpt r = (Command.Rcpt) CommandParser.parse("RCPT TO:<\"user@remote\"@example.test>");
        assertThat(r.to().orElseThrow().localPart()).isEqualTo("user@remote");
        assertThat(r.to().orElseThrow().quoted()).isTrue();
    }

    @Test
    void internationalizedLocalPartIsAccepted() {
        Command.Rcpt r = (Command.Rcpt) CommandParser.parse("RCPT TO:<สมชาย@example.test>");
        assertThat(r.to().orElseThrow().isAscii()).isFalse();
    }

    @Test
    void domainlessPostmasterIsRecognised() {
        assertThat(((Command.Rcpt) CommandParser.parse("RCPT TO:<postmaster>")).postmaster()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "RCPT TO:<user@remote.test@example.test>|501",
        "RCPT TO:<user@example.test.>|501",
        "RCPT TO:<user@-bad.test>|501",
        "RCPT TO:<user@>|501",
        "RCPT TO:<@example.test>|501",
        "RCPT TO:user@example.test|501",
        "RCPT TO:<a@b.test> NOTIFY=|501",
        "MAIL FROM:<a@b.test> SIZE=1 SIZE=2|501",
        "MAIL TO:<a@b.test>|501",
        "EHLO|501",
        "DATA now|501",
        "BDAT|501",
        "BDAT x|501",
        "BDAT 10 FIRST|501",
        "FOO bar|500",
        "AUTH|501",
    })
    void malformedCommandsGetTheRightCode(String line, int code) {
        assertThatThrownBy(() -> CommandParser.parse(line))
                .isInstanceOfSatisfying(SmtpReply.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void bdatParsesSizeAndLast() {
        assertThat(CommandParser.parse("BDAT 42 LAST")).isEqualTo(new Command.Bdat(42, true));
        assertThat(CommandParser.parse("bdat 0")).isEqualTo(new Command.Bdat(0, false));
    }

    @Test
    void authKeepsTheInitialResponse() {
        assertThat(CommandParser.parse("AUTH plain AGEAYg==")).isEqualTo(new Command.Auth("PLAIN", Optional.of("AGEAYg==")));
    }

    @Test
    void localPartLongerThan64OctetsIsRefused() {
        assertThatThrownBy(() -> CommandParser.parse("RCPT TO:<" + "a".repeat(65) + "@example.test>"))
                .isInstanceOf(SmtpReply.class);
    }
}
