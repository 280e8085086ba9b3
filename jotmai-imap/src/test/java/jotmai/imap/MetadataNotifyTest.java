package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unsolicited METADATA responses (RFC 5464 §4.4.2: mailbox and entry names, no values) for NOTIFY's
 * MailboxMetadataChange and ServerMetadataChange (RFC 5465 §5.6-5.7): one session watches, another
 * changes entries; the watcher's own SETMETADATA is not echoed; without NOTIFY nothing is sent.
 */
class MetadataNotifyTest {
    @TempDir
    Path dir;
    ImapFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new ImapFixture(dir);
        fx.account("alice");
        fx.account("bob");
        fx.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private ImapTestClient client(String user) throws Exception {
        return new ImapTestClient(fx.port()).login(user + "@example.test");
    }

    @Test
    void aWatcherHearsWhichEntriesAnotherSessionChangedButNotItsOwnChanges() throws Exception {
        try (ImapTestClient watcher = client("alice"); ImapTestClient changer = client("alice")) {
            assertThat(ImapTestClient.last(watcher.command(
                    "NOTIFY SET (PERSONAL (MailboxMetadataChange ServerMetadataChange))"))).startsWith("t2 OK");

            changer.command("SETMETADATA Drafts (/private/comment \"draft folder\" /shared/color \"red\")");
            assertThat(watcher.readLine()).isEqualTo("* METADATA Drafts /private/comment /shared/color");

            changer.command("SETMETADATA \"\" (/private/vendor/example/signature \"-- A\")");
            assertThat(watcher.readLine()).isEqualTo("* METADATA \"\" /private/vendor/example/signature");

            changer.command("SETMETADATA Drafts (/shared/color NIL)"); // a removal names the entry too
            assertThat(watcher.readLine()).isEqualTo("* METADATA Drafts /shared/color");

            // RFC 5465 §5: the watcher's own change is not announced back to it
            assertThat(watcher.command("SETMETADATA INBOX (/private/comment \"mine\")"))
                    .noneMatch(l -> l.startsWith("* METADATA"));
            assertThat(watcher.command("NOOP")).containsExactly("t4 OK NOOP completed");
        }
    }

    @Test
    void anotherUsersPrivateEntriesStayInvisibleAndNoNotifyMeansNoUnsolicitedMetadata() throws Exception {
        try (ImapTestClient watcher = client("alice"); ImapTestClient plain = client("alice");
             ImapTestClient bob = client("bob"); ImapTestClient changer = client("alice")) {
            watcher.command("NOTIFY SET (PERSONAL (MailboxMetadataChange))");
            // bob's /private server entry is his alone: alice's watcher hears nothing of it
            bob.command("SETMETADATA \"\" (/private/comment \"bob's\")");
            changer.command("SETMETADATA INBOX (/private/comment \"now\")");
            assertThat(watcher.readLine()).isEqualTo("* METADATA INBOX /private/comment");
            // a session without NOTIFY gets no unsolicited METADATA (RFC 5465 §5.6: the client asks for them)
            assertThat(plain.command("NOOP")).containsExactly("t2 OK NOOP completed");
            assertThat(watcher.command("NOTIFY NONE")).containsExactly("t3 OK NOTIFY completed");
            changer.command("SETMETADATA INBOX (/private/comment \"later\")");
            assertThat(watcher.command("NOOP")).containsExactly("t4 OK NOOP completed");
        }
    }
}
