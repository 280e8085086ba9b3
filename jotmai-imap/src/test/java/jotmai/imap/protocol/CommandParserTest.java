package jotmai.imap.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Table-driven parser tests: wire text in, command records out; no sockets. */
class CommandParserTest {
    @TempDir
    Path spool;

    private Command parse(String wire) throws Exception {
        ImapReader reader = new ImapReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)), spool);
        RawCommand raw = reader.readCommand(ReaderLimits.authenticated(1 << 20), (t, s, sync) -> { });
        return CommandParser.parse(raw).command();
    }

    @Test
    void simpleCommandsParseCaseInsensitively() throws Exception {
        assertThat(parse("a1 capability\r\n")).isEqualTo(new Command.Capability());
        assertThat(parse("a1 NoOp\r\n")).isEqualTo(new Command.Noop());
        assertThat(parse("a1 LOGIN \"al\\\"ice\" {6}\r\nsecret\r\n")).isEqualTo(new Command.Login("al\"ice", "secret"));
        assertThat(parse("a1 SELECT inbox (CONDSTORE)\r\n")).isEqualTo(new Command.Select("inbox", false, true, java.util.Optional.empty()));
        assertThat(parse("a1 UID EXPUNGE 1:3,7\r\n")).isEqualTo(new Command.Expunge(Optional.of(new SequenceSet(
                List.of(new SequenceSet.Range(1, 3), new SequenceSet.Range(7, 7)), false))));
    }

    @Test
    void theAppendMailboxIsFoundInTheTextBeforeTheFirstLiteralOnlyWhenItIsThere() {
        assertThat(CommandParser.appendMailbox("a1 APPEND Drafts (\\Seen) ")).contains("Drafts");
        assertThat(CommandParser.appendMailbox("a1 append \"My Box\" ")).contains("My Box");
        assertThat(CommandParser.appendMailbox("a1 APPEND ")).isEmpty();
        assertThat(CommandParser.appendMailbox("a1 LOGIN alice ")).isEmpty();
        assertThat(CommandParser.appendMailbox("a1 APPEND \"unterminated ")).isEmpty();
    }

    @Test
    void fetchItemsMacrosSectionsAndPartialsParse() throws Exception {
        Command.Fetch f = (Command.Fetch) parse("a FETCH 1:* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (Subject From)]<0.100> "
                + "BINARY[2] BINARY.SIZE[2] RFC822.HEADER BODY[] BODYSTRUCTURE)\r\n");
        assertThat(f.set().ranges()).containsExactly(new SequenceSet.Range(1, SequenceSet.STAR));
        assertThat(f.items()).containsExactly(new FetchItem.Flags(),
                new FetchItem.BodySection(new FetchItem.Section(List.of(1, 2), FetchItem.Section.Text.HEADER_FIELDS,
                        List.of("Subject", "From")), new FetchItem.Partial(0, 100), true),
                new FetchItem.Binary(List.of(2), null, false), new FetchItem.BinarySize(List.of(2)),
                new FetchItem.Rfc822(FetchItem.Section.Text.HEADER),
                new FetchItem.BodySection(new FetchItem.Section(List.of(), FetchItem.Section.Text.NONE, List.of()), null, false),
                new FetchItem.Structure(true));
        assertThat(((Command.Fetch) parse("a FETCH 2 ALL\r\n")).items()).hasSize(4);
        assertThat(((Command.Fetch) parse("a UID FETCH $ FAST\r\n")).set().saved()).isTrue();
    }

    @Test
    void searchKeysNestAndCombine() throws Exception {
        Command.Search s = (Command.Search) parse(
                "a UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FROM alice SINCE 1-Feb-2026) NOT SEEN 1:5\r\n");
        assertThat(s.uid()).isTrue();
        assertThat(s.returns()).contains(Set.of(Command.SearchReturn.MIN, Command.SearchReturn.COUNT));
        assertThat(s.charset()).isEqualTo("UTF-8");
        assertThat(s.key()).isEqualTo(new SearchKey.And(List.of(
                new SearchKey.Or(new SearchKey.And(List.of(new SearchKey.Header("From", "alice"),
                        new SearchKey.Date(SearchKey.DateField.INTERNAL, SearchKey.Comparison.SINCE,
                                java.time.LocalDate.of(2026, 2, 1)))),
                        new SearchKey.Not(new SearchKey.Flag("\\Seen", true))),
                new SearchKey.Sequence(SequenceSet.of(1, 5)))));
    }

    @Test
    void appendTakesFlagsDateAndSeveralLiterals() throws Exception {
        Command.Append a = (Command.Append) parse(
                "a APPEND Sent (\\Seen) \" 5-Mar-2026 10:00:00 +0100\" {3+}\r\nabc {2+}\r\nde\r\n");
        assertThat(a.mailbox()).isEqualTo("Sent");
        assertThat(a.messages()).hasSize(2);
        assertThat(a.messages().get(0).flags()).containsExactly("\\Seen");
        assertThat(a.messages().get(0).internalDate()).isPresent();
        assertThat(a.messages().get(1).content().asString()).isEqualTo("de");
    }

    @Test
    void listExtendedSelectionAndReturnOptionsParse() throws Exception {
        Command.ListMailboxes l = (Command.ListMailboxes) parse(
                "a LIST (SUBSCRIBED) \"\" (INBOX \"Foo/%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n");
        assertThat(l.patterns()).containsExactly("INBOX", "Foo/%");
        assertThat(l.selection()).containsExactly(Command.ListSelect.SUBSCRIBED);
        assertThat(l.returns().children()).isTrue();
        assertThat(l.returns().status()).containsExactly(Command.StatusItem.MESSAGES, Command.StatusItem.UNSEEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a FETCH 1 (FLAGS\r\n", "a FETCH 0 FLAGS\r\n", "a SEARCH (((ALL\r\n", "a STORE 1 FLAGZ (\\Seen)\r\n",
            "a LOGIN\r\n", "a SELECT\r\n", "a FETCH 1 BODY[1.MIMEX]\r\n", "a UID FROB 1\r\n", "a SEARCH BEFORE 32-Jan-2026\r\n",
            "a FETCH 99999999999 FLAGS\r\n", "a NOOP extra\r\n", "+ NOOP\r\n"})
    void malformedCommandsAreBad(String wire) {
        assertThatThrownBy(() -> parse(wire)).isInstanceOf(ImapException.Bad.class);
    }

    @Test
    void deeplyNestedSearchIsRefusedNotAStackOverflow() {
        String deep = "a SEARCH " + "(".repeat(5000) + "ALL" + ")".repeat(5000) + "\r\n";
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(ImapException.Bad.class).hasMessageContaining("deep");
    }
}
