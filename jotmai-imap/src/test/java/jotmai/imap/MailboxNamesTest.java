package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailboxNamesTest {
    @Test
    void modifiedUtf7RoundTripsAsInRfc3501() {
        assertThat(MailboxNames.encodeUtf7("~peter/mail/台北/日本語")).isEqualTo("~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assertThat(MailboxNames.decodeUtf7("~peter/mail/&U,BTFw-/&ZeVnLIqe-")).isEqualTo("~peter/mail/台北/日本語");
        assertThat(MailboxNames.encodeUtf7("A&B")).isEqualTo("A&-B");
        assertThat(MailboxNames.decodeUtf7("A&-B")).isEqualTo("A&B");
    }

    @Test
    void inboxIsCaseInsensitiveAndTrailingDelimitersAreDropped() {
        assertThat(MailboxNames.fromWire("inbox", false)).isEqualTo("INBOX");
        assertThat(MailboxNames.fromWire("Inbox/Sub/", false)).isEqualTo("INBOX/Sub");
        assertThat(MailboxNames.fromWire("Other/", true)).isEqualTo("Other");
    }

    @Test
    void listPatternsMatchWildcardsPerLevel() {
        assertThat(MailboxNames.listPattern("", "%").matcher("a/b").matches()).isFalse();
        assertThat(MailboxNames.listPattern("", "*").matcher("a/b").matches()).isTrue();
        assertThat(MailboxNames.listPattern("a/", "%").matcher("a/b").matches()).isTrue();
        assertThat(MailboxNames.listPattern("", "inbox").matcher("INBOX").matches()).isTrue();
        assertThat(MailboxNames.listPattern("", "a.b").matcher("axb").matches()).isFalse();
    }
}
