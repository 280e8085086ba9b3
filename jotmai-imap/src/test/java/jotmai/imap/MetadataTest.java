package jotmai.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Transcripts of GETMETADATA / SETMETADATA (RFC 5464) on the server and on mailboxes. */
class MetadataTest extends ImapServerTestBase {
    @Override
    void beforeStart() {
        fx.account("bob");
    }

    private ImapTestClient login(String user) throws Exception {
        return new ImapTestClient(fx.port()).login(user + "@example.test");
    }

    @Test
    void serverAndMailboxEntriesAreSetReadAndDeleted() throws Exception {
        try (ImapTestClient c = login("alice")) {
            assertThat(String.join(" ", c.command("CAPABILITY"))).contains("METADATA", "METADATA-SERVER");
            assertThat(c.command("SETMETADATA \"\" (/private/vendor/example/signature \"Regards, Alice\")"))
                    .containsExactly("t3 OK SETMETADATA completed");
            assertThat(c.command("GETMETADATA \"\" /private/vendor/example/signature")).containsExactly(
                    "* METADATA \"\" (/private/vendor/example/signature \"Regards, Alice\")",
                    "t4 OK GETMETADATA completed");
            assertThat(c.command("SETMETADATA INBOX (/private/comment \"my inbox\" /Shared/Comment {4+}\r\nteam)"))
                    .containsExactly("t5 OK SETMETADATA completed");
            assertThat(c.command("GETMETADATA INBOX (/private/comment /shared/comment /private/missing)")).containsExactly(
                    "* METADATA INBOX (/private/comment \"my inbox\" /private/missing NIL /shared/comment \"team\")",
                    "t6 OK GETMETADATA completed");
            assertThat(c.command("SETMETADATA INBOX (/private/comment NIL)"))
                    .containsExactly("t7 OK SETMETADATA completed");
            assertThat(c.command("GETMETADATA INBOX /private/comment")).containsExactly(
                    "* METADATA INBOX (/private/comment NIL)", "t8 OK GETMETADATA completed");
        }
        try (ImapTestClient c = login("bob")) {
            // another user's server entries are not visible
            assertThat(c.command("GETMETADATA \"\" /private/vendor/example/signature")).containsExactly(
                    "* METADATA \"\" (/private/vendor/example/signature NIL)", "t2 OK GETMETADATA completed");
        }
    }

    @Test
    void depthAndMaxSizeSelectEntries() throws Exception {
        try (ImapTestClient c = login("alice")) {
            c.command("SETMETADATA INBOX (/private/filters/a \"1\" /private/filters/b \"22\" /private/filters/b/x \""
                    + "y".repeat(100) + "\" /private/other \"o\")");
            assertThat(c.command("GETMETADATA (DEPTH 1) INBOX /private/filters")).containsExactly(
                    "* METADATA INBOX (/private/filters/a \"1\" /private/filters/b \"22\")",
                    "t3 OK GETMETADATA completed");
            List<String> all = c.command("GETMETADATA (DEPTH infinity) INBOX /private");
            assertThat(all.get(0)).startsWith("* METADATA INBOX (/private/filters/a \"1\" /private/filters/b \"22\" "
                    + "/private/filters/b/x \"yyy").endsWith("/private/other \"o\")");
            assertThat(c.command("GETMETADATA (MAXSIZE 10 DEPTH infinity) INBOX /private/filters")).containsExactly(
                    "* METADATA INBOX (/private/filters/a \"1\" /private/filters/b \"22\")",
                    "t5 OK [METADATA LONGENTRIES 100] GETMETADATA completed");
        }
    }

    @Test
    void limitsAndBadInputGetTheRfcResponseCodes() throws Exception {
        try (ImapTestClient c = login("alice")) {
            int big = MetadataCommands.MAX_VALUE_SIZE + 1;
            c.send("t100 SETMETADATA INBOX (/private/big {" + big + "}");
            assertThat(c.readLine()).startsWith("+ ");
            c.sendRaw(("x".repeat(big) + ")\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(c.until("t100")).containsExactly("t100 NO [METADATA MAXSIZE 65536] value too large");
            assertThat(ImapTestClient.last(c.command("SETMETADATA INBOX (/nonsense/x \"v\")"))).startsWith("t2 BAD");
            assertThat(ImapTestClient.last(c.command("SETMETADATA INBOX (/private/a* \"v\")"))).startsWith("t3 BAD");
            assertThat(ImapTestClient.last(c.command("GETMETADATA (DEPTH 2) INBOX /private"))).startsWith("t4 BAD");
            assertThat(c.command("SETMETADATA Nowhere (/private/a \"v\")"))
                    .containsExactly("t5 NO [NONEXISTENT] no such mailbox");
            assertThat(c.command("SETMETADATA \"\" (/shared/admin \"mailto:me\")"))
                    .containsExactly("t6 NO [NOPERM] server shared entries are read-only");
            assertThat(c.command(many("e", 600))).containsExactly("t7 OK SETMETADATA completed");
            assertThat(c.command(many("f", 600))).containsExactly("t8 NO [METADATA TOOMANY] too many entries");
            assertThat(c.command("GETMETADATA INBOX /private/f1")).containsExactly(
                    "* METADATA INBOX (/private/f1 NIL)", "t9 OK GETMETADATA completed"); // all or nothing
        }
    }

    private static String many(String prefix, int n) {
        StringBuilder sb = new StringBuilder("SETMETADATA INBOX (");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append("/private/").append(prefix).append(i).append(" \"v\"");
        }
        return sb.append(")").toString();
    }

    @Test
    void entriesFollowARenameAndGoWithADelete() throws Exception {
        try (ImapTestClient c = login("alice")) {
            c.command("CREATE Projects");
            c.command("SETMETADATA Projects (/private/color \"blue\")");
            c.command("RENAME Projects Finished");
            assertThat(c.command("GETMETADATA Finished /private/color")).containsExactly(
                    "* METADATA Finished (/private/color \"blue\")", "t5 OK GETMETADATA completed");
            c.command("DELETE Finished");
            c.command("CREATE Finished");
            assertThat(c.command("GETMETADATA Finished /private/color")).containsExactly(
                    "* METADATA Finished (/private/color NIL)", "t8 OK GETMETADATA completed");
        }
    }
}
