package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * FETCH of message data and EXPUNGE answer from the rows the session's view remembers
 * ({@link MessageMetas}) once the view is brought up to date; what another session just changed must
 * show exactly as a fresh read would show it (RFC 9051 §5.2, §7.4.1).
 */
class FetchFromViewTest extends ImapServerTestBase {

    @Override
    void beforeStart() {
        fx.deliverNumbered(alice, 4);
    }

    @Test
    void aFlagChangeByAnotherSessionShowsInTheNextFetchOfRememberedRows() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test");
             ImapTestClient other = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            other.command("SELECT INBOX");
            assertThat(c.command("FETCH 1:* (FLAGS RFC822.SIZE)")).hasSize(5); // the rows are remembered now
            other.command("STORE 2 +FLAGS.SILENT (\\Flagged $Work)");
            List<String> lines = c.command("FETCH 2 (FLAGS RFC822.SIZE)");
            assertThat(lines).anyMatch(l -> l.matches("\\* 2 FETCH \\(FLAGS \\(.*\\\\Flagged.*\\) RFC822\\.SIZE \\d+\\)"));
            assertThat(lines).anyMatch(l -> l.startsWith("* FLAGS (") && l.contains("$Work")); // RFC 9051 §7.3.5
            assertThat(ImapTestClient.last(lines)).contains("OK");
        }
    }

    @Test
    void fetchingABodySetsSeenAndTheNextFetchStillShowsIt() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            c.command("FETCH 1:* (FLAGS RFC822.SIZE)");
            assertThat(c.command("FETCH 3 (BODY[TEXT])")).anyMatch(l -> l.startsWith("* 3 FETCH (BODY[TEXT] {")
                    || l.contains("\\Seen"));
            assertThat(c.command("FETCH 3 (FLAGS INTERNALDATE)"))
                    .anyMatch(l -> l.startsWith("* 3 FETCH (FLAGS (") && l.contains("\\Seen"));
        }
    }

    @Test
    void expungeRemovesWhatAnotherSessionJustFlaggedDeletedAndNothingElse() throws Exception {
        try (ImapTestClient c = new ImapTestClient(fx.port()).login("alice@example.test");
             ImapTestClient other = new ImapTestClient(fx.port()).login("alice@example.test")) {
            c.command("SELECT INBOX");
            other.command("SELECT INBOX");
            c.command("FETCH 1:* (FLAGS RFC822.SIZE)"); // every row known, none \Deleted
            assertThat(c.command("EXPUNGE")).hasSize(1).first().asString().contains("OK");
            other.command("STORE 3 +FLAGS.SILENT (\\Deleted)");
            List<String> lines = c.command("EXPUNGE");
            assertThat(lines).contains("* 3 EXPUNGE");
            assertThat(lines.stream().filter(l -> l.endsWith(" EXPUNGE"))).hasSize(1);
            c.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
            other.command("STORE 1 -FLAGS.SILENT (\\Deleted)"); // c still believes 1 is \Deleted
            assertThat(c.command("EXPUNGE")).noneMatch(l -> l.endsWith(" EXPUNGE"));
            assertThat(c.command("FETCH 1:* (UID RFC822.SIZE)")).hasSize(4);
        }
    }
}
