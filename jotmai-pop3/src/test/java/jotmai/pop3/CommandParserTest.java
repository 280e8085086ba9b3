package jotmai.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CommandParserTest {

    @Test
    void keywordsAreCaseInsensitive() {
        assertThat(CommandParser.parse("stat")).isEqualTo(new Pop3Command.Stat());
        assertThat(CommandParser.parse("Quit")).isEqualTo(new Pop3Command.Quit());
        assertThat(CommandParser.parse("capa")).isEqualTo(new Pop3Command.Capa());
        assertThat(CommandParser.parse("sTlS")).isEqualTo(new Pop3Command.Stls());
    }

    @Test
    void listAndUidlTakeAnOptionalMessageNumber() {
        assertThat(CommandParser.parse("LIST")).isEqualTo(new Pop3Command.List(OptionalInt.empty()));
        assertThat(CommandParser.parse("LIST 3")).isEqualTo(new Pop3Command.List(OptionalInt.of(3)));
        assertThat(CommandParser.parse("UIDL")).isEqualTo(new Pop3Command.Uidl(OptionalInt.empty()));
        assertThat(CommandParser.parse("uidl 12")).isEqualTo(new Pop3Command.Uidl(OptionalInt.of(12)));
    }

    @Test
    void retrDeleAndTopTakeNumbers() {
        assertThat(CommandParser.parse("RETR 1")).isEqualTo(new Pop3Command.Retr(1));
        assertThat(CommandParser.parse("DELE 2")).isEqualTo(new Pop3Command.Dele(2));
        assertThat(CommandParser.parse("TOP 1 0")).isEqualTo(new Pop3Command.Top(1, 0));
        assertThat(CommandParser.parse("TOP  4   10")).isEqualTo(new Pop3Command.Top(4, 10));
    }

    @Test
    void passKeepsSpacesInThePassword() {
        assertThat(CommandParser.parse("PASS my secret  phrase ")).isEqualTo(new Pop3Command.Pass("my secret  phrase "));
    }

    @Test
    void passwordsNeverAppearInToString() {
        assertThat(CommandParser.parse("PASS hunter2").toString()).doesNotContain("hunter2");
        assertThat(CommandParser.parse("AUTH PLAIN AGFsaWNlAHNlY3JldA==").toString()).doesNotContain("AGFsaWNl");
    }

    @Test
    void authCarriesMechanismAndInitialResponse() {
        assertThat(CommandParser.parse("AUTH")).isEqualTo(new Pop3Command.Auth(Optional.empty(), Optional.empty()));
        assertThat(CommandParser.parse("auth plain")).isEqualTo(new Pop3Command.Auth(Optional.of("PLAIN"), Optional.empty()));
        assertThat(CommandParser.parse("AUTH PLAIN =")).isEqualTo(new Pop3Command.Auth(Optional.of("PLAIN"), Optional.of("=")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "HELO", "XYZZY 1", "RETR", "RETR x", "RETR 0", "RETR -1", "RETR 99999999999",
            "DELE 1 2", "TOP 1", "TOP 1 -2", "STAT 1", "QUIT now", "USER", "USER a b", "PASS", "PASS ",
            "LIST 1 2", "APOP onlyname", "AUTH A B C", "NOOP x"})
    void malformedCommandsAreErrorsNotCrashes(String line) {
        assertThatThrownBy(() -> CommandParser.parse(line)).isInstanceOf(Pop3Exception.Err.class);
    }

    @ParameterizedTest
    @CsvSource({"2147483647,2147483647", "007,7"})
    void messageNumbersAreBoundedDecimal(String text, int value) {
        assertThat(CommandParser.messageNumber(text)).isEqualTo(value);
    }

    @Test
    void overlongArgumentsAreRefused() {
        assertThatThrownBy(() -> CommandParser.parse("USER " + "a".repeat(300))).isInstanceOf(Pop3Exception.Err.class);
    }
}
